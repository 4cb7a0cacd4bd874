// `npm run demo`: differentiate a real function, print the generated code,
// and evaluate it on the JS path next to finite differences.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, fromSource, grad, hvp } from '../runtime/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, 'logistic.ts');
const text = readFileSync(file, 'utf8');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);
const section = (title: string) => console.log(`\n${bold(`── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`)}\n`);

// Seeded data: n samples of d features, labels from a hidden weight vector.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const n = 200, d = 5, lambda = 0.01;
const x = Float64Array.from({ length: n * d }, rand);
const hidden = [1.5, -2, 0.5, 0, 1];
const y = Float64Array.from({ length: n }, (_, i) => (hidden.reduce((s, h, j) => s + h * x[i * d + j], 0) > 0 ? 1 : 0));
const w = Float64Array.from({ length: d }, () => rand() * 0.1);

section('the function (examples/logistic.ts)');
const start = text.indexOf('export function loss');
console.log(text.slice(start, text.indexOf('\n}\n', start) + 2));

const loss = fromSource(text, 'loss', 'examples/logistic.ts');
const dloss = grad(loss, { wrt: 0 });
section('its gradient, as cotangent generates it: grad(loss).source');
console.log(dloss.source);

section('the gradient at seeded data, next to central finite differences');
const f = (ww: Float64Array) => {
  const mod = grad(loss, { wrt: 0, preserveResult: true });
  return (mod(ww, x, y, n, d, lambda) as [Float64Array, number])[1];
};
const g = dloss(w, x, y, n, d, lambda) as Float64Array;
console.log('  j   cotangent              finite difference      |difference|');
for (let j = 0; j < d; j++) {
  const h = 1e-6;
  const wp = w.slice(), wm = w.slice();
  wp[j] += h; wm[j] -= h;
  const fd = (f(wp) - f(wm)) / (2 * h);
  console.log(`  ${j}   ${g[j].toPrecision(15).padEnd(22)} ${fd.toPrecision(15).padEnd(22)} ${Math.abs(g[j] - fd).toExponential(1)}`);
}

section('the same gradient as WebAssembly: await compile(grad(loss))');
const t0 = performance.now();
const wasmGrad = await compile(dloss);
const compileMs = performance.now() - t0;
const gw = wasmGrad(w, x, y, n, d, lambda) as Float64Array;
const simdLoops = (wasmGrad.assemblyScript.match(/\/\/ vectorised/g) ?? []).length;
console.log(`  compiled in ${compileMs.toFixed(0)} ms (${wasmGrad.wasm.length} bytes of Wasm, ${simdLoops} loop${simdLoops === 1 ? '' : 's'} vectorised with f64x2)`);
console.log('  j   JavaScript             WebAssembly            |difference|');
for (let j = 0; j < d; j++) {
  console.log(`  ${j}   ${g[j].toPrecision(15).padEnd(22)} ${gw[j].toPrecision(15).padEnd(22)} ${Math.abs(g[j] - gw[j]).toExponential(1)}`);
}
// Side by side, same process, medians of repeated runs.
const median = (fn: () => unknown) => {
  for (let i = 0; i < 200; i++) fn();
  const ts: number[] = [];
  for (let r = 0; r < 31; r++) { const t = performance.now(); for (let k = 0; k < 50; k++) fn(); ts.push((performance.now() - t) / 50); }
  return ts.sort((a, b) => a - b)[15] * 1000;
};
const tJs = median(() => dloss(w, x, y, n, d, lambda));
const tWasm = median(() => wasmGrad(w, x, y, n, d, lambda));
console.log(`  time per gradient (median of 31 runs): JS ${tJs.toFixed(1)} µs, Wasm ${tWasm.toFixed(1)} µs (inputs copied in each call)`);

section('a few steps of Newton–CG with hvp (Hessian-vector products, never the Hessian)');
const hv = hvp(loss, { wrt: 0 });
let ww = w.slice();
for (let step = 0; step < 4; step++) {
  const gr = dloss(ww, x, y, n, d, lambda) as Float64Array;
  // Conjugate gradients on H p = -g, with H·v from hvp.
  const p = new Float64Array(d), r = gr.map((v) => -v), q = r.slice();
  let rr = r.reduce((s, v) => s + v * v, 0);
  for (let it = 0; it < d && rr > 1e-20; it++) {
    const Hq = hv(ww, x, y, n, d, lambda, q) as Float64Array;
    const alpha = rr / q.reduce((s, v, i) => s + v * Hq[i], 0);
    for (let i = 0; i < d; i++) { p[i] += alpha * q[i]; r[i] -= alpha * Hq[i]; }
    const rr2 = r.reduce((s, v) => s + v * v, 0);
    for (let i = 0; i < d; i++) q[i] = r[i] + (rr2 / rr) * q[i];
    rr = rr2;
  }
  ww = ww.map((v, i) => v + p[i]);
  console.log(`  step ${step + 1}: loss ${f(ww).toFixed(12)}   |gradient| ${Math.hypot(...(dloss(ww, x, y, n, d, lambda) as Float64Array)).toExponential(2)}`);
}

section('a physics formula: d(period)/d(length, amplitude) of a pendulum');
const period = fromSource(text, 'pendulumPeriod', 'examples/logistic.ts');
const [dL, dTheta] = grad(period, { wrt: [0, 1] })(1.0, 0.5) as number[];
console.log(`  ∂T/∂length = ${dL.toPrecision(12)}   ∂T/∂theta0 = ${dTheta.toPrecision(12)}`);
