/** Compiles assembly/kernels.ts in process and offers a bump allocator over its memory. */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export const KERNELS_URL = new URL('../../assembly/kernels.ts', import.meta.url);

export interface Compiled {
  binary: Uint8Array<ArrayBuffer>;
  text: string;
  ms: number;
}

/**
 * asc -O3 --runtime stub --enable simd --noAssert, in memory (asc.compileString),
 * in a worker thread of this process started without the tsx loader hooks
 * (see compile-worker.mjs for why).
 */
export async function compileKernels(initialMemory: number): Promise<Compiled> {
  const src = readFileSync(KERNELS_URL, 'utf8');
  const options = {
    optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', enable: ['simd'], noAssert: true, initialMemory,
  };
  const worker = new Worker(new URL('./compile-worker.mjs', import.meta.url), {
    execArgv: [], workerData: { files: { 'kernels.ts': src }, options },
  });
  try {
    const msg = await new Promise<{ binary?: Uint8Array; text?: string; ms?: number; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`asc worker exited with code ${code}`)));
    });
    if (msg.error !== undefined || !msg.binary) throw new Error(`asc failed: ${msg.error}`);
    return { binary: new Uint8Array(msg.binary), text: msg.text ?? '', ms: msg.ms ?? 0 };
  } finally {
    await worker.terminate();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Kernels = Record<string, (...args: number[]) => any>;

export interface Instance {
  k: Kernels;
  memory: WebAssembly.Memory;
  /** Reserves n f64 slots (16-byte aligned) and returns the byte address. */
  alloc(n: number): number;
  /** Copies an array into fresh memory and returns its address. */
  put(a: ArrayLike<number>): number;
  /** A copy of n f64 at byte address p. */
  get(p: number, n: number): Float64Array;
  /** Forgets every allocation. */
  reset(): void;
}

export async function instantiate(binary: Uint8Array<ArrayBuffer>): Promise<Instance> {
  const { instance } = await WebAssembly.instantiate(binary, {});
  const k = instance.exports as unknown as Kernels;
  const memory = instance.exports.memory as WebAssembly.Memory;
  const base: number = k.np_heap_base();
  let top = base;
  const alloc = (n: number) => {
    const p = top;
    top += Math.ceil((n * 8) / 16) * 16;
    if (top > memory.buffer.byteLength) throw new Error(`out of kernel memory (${top} bytes needed)`);
    return p;
  };
  const put = (a: ArrayLike<number>) => {
    const p = alloc(a.length);
    new Float64Array(memory.buffer, p, a.length).set(a);
    return p;
  };
  const get = (p: number, n: number) => new Float64Array(memory.buffer, p, n).slice();
  return { k, memory, alloc, put, get, reset: () => { top = base; } };
}
