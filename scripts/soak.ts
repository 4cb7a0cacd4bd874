// npm run soak [-- --calls N] [-- --no-wasm]
//
// Runs a JS gradient and a Wasm gradient (compile) N times each (default 10^6),
// twice over, and prints the process's memory (rss, heapUsed, arrayBuffers,
// after a full GC) before and after, to show that repeated calls do not leak:
// the tape is reused, results are fresh arrays the caller drops, and Wasm
// memory does not grow.
// Not part of `npm test`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compile, fromSource, grad } from '../runtime/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const argv = process.argv.slice(2);
const at = argv.indexOf('--calls');
const CALLS = at >= 0 ? Number(argv[at + 1]) : 1e6;
const wasm = !argv.includes('--no-wasm');

// A loss with a loop that overwrites its state (so the gradient uses the tape),
// an array allocated per call, and a helper.
const source = `
function smooth(a: number, b: number) {
  return Math.log(1 + Math.exp(a - b));
}

export function loss(w: Float64Array, x: Float64Array) {
  const h = new Float64Array(w.length);
  let state = 0;
  for (let i = 0; i < w.length; i++) {
    state = Math.tanh(state * 0.9 + w[i] * x[i]);
    h[i] = state;
  }
  let s = 0;
  for (let i = 0; i < h.length; i++) s += smooth(h[i], x[i]) * w[i];
  return s;
}
`;

const MB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
function memory(): { rss: number; heapUsed: number; arrayBuffers: number } {
  gc(); gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
}
const show = (label: string, m: ReturnType<typeof memory>) =>
  console.log(`  ${label.padEnd(7)} rss ${MB(m.rss).padStart(9)}   heapUsed ${MB(m.heapUsed).padStart(8)}   arrayBuffers ${MB(m.arrayBuffers).padStart(8)}`);

async function soak(name: string, g: (w: Float64Array, x: Float64Array) => unknown): Promise<void> {
  const w = Float64Array.from({ length: 16 }, (_, i) => Math.sin(i + 1) * 0.5);
  const x = Float64Array.from({ length: 16 }, (_, i) => Math.cos(i * 0.7));
  const first = JSON.stringify(g(w, x), (_k, v) => (v instanceof Float64Array ? [...v] : v));
  for (let i = 0; i < 1000; i++) g(w, x); // warm up before measuring
  const before = memory();
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < CALLS; i++) sink += (g(w, x) as Float64Array)[0];
  const ms = performance.now() - t0;
  const after = memory();
  const last = JSON.stringify(g(w, x), (_k, v) => (v instanceof Float64Array ? [...v] : v));
  console.log(`${name}: ${CALLS.toLocaleString('en')} gradients in ${(ms / 1000).toFixed(1)} s (${((ms * 1e6) / CALLS).toFixed(0)} ns each)${first === last ? '' : '  RESULTS CHANGED'}${Number.isFinite(sink) ? '' : '  NOT FINITE'}`);
  show('before', before);
  show('after', after);
  console.log(`  growth  rss ${MB(after.rss - before.rss)}, heapUsed ${MB(after.heapUsed - before.heapUsed)}, arrayBuffers ${MB(after.arrayBuffers - before.arrayBuffers)}`);
}

const g = grad(fromSource(source, 'loss', 'soak.ts'));
show('start', memory());
// Two rounds each: growth in the first round that does not recur in the second is
// the engine settling (JIT code, heap pages), not a leak.
for (const round of [1, 2]) await soak(`JS, round ${round}`, g);
if (wasm) {
  const w = (await compile(g)) as (w: Float64Array, x: Float64Array) => unknown;
  for (const round of [1, 2]) await soak(`Wasm, round ${round}`, w);
}
show('end', memory());
