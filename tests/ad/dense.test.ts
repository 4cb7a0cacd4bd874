// jacobian and hessian against closed forms; higher order by composition.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, hessian, hvp, jacobian, jvp } from '../../runtime/index.js';
import { mismatch } from '../support/fd.js';
import { Rng } from '../support/rng.js';

function rosenbrock(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}

/** The Rosenbrock Hessian, written out by hand. */
function rosenbrockHessian(x: Float64Array): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n - 1; i++) {
    H[i * n + i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
    H[(i + 1) * n + i + 1] += 200;
    H[i * n + i + 1] += -400 * x[i];
    H[(i + 1) * n + i] += -400 * x[i];
  }
  return H;
}

function cumulativeSquares(x: Float64Array) {
  const y = new Float64Array(x.length);
  let acc = 0;
  for (let i = 0; i < x.length; i++) {
    acc += x[i] * x[i];
    y[i] = acc;
  }
  return y;
}

test('hessian of Rosenbrock equals its closed form', () => {
  const r = new Rng(5);
  for (let p = 0; p < 3; p++) {
    const x = r.array(6, -1.5, 1.5);
    assert.is(mismatch(hessian(rosenbrock)(x) as Float64Array, rosenbrockHessian(x), 1e-12, 1e-9), '');
  }
});

test('hvp on Rosenbrock with n = 100,000 costs a few gradients, not a Hessian', () => {
  const n = 100_000;
  const x = new Rng(1).array(n);
  const v = new Rng(2).array(n);
  const before = process.memoryUsage().arrayBuffers;
  const hv = hvp(rosenbrock)(x, v) as Float64Array;
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.is(hv.length, n);
  // An n×n Hessian would be 80 GB; the hvp keeps O(n) arrays (a few MB).
  assert.ok(grown < 64 * n * 8, `hvp allocated ${grown} bytes`);
  // Spot-check against the closed form on a window.
  const i = 777;
  const want = (1200 * x[i] * x[i] - 400 * x[i + 1] + 2 + 200) * v[i] - 400 * x[i] * v[i + 1] - 400 * x[i - 1] * v[i - 1];
  assert.is(mismatch(hv[i], want, 1e-10, 1e-9), '');
});

test('jacobian of an array-valued function (forward) and of a scalar one (reverse)', () => {
  const x = new Float64Array([0.5, -1, 2]);
  const J = jacobian(cumulativeSquares)(x) as Float64Array;
  const want = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j <= i; j++) want[i * 3 + j] = 2 * x[j];
  assert.equal(J, want);
  assert.equal(jacobian(rosenbrock)(x), grad(rosenbrock)(x));
  assert.is(jacobian((a: number) => Math.sin(a))(0.3), Math.cos(0.3));
});

test('higher order by composition: grad of grad, jvp of jvp, jvp of grad', () => {
  const f = (a: number) => Math.sin(a) * a * a;
  const a = 0.7;
  const d2 = 2 * Math.sin(a) + 4 * a * Math.cos(a) - a * a * Math.sin(a);
  const d3 = 6 * Math.cos(a) - 6 * a * Math.sin(a) - a * a * Math.cos(a);
  assert.is(mismatch(grad(grad(f))(a), d2, 1e-12, 1e-12), '');
  assert.is(mismatch(grad(grad(grad(f)))(a), d3, 1e-12, 1e-12), '');
  assert.is(mismatch(jvp(jvp(f))(a, 1, 1), d2, 1e-12, 1e-12), '');
  assert.is(mismatch(jvp(grad(f))(a, 1), d2, 1e-12, 1e-12), '');
});

test('grad of a derivative that uses the tape is refused with a remedy', () => {
  // A while loop inside a loop: its trip counts go on the tape.
  const loopy = (x: number) => { let s = x; for (let i = 0; i < 3; i++) { let j = 0; while (j < i) { s = Math.sin(s) * x; j++; } } return s; };
  assert.throws(() => grad(grad(loopy)), /uses the tape[\s\S]*note: take the outer derivative in forward mode/);
  const h = jvp(grad(loopy))(0.4, 1) as number;
  assert.is(mismatch(h, hvp(loopy)(0.4, 1) as number, 1e-12, 1e-12), '');
});

test('grad of a derivative whose loop keeps its carried values in arrays, not on the tape, works', () => {
  const loopy = (x: number) => { let s = x; for (let i = 0; i < 3; i++) s = Math.sin(s) * x; return s; };
  assert.not.match(grad(loopy).source, /tape\./);
  assert.is(mismatch(grad(grad(loopy))(0.4) as number, hvp(loopy)(0.4, 1) as number, 1e-12, 1e-12), '');
});

test.run();
