// Measures the WebAssembly backend: compile latency (cold, warm, cached) and
// speed against JavaScript, side by side in one run.
//
//   node --import tsx runtime/wasm-measure.ts [latency] [speed]
//
// Compile latency is measured on fresh sources (a comment with a nonce), so
// neither cache hides the compiler; "cached" is the same module again. Speed
// uses alloc() views (no copy in; "copyin" variants copy) and reports the
// fastest of interleaved batches (see race).
import { grad, irSymbol, type DerivativeHandle } from './index.js';
import { compileIrModule, clearMemoryCache, type CompiledModule } from './wasm.js';
import { compileAssemblyScript } from './wasm-compile.js';
import { emitAssemblyScript } from '../compiler/emit/as/index.js';
import type { IrModule } from '../compiler/ir/nodes.js';
import { lowerProgram } from '../compiler/ir/program.js';
import { parseFunctionValue } from '../compiler/parse/source.js';

const lower = (f: Function): IrModule => lowerProgram(parseFunctionValue(f), { wrt: [0] }).module;

const now = () => performance.now();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Calls per timed batch so that one batch takes about 2 ms. */
function calibrate(f: () => unknown): number {
  let inner = 1;
  for (;;) {
    const t = now();
    for (let k = 0; k < inner; k++) f();
    if (now() - t >= 2 || inner >= 1 << 20) return inner;
    inner *= 2;
  }
}

/**
 * Times several variants side by side: rounds interleave them, and each
 * variant's time is its fastest batch (on a loaded machine the minimum is the
 * stable statistic; medians wander with the other processes).
 */
function race(variants: Record<string, () => unknown>, rounds = 25): Record<string, number> {
  const inner = Object.fromEntries(Object.entries(variants).map(([k, f]) => [k, calibrate(f)]));
  const best: Record<string, number> = Object.fromEntries(Object.keys(variants).map((k) => [k, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(variants)) {
      const n = inner[k];
      const t = now();
      for (let i = 0; i < n; i++) f();
      best[k] = Math.min(best[k], (now() - t) / n);
    }
  }
  return best;
}

const irOf = (d: unknown): IrModule => (d as Record<symbol, DerivativeHandle>)[irSymbol].module;

// ---- the functions ----------------------------------------------------------

function dot(a: Float64Array, b: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function rosenbrock(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}

function rosenbrockGradByHand(x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    g[i] += -400 * t * x[i] - 2 * (1 - x[i]);
    g[i + 1] += 200 * t;
  }
  return g;
}

function tiny(a: number, b: number) {
  return Math.sin(a) * b + a * a;
}

/** About fifty lines of IR-heavy code: an MLP loss (the corpus's shape), for compile latency. */
function mlpLoss(w1: Float64Array, w2: Float64Array, x: Float64Array, batch: number, nIn: number, nHid: number) {
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
    const diff = out - 1;
    loss += diff * diff;
  }
  return loss / batch;
}

// ---- latency -----------------------------------------------------------------

export async function measureLatency(): Promise<Record<string, number>> {
  const ir = irOf(grad(mlpLoss, { wrt: [0, 1] }));
  const src = emitAssemblyScript(ir).source;
  const fresh = (k: number) => `${src}\n// nonce ${Date.now()} ${k}\n`;
  const lines = src.split('\n').length;
  let t = now();
  await compileAssemblyScript(fresh(0), { cache: false });
  const cold = now() - t;
  const warm: number[] = [];
  for (let k = 1; k <= 5; k++) {
    t = now();
    await compileAssemblyScript(fresh(k), { cache: false });
    warm.push(now() - t);
  }
  // The whole compileIrModule path: emit + compile + instantiate; then cached (memory, disk).
  t = now();
  const m = await compileIrModule(ir, { cache: false });
  const first = now() - t;
  await compileIrModule(ir); // fills the caches
  const cachedMem: number[] = [];
  for (let k = 0; k < 5; k++) {
    t = now();
    await compileIrModule(ir);
    cachedMem.push(now() - t);
  }
  clearMemoryCache();
  t = now();
  const d = await compileIrModule(ir);
  const cachedDisk = now() - t;
  void m; void d;
  return { asLines: lines, coldMs: cold, warmMs: median(warm), compileIrModuleMs: first, cachedMemoryMs: median(cachedMem), cachedDiskMs: cachedDisk };
}

// ---- speed -------------------------------------------------------------------

async function pair(ir: IrModule): Promise<[CompiledModule, CompiledModule]> {
  return [await compileIrModule(ir), await compileIrModule(ir, { simd: false })];
}

export async function measureSpeed(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  // dot product, n = 1e6 (memory-bound) and 1e4 (in cache): JS vs Wasm f64x2 vs Wasm scalar, inputs in Wasm memory
  for (const n of [1e6, 1e4]) {
    const tag = n === 1e6 ? '' : '_1e4';
    const [simd, scalar] = await pair(lower(dot));
    const a = new Float64Array(n), b = new Float64Array(n);
    for (let i = 0; i < n; i++) { a[i] = Math.sin(i); b[i] = Math.cos(i); }
    const va = simd.alloc(n), vb = simd.alloc(n), sa = scalar.alloc(n), sb = scalar.alloc(n);
    va.set(a); vb.set(b); sa.set(a); sb.set(b);
    const r = race({ js: () => dot(a, b), simd: () => simd.invoke(va, vb), scalar: () => scalar.invoke(sa, sb), simdCopyIn: () => simd.invoke(a, b) });
    out[`dot${tag}_js_ms`] = r.js;
    out[`dot${tag}_wasm_simd_ms`] = r.simd;
    out[`dot${tag}_wasm_scalar_ms`] = r.scalar;
    out[`dot${tag}_wasm_simd_copyin_ms`] = r.simdCopyIn;
  }
  // Rosenbrock gradient, n = 1e5: hand JS, generated JS, Wasm (SIMD on/off); the gradient is copied out
  {
    const n = 1e5;
    const g = grad(rosenbrock);
    const [simd, scalar] = await pair(irOf(g));
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.sin(i) * 0.5;
    const vx = simd.alloc(n), sx = scalar.alloc(n);
    vx.set(x); sx.set(x);
    const r = race({
      objective: () => rosenbrock(x), hand: () => rosenbrockGradByHand(x), generated: () => g(x),
      simd: () => simd.invoke(vx), scalar: () => scalar.invoke(sx),
    });
    out.rosen_objective_js_us = 1000 * r.objective;
    out.rosen_grad_hand_js_us = 1000 * r.hand;
    out.rosen_grad_generated_js_us = 1000 * r.generated;
    out.rosen_grad_wasm_simd_us = 1000 * r.simd;
    out.rosen_grad_wasm_scalar_us = 1000 * r.scalar;
  }
  // call overhead: a tiny scalar gradient
  {
    const g = grad(tiny, { wrt: [0, 1] });
    const [simd] = await pair(irOf(g));
    const t = grad(tiny);
    const [ts] = await pair(irOf(t));
    const r = race({ js2: () => g(0.3, 0.7), wasm2: () => simd.call([0.3, 0.7]), js1: () => t(0.3, 0.7), wasm1: () => ts.invoke(0.3, 0.7), plain: () => tiny(0.3, 0.7) });
    out.tiny_grad_wrt2_js_ns = 1e6 * r.js2;
    out.tiny_grad_wrt2_wasm_call_ns = 1e6 * r.wasm2;
    out.tiny_grad_js_ns = 1e6 * r.js1;
    out.tiny_grad_wasm_invoke_ns = 1e6 * r.wasm1;
    out.tiny_objective_js_ns = 1e6 * r.plain;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv.slice(2);
  const all = what.length === 0;
  if (all || what.includes('latency')) console.log('compile latency (ms):', await measureLatency());
  if (all || what.includes('speed')) console.log('speed:', await measureSpeed());
  process.exit(0);
}
