// What the save plan keeps off the tape, checked on the generated code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad } from '../../runtime/index.js';
import { corpus } from '../corpus/functions.js';

test('an array filled afresh each iteration is re-filled in the adjoint, not taped', () => {
  const c = corpus.find((k) => k.name === 'scratch')!;
  const src = grad(c.f, { wrt: c.wrt }).source;
  assert.not.match(src, /tape\.push\(xc\[/, 'no per-element saves of xc');
  assert.match(src, /xc\[j\d*\] = x\[/, 'the fill runs again in the adjoint');
});

test('loop-free code and Rosenbrock use no tape at all', () => {
  for (const name of ['poly', 'trig', 'rosenbrock', 'outer']) {
    const c = corpus.find((k) => k.name === name)!;
    assert.not.match(grad(c.f, { wrt: c.wrt, scope: c.scope }).source, /tape\./, name);
  }
});

test.run();
