// scalar-replace alone: an element a loop touches at one unchanging index lives in a local across
// the loop; results stay bit for bit the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IrModule } from '../../compiler/ir/nodes.js';
import { checkPass, validating } from './support.js';

validating(test);

/** A loop over x with `body` (names: s, t, u: f64; k: i32; y: f64[] another array). */
const loop = (name: string, body: string, { after = 's, y', before = '' } = {}) => `
    function ${name}(x: f64[], y: f64[], a: f64, n: i32, k: i32) -> f64, f64[] {
      locals s: f64, t: f64, u: f64, i: i32, z: f64[]
      s = 0.0
${before}      for i = 0i; i < n; ++ {
${body.trim().split('\n').map((l) => `        ${l.trim()}`).join('\n')}
      }
      return ${after}
    }`;

/** Whether any load or store of `array` is left inside a loop. */
const touchedInLoop = (m: IrModule, array: string) => {
  let found = false;
  const visit = (body: any[], inLoop: boolean) => {
    for (const s of body) {
      if (inLoop && ((s.kind === 'store' && s.array === array) || (s.kind === 'assign' && s.expr.kind === 'load' && s.expr.array === array))) found = true;
      if (s.kind === 'for' || s.kind === 'while') visit(s.body, true);
      if (s.kind === 'if') { visit(s.then, inLoop); visit(s.else, inLoop); }
    }
  };
  visit(m.functions[0].body, false);
  return found;
};

const cases: Record<string, [string, boolean]> = {
  // y[k] is added into and read at k, which the loop never changes; x[k] is only read.
  element: [loop('element', `
    t = x[i]
    u = t * a
    y[k] += u
    t = y[k]
    s = s + t
    u = x[k]
    s = s + u`), true],
  // A constant index works the same.
  constant_index: [loop('constant_index', `
    t = x[i]
    y[0i] += t`), true],
  // y is also read at the loop's index: another element, the local would miss it.
  other_index: [loop('other_index', `
    t = x[i]
    y[k] += t
    u = y[i]
    s = s + u`), false],
  // The index changes in the loop.
  moving_index: [loop('moving_index', `
    t = x[i]
    k = k + 1i
    y[k] += t`), false],
  // y reaches a primitive that reads all of it.
  whole_array: [loop('whole_array', `
    t = np.sum(y)
    y[k] += t`), false],
  // z is another name for y: a store through it changes y[k].
  alias: [loop('alias', `
    t = x[i]
    y[k] += t
    z[k] = a`, { before: '      z = y\n' }), false],
};

for (const [name, [input, replaced]] of Object.entries(cases)) {
  test(name, () => {
    const out = checkPass('scalar-replace', name, input);
    assert.is(!touchedInLoop(out, 'y'), replaced, `${name}: expected y ${replaced ? 'not ' : ''}to be touched in the loop`);
  });
}

test.run();
