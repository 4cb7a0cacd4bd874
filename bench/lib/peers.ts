// In-process peers: TensorFlow.js (tfjs-backend-cpu and tfjs-backend-wasm, float32) and jax-js
// (Wasm device, float64, jit(grad(f))). Both are loaded from bench/node_modules; a peer that fails
// to load becomes a noted skip.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { firstLine } from './paths.js';

/** Runs `fn` with console output sent to stderr, so that library banners stay out of the table. */
export async function quietly<T>(fn: () => Promise<T> | T): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = (...a: unknown[]) => {
    process.stderr.write(`  [peer] ${a.map(String).join(' ')}\n`);
  };
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

export interface Loaded<T> {
  mod?: T;
  error?: string;
  version?: string;
}

/** The installed version, read from bench/node_modules (some packages do not export package.json). */
function versionOf(benchDir: string, pkg: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(benchDir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export async function loadTfjs(benchDir: string): Promise<Loaded<any> & { wasmError?: string }> {
  const req = createRequire(join(benchDir, 'package.json'));
  const spec = '@tensorflow/tfjs';
  try {
    const tf: any = await quietly(() => import(spec));
    let wasmError: string | undefined;
    try {
      const wasmSpec = '@tensorflow/tfjs-backend-wasm';
      const wasm: any = await quietly(() => import(wasmSpec));
      const dist = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
      wasm.setWasmPaths(dist);
    } catch (e) {
      wasmError = firstLine(e);
    }
    return { mod: tf, version: versionOf(benchDir, spec), wasmError };
  } catch (e) {
    return { error: firstLine(e) };
  }
}

export async function loadJax(benchDir: string): Promise<Loaded<any>> {
  const spec = '@jax-js/jax';
  try {
    // jax-js refers to Float16Array, which Node 20 lacks.
    const g = globalThis as Record<string, unknown>;
    if (typeof g.Float16Array === 'undefined') g.Float16Array = class Float16ArrayStub {};
    const jax: any = await quietly(() => import(spec));
    const devices: string[] = await quietly(() => jax.init('wasm'));
    if (!devices.includes('wasm')) return { error: `jax-js has no wasm device here (got ${devices.join(', ')})` };
    jax.defaultDevice('wasm');
    return { mod: jax, version: versionOf(benchDir, spec) };
  } catch (e) {
    return { error: firstLine(e) };
  }
}
