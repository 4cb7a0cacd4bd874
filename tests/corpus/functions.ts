// The shared corpus: example functions every mode × backend × optimisation
// setting runs over. Parameter names tell their kind: a, b, c (and words)
// are scalars, x, y, w arrays, n, m sizes. Each entry samples its arguments
// away from kinks and domain edges.
import * as np from '../../runtime/np.js';
import type { Rng } from '../support/rng.js';
import { triangle } from '../golden/cases.js';

export interface Case {
  name: string;
  f: (...args: any[]) => number;
  scope?: Record<string, unknown>;
  /** Seeded arguments. */
  args: (r: Rng) => unknown[];
  /** Arguments to differentiate (default [0]). */
  wrt?: number[];
  /** Skip the Hessian check (e.g. piecewise-linear code). */
  noHvp?: boolean;
  /** Why the Wasm path does not run this case yet. */
  noWasm?: string;
}

// ---- straight-line scalar code ---------------------------------------------

function poly(a: number, b: number) {
  const c = a * a * b - 3 * b + 2.5;
  return c * c / (1 + a * a);
}

function trig(a: number, b: number) {
  let y = Math.sin(a) * Math.cos(b);
  y = y + Math.tan(a / 4) - Math.atan2(a, b);
  y -= Math.hypot(a, b) * 0.5;
  return y * Math.sinh(b / 3) + Math.tanh(a);
}

function expLog(a: number, b: number) {
  const p = Math.exp(a / 2) + Math.log(b) + Math.log1p(b) - Math.expm1(-a);
  return p * Math.sqrt(b) + Math.cbrt(b) + Math.log2(b) * Math.log10(b + 1);
}

function powers(a: number, b: number) {
  return a ** 3 + Math.pow(b, a) + b ** 0.5 - Math.pow(a, 2) / b;
}

function branchy(a: number, b: number) {
  const m = a > b ? a * b : a + b;
  let r = Math.max(m, b * 0.5, -2);
  if (r < 0) r = -r * Math.abs(a);
  else r = r + Math.min(a, b) ** 2;
  return r;
}

function compound(a: number, b: number) {
  let s = a;
  s *= b;
  s += a / b;
  s /= 1 + b * b;
  s -= Math.asin(a / 4) + Math.acos(b / 4);
  return s + Math.asinh(a) + Math.acosh(2 + b * b) + Math.atanh(a / 3);
}

function piecewise(a: number, b: number) {
  return Math.floor(a) + a * Math.sign(b) + Math.round(b) * a + Math.trunc(a) + Math.ceil(b) * b;
}

// ---- loops, arrays, subroutines ----------------------------------------------

function rosenbrock(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}

/** Newton's method for sqrt(a), until convergence (data-dependent trip count). */
function newtonSqrt(a: number) {
  let y = a;
  let it = 0;
  while (Math.abs(y * y - a) > 1e-12 && it < 50) {
    y = 0.5 * (y + a / y);
    it++;
  }
  return y * y * y;
}

function nestedEarlyReturn(x: Float64Array, n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      s += x[i] * x[j] * (i + 1);
      if (s > 1e6) return s;
    }
  }
  return s * s;
}

function prefixSums(x: Float64Array) {
  const p = new Float64Array(x.length);
  p[0] = x[0];
  for (let i = 1; i < x.length; i++) p[i] = p[i - 1] + x[i];
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.sin(p[i]);
  return s;
}

function matvecLoss(w: Float64Array, x: Float64Array, rows: number, cols: number) {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = 0; c < cols; c++) acc += w[r * cols + c] * x[c];
    loss += Math.tanh(acc);
  }
  return loss;
}

function softmaxXent(x: Float64Array, label: number) {
  let m = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] > m) m = x[i];
  let z = 0;
  for (let i = 0; i < x.length; i++) z += Math.exp(x[i] - m);
  return Math.log(z) + m - x[label];
}

function square(a: number) { return a * a; }
function inner(a: number, b: number) { return square(a) * Math.sin(b) + a; }
function outer(a: number, b: number) { return inner(a, b) * inner(b, a) + square(b); }

function breakInner(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    let j = 0;
    while (true) {
      s += x[i] * Math.cos(x[j]);
      j++;
      if (j > i) break;
    }
  }
  return s;
}

/** A damped spring, 1,000 explicit Euler steps; differentiated w.r.t. stiffness and damping. */
function spring(k: number, c: number) {
  let pos = 1;
  let vel = 0;
  const dt = 0.01;
  for (let step = 0; step < 1000; step++) {
    const acc = -k * pos - c * vel;
    pos += dt * vel;
    vel += dt * acc;
  }
  return pos * pos + vel * vel;
}

function continueLoop(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < 0) continue;
    s += x[i] * x[i] * (i + 1);
  }
  return s;
}

function doWhile(a: number) {
  let y = a;
  let k = 0;
  do {
    y = Math.sin(y) + a * 0.5;
    k += 1;
  } while (k < 5);
  return y;
}

function logistic(w: Float64Array, x: Float64Array, y: Float64Array, n: number, d: number) {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += w[j] * x[i * d + j];
    const p = 1 / (1 + Math.exp(-z));
    loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  return loss / n;
}

function arrayHelperSum(x: Float64Array) { let s = 0; for (let i = 0; i < x.length; i++) s += x[i] * x[i]; return s; }
function usesArrayHelper(x: Float64Array, a: number) { return arrayHelperSum(x) * a + Math.sqrt(arrayHelperSum(x) + 1); }

function localArrayOverwrite(x: Float64Array) {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * 2;
  for (let i = 0; i < x.length; i++) y[i] = Math.sin(y[i]) * x[i];
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return s;
}

/** A tiny MLP: a hidden layer allocated per sample (an array made inside a loop). */
function mlp(w1: Float64Array, w2: Float64Array, x: Float64Array, batch: number, nIn: number, nHid: number) {
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const h = new Float64Array(nHid);
    for (let j = 0; j < nHid; j++) {
      let a = 0;
      for (let i = 0; i < nIn; i++) a += w1[j * nIn + i] * x[s * nIn + i];
      h[j] = Math.tanh(a);
    }
    let out = 0;
    for (let j = 0; j < nHid; j++) out += w2[j] * h[j];
    loss += (out - 1) * (out - 1);
  }
  return loss / batch;
}

/** Indices stored in a Float64Array (an observation list), and sizes from integer division. */
function gather(x: Float64Array, idx: Float64Array, n: number) {
  const half = (n * (n + 1)) / 2;
  let s = 0;
  for (let k = 0; k < idx.length; k++) {
    const j = idx[k];
    s += x[j] * x[(j + half) % n];
  }
  return s;
}

function scaled(x: Float64Array, a: number) {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * a;
  return y;
}
function usesArrayResult(x: Float64Array, a: number) {
  const y = scaled(x, a);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.sin(y[i]) * x[i];
  return s;
}

/** Loops with a real bound, and a real loop variable. */
function realBounds(x: Float64Array, bound: number, a: number) {
  let s = 0;
  for (let i = 0; i < bound; i++) s += Math.sin(x[i] * a) * (i + 1);
  for (let t = 4.5; t >= 0.2; t--) s = s * 0.5 + Math.cos(a * t);
  return s;
}

/** Per-sample rows sliced out with cotangent/np: an array recomputed in the adjoint, with its own adjoint each time. */
function rowsXent(x: Float64Array, labels: Float64Array, batch: number, nOut: number) {
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const row = np.slice(x, s * nOut, (s + 1) * nOut);
    loss += np.logsumexp(row) - row[labels[s]];
  }
  return loss / batch;
}

/** A scratch array filled afresh in every iteration (GMM's `xc`): re-filled in the adjoint, not taped. */
function scratch(x: Float64Array, m: Float64Array, n: number, d: number) {
  const xc = new Float64Array(d);
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) xc[j] = x[i * d + j] - m[j];
    let q = 0;
    for (let j = 0; j < d; j++) q += xc[j] * xc[j] * (j + 1);
    s += Math.log(1 + q);
  }
  return s;
}

// ---- loops whose iterations are re-run in the adjoint (checkpointed) -------

/** A Gaussian-mixture-like log-likelihood: scratch arrays filled whole in each iteration, inner loops that save. */
function mixture(w: Float64Array, mu: Float64Array, x: Float64Array, n: number, K: number, d: number) {
  const xc = new Float64Array(d);
  const logit = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) xc[j] = x[i * d + j] - mu[k * d + j];
      let sq = 0;
      for (let j = 0; j < d; j++) {
        let z = xc[j];
        for (let l = 0; l < j; l++) z += 0.3 * xc[l] * w[k];
        sq += z * z;
      }
      logit[k] = w[k] - 0.5 * sq;
    }
    let mx = logit[0];
    for (let k = 1; k < K; k++) mx = Math.max(mx, logit[k]);
    let se = 0;
    for (let k = 0; k < K; k++) se += Math.exp(logit[k] - mx);
    total += mx + Math.log(se);
  }
  return total;
}

/** State carried from one iteration to the next and used non-linearly. */
function carried(x: Float64Array, a: number, n: number, d: number) {
  let s = a;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < d; j++) acc = Math.sin(acc + x[i * d + j] * s);
    s = s * 0.9 + Math.tanh(acc);
  }
  return s * s;
}

/** An array the loop reads is written after it: its iterations cannot simply be re-run later. */
function laterWrite(x: Float64Array, n: number) {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i] * x[i];
  let s = 0;
  // (t is declared outside: the IR validator cannot see that the adjoint loop runs only if this one did)
  let t = 0;
  for (let i = 0; i < n; i++) {
    t = 0;
    for (let j = 0; j <= i; j++) t = Math.cos(t) + y[j];
    s += t * t;
  }
  for (let i = 0; i < n; i++) y[i] = 0.5 * x[i];
  return s + y[0] * x[1];
}

/** A buffer carried between iterations (not filled whole): no re-running either. */
function partialFill(x: Float64Array, n: number, d: number) {
  const buf = new Float64Array(d);
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < d; j++) buf[j] = buf[j] * 0.5 + x[i * d + j];
    let t = 0;
    for (let j = 0; j < d; j++) t = Math.sin(t + buf[j]);
    s += t;
  }
  return s;
}

/** A buffer filled whole in every iteration but also read after the loop: the primal needs it. */
function scratchAfter(x: Float64Array, n: number, d: number) {
  const row = new Float64Array(d);
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = Math.sin(x[i * d + j] * s + 0.3);
    let t = 0;
    for (let j = 0; j < d; j++) t = t * 0.5 + row[j] * row[j];
    s += t;
  }
  return s + row[0] * row[d - 1];
}

/** A buffer filled whole in every iteration whose earlier contents a statement before the loop read. */
function scratchBefore(x: Float64Array, n: number, d: number) {
  const buf = new Float64Array(d);
  for (let j = 0; j < d; j++) buf[j] = x[j] * x[j];
  let s = buf[0] * buf[d - 1];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) buf[j] = Math.cos(x[i * d + j] + s);
    let t = 0;
    for (let j = 0; j < d; j++) t = Math.sin(t + buf[j]);
    s += t;
  }
  return s;
}

export const corpus: Case[] = [
  { name: 'poly', f: poly, args: (r) => [r.uniform(-2, 2), r.uniform(-2, 2)], wrt: [0, 1] },
  { name: 'trig', f: trig, args: (r) => [r.uniform(-1.5, 1.5), r.uniform(0.5, 2)], wrt: [0, 1] },
  { name: 'expLog', f: expLog, args: (r) => [r.uniform(-2, 2), r.uniform(0.5, 3)], wrt: [0, 1] },
  { name: 'powers', f: powers, args: (r) => [r.uniform(0.5, 2), r.uniform(0.5, 2)], wrt: [0, 1] },
  { name: 'branchy', f: branchy, args: (r) => [r.uniform(-2, 2), r.uniform(-2, 2)], wrt: [0, 1], noHvp: true },
  { name: 'compound', f: compound, args: (r) => [r.uniform(-1, 1), r.uniform(0.3, 1)], wrt: [0, 1] },
  { name: 'piecewise', f: piecewise, args: (r) => [r.uniform(0.1, 0.9) + r.int(-3, 3), r.uniform(0.1, 0.4) + r.int(-3, 3)], wrt: [0, 1], noHvp: true },
  { name: 'rosenbrock', f: rosenbrock, args: (r) => [r.array(6, -1.5, 1.5)] },
  { name: 'newtonSqrt', f: newtonSqrt, args: (r) => [r.uniform(0.5, 4)] },
  { name: 'nestedEarlyReturn', f: nestedEarlyReturn, args: (r) => [r.array(4), 4] },
  { name: 'prefixSums', f: prefixSums, args: (r) => [r.array(7)] },
  { name: 'matvecLoss', f: matvecLoss, args: (r) => [r.array(12), r.array(4), 3, 4], wrt: [0, 1] },
  { name: 'softmaxXent', f: softmaxXent, args: (r) => [r.array(5, -2, 2), 2], noHvp: false },
  { name: 'outer', f: outer, scope: { inner, square }, args: (r) => [r.uniform(-2, 2), r.uniform(-2, 2)], wrt: [0, 1] },
  { name: 'breakInner', f: breakInner, args: (r) => [r.array(5)] },
  { name: 'spring', f: spring, args: (r) => [r.uniform(1, 4), r.uniform(0.1, 0.5)], wrt: [0, 1] },
  { name: 'continueLoop', f: continueLoop, args: (r) => [r.array(6)] },
  { name: 'doWhile', f: doWhile, args: (r) => [r.uniform(-1, 1)] },
  { name: 'logistic', f: logistic, args: (r) => [r.array(3), r.array(12), Float64Array.from({ length: 4 }, () => r.int(0, 1)), 4, 3] },
  { name: 'usesArrayHelper', f: usesArrayHelper, scope: { arrayHelperSum }, args: (r) => [r.array(5), r.uniform(-1, 1)], wrt: [0, 1] },
  { name: 'localArrayOverwrite', f: localArrayOverwrite, args: (r) => [r.array(5)] },
  { name: 'mlp', f: mlp, args: (r) => [r.array(6), r.array(3), r.array(8), 4, 2, 3], wrt: [0, 1] },
  { name: 'gather', f: gather, args: (r) => [r.array(5), Float64Array.from({ length: 7 }, () => r.int(0, 4)), 5] },
  { name: 'realBounds', f: realBounds, args: (r) => [r.array(5), 3.5, r.uniform(-1, 1)], wrt: [0, 2] },
  { name: 'rowsXent', f: rowsXent, scope: { np }, args: (r) => [r.array(12, -2, 2), Float64Array.from([1, 0, 2, 1]), 4, 3], noWasm: 'np operations are JS-only for now' },
  { name: 'scratch', f: scratch, args: (r) => [r.array(12), r.array(3), 4, 3], wrt: [0, 1] },
  { name: 'mixture', f: mixture, args: (r) => [r.array(3), r.array(6), r.array(12), 4, 3, 2], wrt: [0, 1] },
  // A packed triangle read row by row: the adjoint's triangle is swapped to column order (opt/interchange.ts).
  { name: 'triangle', f: triangle, args: (r) => [r.array(4), r.array(6), r.array(12), 3], wrt: [0, 1, 2] },
  { name: 'carried', f: carried, args: (r) => [r.array(12), r.uniform(-1, 1), 4, 3], wrt: [0, 1] },
  { name: 'laterWrite', f: laterWrite, args: (r) => [r.array(5), 5], wrt: [0] },
  { name: 'partialFill', f: partialFill, args: (r) => [r.array(12), 4, 3], wrt: [0] },
  { name: 'scratchAfter', f: scratchAfter, args: (r) => [r.array(12), 4, 3], wrt: [0] },
  { name: 'scratchBefore', f: scratchBefore, args: (r) => [r.array(12), 4, 3], wrt: [0] },
  { name: 'usesArrayResult', f: usesArrayResult, scope: { scaled }, args: (r) => [r.array(5), r.uniform(-1, 1)], wrt: [0, 1] },
];
