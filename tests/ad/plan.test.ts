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

const primalOf = (src: string) => src.slice(src.indexOf('// primal'), src.indexOf('// adjoint'));

test('a loop whose inner loops save values is re-run iteration by iteration in the adjoint', () => {
  // mixture: nothing of the loop is needed but its gradient, so the primal sweep keeps none of it.
  const mixture = corpus.find((k) => k.name === 'mixture')!;
  const src = grad(mixture.f, { wrt: mixture.wrt }).source;
  assert.not.match(primalOf(src), /for \(|tape\./, 'no primal loop, no tape in the primal sweep');
  // carried: one push per iteration (the state it hands the next), the inner loop's saves stay in the adjoint.
  const carried = corpus.find((k) => k.name === 'carried')!;
  const csrc = grad(carried.f, { wrt: carried.wrt }).source;
  assert.is((primalOf(csrc).match(/tape\.push/g) ?? []).length, 1, csrc);
});

test('loops that cannot be re-run keep their saves', () => {
  // laterWrite: an array the loop reads is written after it; partialFill: a buffer carries over;
  // scratchAfter, scratchBefore: a buffer filled in each iteration is also used outside the loop.
  for (const name of ['laterWrite', 'partialFill', 'scratchAfter', 'scratchBefore']) {
    const c = corpus.find((k) => k.name === name)!;
    assert.match(primalOf(grad(c.f, { wrt: c.wrt }).source), /for \([^]*tape\.push/, name);
  }
});

test.run();
