// What the save plan keeps off the tape, checked on the generated code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad } from '../../runtime/index.js';
import { corpus } from '../corpus/functions.js';
import { layer } from '../golden/cases.js';

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
  // carried: one value per iteration (the state it hands the next), kept in an array indexed by the
  // loop rather than on the tape; the inner loop's saves stay in the adjoint.
  const carried = corpus.find((k) => k.name === 'carried')!;
  const csrc = grad(carried.f, { wrt: carried.wrt }).source;
  assert.not.match(primalOf(csrc), /tape\.push/, csrc);
  assert.is((primalOf(csrc).match(/s_at\[i\] = s;/g) ?? []).length, 1, csrc);
});

test('loops that cannot be re-run keep their saves', () => {
  // laterWrite: an array the loop reads is written after it; partialFill: a buffer carries over;
  // scratchAfter, scratchBefore: a buffer filled in each iteration is also used outside the loop.
  for (const name of ['laterWrite', 'partialFill', 'scratchAfter', 'scratchBefore']) {
    const c = corpus.find((k) => k.name === name)!;
    assert.match(primalOf(grad(c.f, { wrt: c.wrt }).source), /for \([^]*tape\.push/, name);
  }
});

test('a value stored at its loop\'s index is read back from the array, and the independent adjoint loop runs forwards', () => {
  // The MLP's hidden layer (the golden case `layer`): h[j] = tanh(a) is what the adjoint of the tanh needs.
  const g = grad(layer);
  assert.not.match(g.source, /tape\./, g.source);
  assert.match(g.source, /= h\[j\d*\];/, 'the adjoint reads the stored value back');
  assert.not.match(g.source, /j\d* >= 0; j\d*--/, 'no backward loop left');
  const W = Float64Array.from({ length: 6 }, (_, k) => Math.sin(k + 1)), x = Float64Array.of(0.3, -0.7);
  const fd = W.map((_, k) => {
    const up = W.slice(), down = W.slice();
    up[k] += 1e-6; down[k] -= 1e-6;
    return (layer(up, x, 3) - layer(down, x, 3)) / 2e-6;
  });
  const got = g(W, x, 3) as Float64Array;
  got.forEach((v, k) => assert.ok(Math.abs(v - fd[k]) < 1e-7, `dW[${k}] = ${v}, differences give ${fd[k]}`));
});

test('in a checkpointed iteration, what an inner loop saves per iteration goes in an array indexed by it', () => {
  // A log-sum-exp per row: the running max and each exp are saved per k, read back by the adjoint.
  function lse(x: Float64Array, n: number, K: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let m = x[i * K];
      for (let k = 1; k < K; k++) m = Math.max(m, x[i * K + k]);
      let e = 0;
      for (let k = 0; k < K; k++) e += Math.exp(x[i * K + k] - m);
      s += m + Math.log(e);
    }
    return s;
  }
  const g = grad(lse);
  assert.not.match(g.source, /tape\./, g.source);
  assert.match(g.source, /saved_k\d*\[k\d*\] = /, 'saved in an array indexed by the loop');
  const x = Float64Array.from({ length: 12 }, (_, k) => Math.sin(3 * k));
  const got = g(x, 3, 4) as Float64Array;
  x.forEach((_, k) => {
    const up = x.slice(), down = x.slice();
    up[k] += 1e-6; down[k] -= 1e-6;
    const fd = (lse(up, 3, 4) - lse(down, 3, 4)) / 2e-6;
    assert.ok(Math.abs(got[k] - fd) < 1e-7, `dx[${k}] = ${got[k]}, differences give ${fd}`);
  });
});

test('a loop two levels into a checkpointed iteration keeps its saves in a row of an array per outer iteration', () => {
  // mixture: z is saved per j inside the per-component loop k; the array holds K rows of d values.
  const c = corpus.find((k) => k.name === 'mixture')!;
  const g = grad(c.f, { wrt: c.wrt });
  assert.not.match(g.source, /tape\./, g.source);
  assert.match(g.source, /saved_j\d*\[k\d*_row\d* \+ j\d*\] = z;/, 'indexed by row and column');
  // The gradient against central differences on seeded inputs (the corpus's other checks compare it with the
  // unoptimised derivative and the Wasm path).
  const args = [Float64Array.of(0.2, -0.4, 0.7), Float64Array.from({ length: 6 }, (_, k) => Math.cos(k)),
    Float64Array.from({ length: 12 }, (_, k) => Math.sin(2 * k)), 4, 3, 2] as const;
  const got = g(...args) as Float64Array[];
  for (const [w, arr] of [[0, args[0]], [1, args[1]]] as const) {
    arr.forEach((_, k) => {
      const up = arr.slice(), down = arr.slice();
      up[k] += 1e-6; down[k] -= 1e-6;
      const at = (a: Float64Array) => c.f(...args.map((x, i) => (i === w ? a : x)));
      const fd = (at(up) - at(down)) / 2e-6;
      assert.ok(Math.abs(got[w][k] - fd) < 1e-6 * (1 + Math.abs(fd)), `d${w}[${k}] = ${got[w][k]}, differences give ${fd}`);
    });
  }
});

test('an inner loop bounded by the checkpointed iteration\'s index (a triangle) keeps its saves on the tape', () => {
  // Its trip count changes from one iteration to the next: no array sized once for the call fits it.
  function triangle(x: Float64Array, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let m = x[i];
      for (let k = 0; k < i; k++) m = Math.max(m, Math.sin(x[k] * m));
      s += m * m;
    }
    return s;
  }
  const x = Float64Array.from({ length: 6 }, (_, k) => Math.cos(3 * k + 1));
  for (const optimized of [true, false]) {
    const g = grad(triangle, { optimized });
    const got = g(x, 6) as Float64Array;
    x.forEach((_, k) => {
      const up = x.slice(), down = x.slice();
      up[k] += 1e-6; down[k] -= 1e-6;
      const fd = (triangle(up, 6) - triangle(down, 6)) / 2e-6;
      assert.ok(Math.abs(got[k] - fd) < 1e-7, `optimized ${optimized}: dx[${k}] = ${got[k]}, differences give ${fd}`);
    });
  }
});

test.run();
