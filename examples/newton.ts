// Newton's method on the Rosenbrock function, each step solved by conjugate
// gradients with Hessian-vector products: the Hessian is never formed.
// `npx tsx examples/newton.ts`
import { grad, hvp } from '../runtime/index.js';

export function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}

const g = grad(rosenbrock);
const Hv = hvp(rosenbrock);
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, ai, i) => s + ai * b[i], 0);

/** Solves H p = -g approximately by conjugate gradients (H·v from hvp). */
function newtonStep(x: Float64Array): Float64Array {
  const gx = g(x) as Float64Array;
  const p = new Float64Array(x.length);
  const r = gx.map((v) => -v);
  const d = r.slice();
  let rr = dot(r, r);
  for (let k = 0; k < 50 && rr > 1e-20; k++) {
    const Hd = Hv(x, d) as Float64Array;
    const curvature = dot(d, Hd);
    if (curvature <= 0) break; // not convex here: keep the descent direction found so far
    const alpha = rr / curvature;
    for (let i = 0; i < x.length; i++) { p[i] += alpha * d[i]; r[i] -= alpha * Hd[i]; }
    const rr2 = dot(r, r);
    for (let i = 0; i < x.length; i++) d[i] = r[i] + (rr2 / rr) * d[i];
    rr = rr2;
  }
  // Falls back to steepest descent if CG found no descent direction.
  return dot(p, gx) < 0 ? p : gx.map((v) => -v);
}

let x = new Float64Array(20); // every coordinate 0; the minimum is at 1
for (let step = 0; step < 100; step++) {
  const p = newtonStep(x);
  // Backtracking line search on the objective.
  let t = 1;
  const f0 = rosenbrock(x);
  while (t > 1e-8 && rosenbrock(x.map((xi, i) => xi + t * p[i])) > f0 + 1e-4 * t * dot(g(x) as Float64Array, p)) t /= 2;
  x = x.map((xi, i) => xi + t * p[i]);
  const f = rosenbrock(x);
  if (step % 3 === 0 || f < 1e-20) console.log(`step ${step}: f = ${f.toExponential(3)}  |grad| = ${Math.hypot(...(g(x) as Float64Array)).toExponential(2)}`);
  if (f < 1e-20) break;
}
