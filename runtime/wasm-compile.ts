// AssemblyScript text → optimised Wasm bytes, in process, with a cache.
//
// - The compiler (assemblyscript/asc, ~0.5 s to import) is loaded lazily, on
//   the first compile that misses the cache; in Node it runs in a worker
//   thread (see workerBackend), elsewhere in this thread.
// - Compiles are serialised: asc keeps per-call state in module globals.
// - The standard library: asc parses every top-level library file on every
//   compile (~half the warm compile time). The emitted modules use raw memory,
//   Math and f64x2 only, so during our compiles the library files outside
//   LIBRARY_CORE are made non-enumerable: asc's eager pass skips them, and its
//   import resolver (which looks entries up by name) still finds any that a
//   kept file imports. If a trimmed compile fails, the full library is used.
// - Cache: in memory (per process) and, in Node, on disk under
//   node_modules/.cache/cotangent (nearest node_modules up from the working
//   directory; COTANGENT_CACHE_DIR overrides, COTANGENT_CACHE=0 disables the
//   disk cache). Keyed by SHA-256 of the source, the flags and the asc version.

/** The flags every module is compiled with (see ../shared/FACTS.md). */
export const ASC_FLAGS = {
  optimizeLevel: 3,
  shrinkLevel: 0,
  runtime: 'stub',
  enable: ['simd'],
  noAssert: true,
  importMemory: true,
  initialMemory: 1,
  maximumMemory: 65536,
} as const;

/** Bump when the emitted ABI changes in a way the source text does not show. */
const CACHE_FORMAT = 'cotangent-wasm-1';

/** Top-level standard library files the compiler needs to initialise a program. */
const LIBRARY_CORE = new Set([
  'builtins', 'object', 'arraybuffer', 'string', 'array', 'staticarray', 'function', 'typedarray', 'number', 'vector', 'memory', 'math',
]);

export interface CompileResult {
  bytes: Uint8Array;
  /** Where the bytes came from. */
  from: 'compiler' | 'memory' | 'disk';
  /** Milliseconds spent (compile, or cache lookup). */
  ms: number;
  key: string;
}

export interface CompileOptions {
  /** Other source files the module imports (`{ 'kernels.ts': text }` for `import ... from './kernels'`). */
  files?: Record<string, string>;
  /** Where the module's static data starts (asc's memoryBase; default 1024). */
  memoryBase?: number;
  /** Use the caches (default true). */
  cache?: boolean;
  /** Use the disk cache in Node (default true; COTANGENT_CACHE=0 also disables it). */
  diskCache?: boolean;
}

/** An AssemblyScript compile that failed: the emitted source did not compile (a bug in the emitter). */
export class AscError extends Error {
  constructor(message: string, readonly diagnostics: string, readonly source: string) {
    super(message);
    this.name = 'AscError';
  }
}

interface Asc {
  compileString(sources: Record<string, string>, options: Record<string, unknown>): Promise<{
    error: Error | null; stdout: { toString(): string }; stderr: { toString(): string }; binary: Uint8Array | null;
  }>;
  libraryFiles: Record<string, string>;
  version: string;
}

/** One compile as the backends report it. */
interface RawResult { binary: Uint8Array | null; error: string | null; stderr: string }

/** Where asc runs: a worker thread (Node) or this thread (browsers, or COTANGENT_COMPILE_IN_THREAD=1). */
interface Backend {
  compile(sources: Record<string, string>, trim: boolean, extra: Record<string, unknown>): Promise<RawResult>;
  /** binaryen's text format of a module. */
  text(bytes: Uint8Array): Promise<string>;
  close(): void;
}

let backend: Promise<Backend> | undefined;
/** COTANGENT_FULL_STDLIB=1 parses the whole standard library on every compile (to measure what trimming saves). */
let trimLibrary = !(typeof process !== 'undefined' && process.env?.COTANGENT_FULL_STDLIB === '1');
let queue: Promise<unknown> = Promise.resolve();
const memoryCache = new Map<string, Uint8Array>();
const MEMORY_CACHE_LIMIT = 256;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * Starts the compiler (once) without compiling anything, so that a later
 * compile does not pay for loading it. Resolves when it is ready.
 */
export async function loadCompiler(): Promise<void> {
  await getBackend();
}

export function isCompilerLoaded(): boolean {
  return backend !== undefined;
}

/** The WebAssembly text format of module bytes (binaryen's printer, run where the compiler runs). */
export async function wasmText(bytes: Uint8Array): Promise<string> {
  return (await getBackend()).text(bytes);
}

/** Stops the compiler's worker (it is restarted on demand); frees its memory (~300 MB after many compiles). */
export async function releaseCompiler(): Promise<void> {
  const b = backend;
  backend = undefined;
  if (b) (await b.catch(() => undefined))?.close();
}

function getBackend(): Promise<Backend> {
  backend ??= (isNode && process.env.COTANGENT_COMPILE_IN_THREAD !== '1' ? workerBackend() : Promise.reject(new Error('in thread')))
    .catch(() => inThreadBackend());
  return backend;
}

const now = () => (globalThis.performance ?? Date).now();

export async function compileAssemblyScript(source: string, opts: CompileOptions = {}): Promise<CompileResult> {
  const t0 = now();
  const useCache = opts.cache !== false;
  const sources = { ...(opts.files ?? {}), 'module.ts': source };
  const extra = opts.memoryBase !== undefined ? { memoryBase: opts.memoryBase, initialMemory: Math.ceil(opts.memoryBase / 65536) + 1 } : {};
  const key = await cacheKey(sources, extra);
  if (useCache) {
    const hit = memoryCache.get(key);
    if (hit) return { bytes: hit, from: 'memory', ms: now() - t0, key };
    if (opts.diskCache !== false) {
      const disk = await readDisk(key);
      if (disk) {
        remember(key, disk);
        return { bytes: disk, from: 'disk', ms: now() - t0, key };
      }
    }
  }
  const bytes = await serialised(() => compileNow(sources, extra));
  if (useCache) {
    remember(key, bytes);
    if (opts.diskCache !== false) await writeDisk(key, bytes);
  }
  return { bytes, from: 'compiler', ms: now() - t0, key };
}

function remember(key: string, bytes: Uint8Array): void {
  if (memoryCache.size >= MEMORY_CACHE_LIMIT) memoryCache.delete(memoryCache.keys().next().value!);
  memoryCache.set(key, bytes);
}

/** Forgets the in-memory cache (the disk cache stays). For tests and measurements. */
export function clearMemoryCache(): void {
  memoryCache.clear();
}

function serialised<T>(f: () => Promise<T>): Promise<T> {
  const run = queue.then(f, f);
  queue = run.catch(() => undefined);
  return run;
}

async function compileNow(sources: Record<string, string>, extra: Record<string, unknown>): Promise<Uint8Array> {
  const b = await getBackend();
  if (trimLibrary) {
    const r = await b.compile(sources, true, extra);
    if (r.binary) return r.binary;
    // The trimmed library may lack something a module needs: retry with all of it.
    const full = await b.compile(sources, false, extra);
    if (full.binary) { trimLibrary = false; return full.binary; }
    throw ascError(full, sources['module.ts']);
  }
  const r = await b.compile(sources, false, extra);
  if (!r.binary) throw ascError(r, sources['module.ts']);
  return r.binary;
}

function ascError(r: RawResult, source: string): AscError {
  return new AscError(`cotangent: internal error: the emitted AssemblyScript does not compile: ${r.error ?? 'no output'}\n${r.stderr}`, r.stderr, source);
}

const flags = (extra: Record<string, unknown> = {}) => ({ ...ASC_FLAGS, enable: [...ASC_FLAGS.enable], ...extra });

async function inThreadBackend(): Promise<Backend> {
  const m = await import('assemblyscript/asc');
  const asc = ((m as { default?: Asc }).default ?? m) as unknown as Asc;
  return {
    async compile(sources, trim, extra) {
      const lib = asc.libraryFiles;
      const hidden: string[] = [];
      if (trim) {
        for (const k of Object.keys(lib)) {
          if (!k.includes('/') && !LIBRARY_CORE.has(k)) {
            Object.defineProperty(lib, k, { enumerable: false });
            hidden.push(k);
          }
        }
      }
      try {
        const r = await asc.compileString(sources, flags(extra));
        return { binary: r.error ? null : r.binary, error: r.error ? r.error.message : null, stderr: r.stderr.toString() };
      } catch (e) {
        return { binary: null, error: String((e as Error)?.stack ?? e), stderr: '' };
      } finally {
        for (const k of hidden) Object.defineProperty(lib, k, { enumerable: true });
      }
    },
    async text(bytes) {
      const { default: binaryen } = await import('assemblyscript/binaryen');
      const mod = binaryen.readBinary(bytes);
      try { return mod.emitText(); } finally { mod.dispose(); }
    },
    close() {},
  };
}

/**
 * The worker's program: the same as inThreadBackend, as plain JS. It runs with
 * no loader hooks (execArgv: []): under tsx, importing binaryen's 13 MB script
 * through the hooks takes ~15 s instead of ~0.5 s.
 */
function workerSource(ascUrl: string, binaryenUrl: string): string {
  return `
import { parentPort } from 'node:worker_threads';
const mod = await import(${JSON.stringify(ascUrl)});
const asc = mod.default ?? mod;
const CORE = new Set(${JSON.stringify([...LIBRARY_CORE])});
parentPort.on('message', async (m) => {
  if (m.text) {
    let out;
    try {
      const binaryen = (await import(${JSON.stringify(binaryenUrl)})).default;
      const bm = binaryen.readBinary(m.text);
      try { out = { id: m.id, text: bm.emitText() }; } finally { bm.dispose(); }
    } catch (e) {
      out = { id: m.id, text: null, error: String((e && e.stack) || e) };
    }
    parentPort.postMessage(out);
    return;
  }
  const lib = asc.libraryFiles;
  const hidden = [];
  if (m.trim) for (const k of Object.keys(lib)) {
    if (!k.includes('/') && !CORE.has(k)) { Object.defineProperty(lib, k, { enumerable: false }); hidden.push(k); }
  }
  let out;
  try {
    const r = await asc.compileString(m.sources, m.flags);
    out = { id: m.id, binary: r.error ? null : r.binary.slice(), error: r.error ? String(r.error.message) : null, stderr: r.stderr.toString() };
  } catch (e) {
    out = { id: m.id, binary: null, error: String((e && e.stack) || e), stderr: '' };
  } finally {
    for (const k of hidden) Object.defineProperty(lib, k, { enumerable: true });
  }
  parentPort.postMessage(out, out.binary ? [out.binary.buffer] : []);
});
parentPort.postMessage({ ready: true });
`;
}

async function workerBackend(): Promise<Backend> {
  const { Worker } = await import('node:worker_threads');
  const ascUrl = import.meta.resolve('assemblyscript/asc');
  const binaryenUrl = import.meta.resolve('assemblyscript/binaryen');
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource(ascUrl, binaryenUrl))}`), { execArgv: [] });
  worker.unref();
  const pending = new Map<number, (r: RawResult & { text?: string | null }) => void>();
  let nextId = 1;
  let failed: Error | undefined;
  const fail = (e: Error) => {
    failed = e;
    for (const resolve of pending.values()) resolve({ binary: null, error: `the compiler worker stopped: ${e.message}`, stderr: '' });
    pending.clear();
    if (backend && ready) backend = undefined;
  };
  let ready = false;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { ready?: boolean }) => { if (m.ready) { ready = true; resolve(); } });
    worker.once('exit', (code) => reject(new Error(`the compiler worker exited (${code})`)));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  worker.on('message', (m: RawResult & { id: number; text?: string | null }) => {
    const resolve = pending.get(m.id);
    if (!resolve) return;
    pending.delete(m.id);
    resolve({ binary: m.binary ? new Uint8Array(m.binary) : null, error: m.error, stderr: m.stderr, text: m.text });
  });
  const send = (message: Record<string, unknown>) => {
    if (failed) return Promise.resolve({ binary: null, error: failed.message, stderr: '', text: null });
    const id = nextId++;
    return new Promise<RawResult & { text?: string | null }>((resolve) => {
      pending.set(id, resolve);
      worker.ref();
      worker.postMessage({ id, ...message });
    }).finally(() => { if (!pending.size) worker.unref(); });
  };
  return {
    compile: (sources, trim, extra) => send({ sources, trim, flags: flags(extra) }),
    async text(bytes) {
      const r = await send({ text: bytes });
      if (typeof r.text !== 'string') throw new Error(`cotangent: cannot print the module: ${r.error}`);
      return r.text;
    },
    close() { void worker.terminate(); },
  };
}

// ---- keys and the disk cache ------------------------------------------------

async function cacheKey(sources: Record<string, string>, extra: Record<string, unknown>): Promise<string> {
  // The version is known without loading the compiler: it is pinned in package.json.
  const files = Object.keys(sources).sort().map((k) => `--- ${k} ${sources[k].length}\n${sources[k]}`).join('\n');
  const text = `${CACHE_FORMAT}\n${ASC_VERSION}\n${JSON.stringify({ ...ASC_FLAGS, ...extra })}\n${files}`;
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return fallbackHash(text); // pages served over plain http have no crypto.subtle
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Two independent 32-bit FNV-1a hashes (64 bits): enough for an in-memory cache key. */
function fallbackHash(text: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `fnv${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

/** The assemblyscript version the flags and cache format were made for (package.json pins it). */
const ASC_VERSION = '0.28.20';

let cacheDir: Promise<string | undefined> | undefined;

function diskDir(): Promise<string | undefined> {
  cacheDir ??= (async () => {
    if (!isNode) return undefined;
    const env = process.env;
    if (env.COTANGENT_CACHE === '0') return undefined;
    const path = await import('node:path');
    if (env.COTANGENT_CACHE_DIR) return path.resolve(env.COTANGENT_CACHE_DIR);
    const fs = await import('node:fs');
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'cotangent');
      if (path.dirname(dir) === dir) return undefined;
    }
  })().catch(() => undefined);
  return cacheDir;
}

async function readDisk(key: string): Promise<Uint8Array | undefined> {
  const dir = await diskDir();
  if (!dir) return undefined;
  try {
    const fs = await import('node:fs/promises');
    const buf = await fs.readFile(`${dir}/${key}.wasm`);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    return WebAssembly.validate(bytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

async function writeDisk(key: string, bytes: Uint8Array): Promise<void> {
  const dir = await diskDir();
  if (!dir) return;
  try {
    const fs = await import('node:fs/promises');
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${dir}/${key}.${process.pid}.tmp`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, `${dir}/${key}.wasm`);
  } catch {
    // A read-only or full disk only costs the next process a compile.
  }
}
