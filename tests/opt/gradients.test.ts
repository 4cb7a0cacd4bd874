// The whole pipeline on real gradient IR (reverse mode's output): golden
// before/after samples, the same results (to REASSOCIATION), and no tape traffic
// left in loop-free gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reverseModule } from '../../compiler/ad/reverse.js';
import { optimizeModule } from '../../compiler/opt/pipeline.js';
import { forEachStmt } from '../../compiler/ir/walk.js';
import { corpus, lowerCase } from './corpus.js';
import { assertSameResults, beforeAfter, golden, REASSOCIATION, validating } from './support.js';

validating(test);

const samples = ['scalar_expr', 'branch', 'ternary', 'dot', 'power_loop', 'max_loop', 'calls', 'local_array'];

for (const name of samples) {
  test(`gradient of ${name}: golden before/after optimize`, () => {
    const c = corpus.find((k) => k.name === name)!;
    const raw = reverseModule(lowerCase(c), { wrt: c.wrt });
    const opt = optimizeModule(raw);
    golden('gradients', name, beforeAfter('optimize', raw, opt));
    assertSameResults(`gradient of ${name}`, raw, opt, 40, 1, false, undefined, REASSOCIATION);
  });
}

test('loop-free gradients use no tape after optimize', () => {
  for (const name of ['scalar_expr', 'literals', 'repeated', 'branch', 'ternary', 'calls', 'dead_values']) {
    const c = corpus.find((k) => k.name === name)!;
    const opt = optimizeModule(reverseModule(lowerCase(c), { wrt: c.wrt }));
    for (const f of opt.functions) {
      forEachStmt(f.body, (s) => assert.ok(s.kind !== 'push', `${name}: ${f.name} still pushes`));
    }
  }
});

test.run();
