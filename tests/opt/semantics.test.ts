// Differential test: every corpus function computes the same, bit for bit,
// before and after the whole pipeline and after each pass alone, with the
// IR validated after every pass. Derivatives agree to REASSOCIATION (loop-order and
// combine-adds add up in another order); primal functions exactly.
import { test } from 'uvu';
import type { IrModule } from '../../compiler/ir/nodes.js';
import { optimizeModule, passes } from '../../compiler/opt/pipeline.js';
import { corpus, lowerCase } from './corpus.js';
import { assertSameResults, REASSOCIATION, toleranceOf, validating } from './support.js';
import { runPass } from '../../compiler/opt/pipeline.js';
import { reverseModule } from '../../compiler/ad/reverse.js';
import { derive } from '../../compiler/index.js';
import { corpus as shared } from '../corpus/functions.js';
import { Rng } from '../support/rng.js';
import type { Value } from '../support/interp.js';

validating(test);

for (const c of corpus) {
  test(`optimize keeps the results of ${c.name}`, () => {
    const raw = lowerCase(c);
    assertSameResults(c.name, raw, optimizeModule(raw));
  });
}

for (const name of Object.keys(passes)) {
  test(`${name} alone keeps the results of every corpus function`, () => {
    for (const c of corpus) {
      const raw = lowerCase(c);
      const opt: IrModule = { ...raw, functions: raw.functions.map((f) => runPass(name, f, raw)) };
      assertSameResults(`${name} on ${c.name}`, raw, opt, 15, 1, false, undefined, toleranceOf(name));
    }
  });
}

for (const c of corpus) {
  test(`optimize keeps the gradient of ${c.name}`, () => {
    const raw = reverseModule(lowerCase(c), { wrt: c.wrt });
    // Reverse mode pushes `skip` before its first assignment in loops with `continue` (reported).
    const lenient = c.name === 'continue_loop';
    assertSameResults(`gradient of ${c.name}`, raw, optimizeModule(raw), 40, 1, lenient, undefined, REASSOCIATION);
  });
}

// The shared corpus, through every mode: gradients, jvps and hvps (forward over reverse).
for (const c of shared) {
  for (const mode of ['grad', 'jvp', 'hvp'] as const) {
    test(`optimize keeps the ${mode} of ${c.name}`, () => {
      const wrt = c.wrt ?? [0];
      const raw = derive(c.f, { mode, wrt, scope: c.scope, optimized: false }).module;
      const r = new Rng(99);
      const makeArgs = () => {
        const primal = c.args(r) as Value[];
        if (mode === 'grad') return primal;
        const tangents = wrt.map((i) => (primal[i] instanceof Float64Array ? r.array((primal[i] as Float64Array).length) : r.uniform(-1, 1)));
        return [...primal, ...tangents];
      };
      // Reverse mode pushes some loop variables before their first assignment (reported); the raw run forgives that.
      assertSameResults(`${mode} of ${c.name}`, raw, optimizeModule(raw), 6, 1, mode !== 'jvp', makeArgs, REASSOCIATION);
    });
  }
}

test.run();
