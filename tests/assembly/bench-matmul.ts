/**
 * Times matmul (and its two transposed products) at N×N×N: naive JS triple
 * loop, runtime/np.ts, and the Wasm kernels. Not a test; run with
 *   node --import tsx tests/assembly/bench-matmul.ts [N] [reps]
 */
import * as np from '../../runtime/np.js';
import { matmulNT, matmulTN } from '../../runtime/np-rules.js';
import { rng, vec } from '../np/support.js';

const N = Number(process.argv[2] ?? 256);
const REPS = Number(process.argv[3] ?? 21);

function naive(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
      C[i * n + j] = s;
    }
  }
  return C;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const r = rng(1);
const A = vec(r, N * N), B = vec(r, N * N);
const rows: Record<string, number[]> = {};
function run(entries: [string, () => unknown][]): void {
  for (let rep = 0; rep < REPS + 2; rep++) {
    for (const [name, f] of entries) {
      const ms = time(f);
      if (rep >= 2) (rows[name] ??= []).push(ms); // two warm-up rounds
    }
  }
}

// asc runs in a worker thread (its own V8 isolate), so the ArrayBuffer
// detaches binaryen does while it grows its memory do not touch this
// isolate's typed-array fast paths. Memory is sized up front: no grow here.
const { compileKernels, instantiate } = await import('./support.js');
const pages = Math.ceil((6 * N * N * 8 + (1 << 16)) / 65536);
const { binary } = await compileKernels(pages);
const w = await instantiate(binary);
const pA = w.put(A), pB = w.put(B), pC = w.alloc(N * N);

// JS and Wasm interleaved round by round, so both see the same machine load.
run([
  ['JS naive ijk', () => naive(A, B, N, N, N)],
  ['JS np.matmul (ikj)', () => np.matmul(A, B, N, N, N)],
  ['Wasm np_matmul', () => w.k.np_matmul(pA, pB, pC, N, N, N)],
  ['Wasm np_matmul + copy in/out', () => {
    w.reset(); w.alloc(3 * N * N);
    const a = w.put(A), b = w.put(B), c = w.alloc(N * N);
    w.k.np_matmul(a, b, c, N, N, N);
    return w.get(c, N * N);
  }],
  ['JS matmulNT', () => matmulNT(A, B, N, N, N)],
  ['Wasm np_matmul_nt', () => w.k.np_matmul_nt(pA, pB, pC, N, N, N)],
  ['JS matmulTN', () => matmulTN(A, B, N, N, N)],
  ['Wasm np_matmul_tn', () => w.k.np_matmul_tn(pA, pB, pC, N, N, N)],
]);

// correctness spot check
w.k.np_matmul(pA, pB, pC, N, N, N);
const ref = np.matmul(A, B, N, N, N), got = w.get(pC, N * N);
let err = 0;
for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(ref[i] - got[i]));

console.log(`matmul ${N}x${N}x${N}, median of ${REPS} (ms), Node ${process.version}`);
const base = median(rows['JS naive ijk']);
for (const [name, xs] of Object.entries(rows)) {
  const m = median(xs);
  console.log(`  ${name.padEnd(32)} ${m.toFixed(2).padStart(8)}   ${(base / m).toFixed(1)}x vs naive`);
}
console.log(`  max |Wasm - JS| = ${err}`);
