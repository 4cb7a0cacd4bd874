// `cotangent build`: ahead-of-time output for places that cannot compile
// code at run time (edge runtimes, strict CSP) and for bundlers.
//
// buildAot(module, outDir, name) writes
//   <name>.wasm   the optimised module (imports a non-shared env.memory)
//   <name>.js     an ES module: `load(source?)` instantiates the .wasm and
//                 resolves to the function. `source` may be a
//                 WebAssembly.Module (what `import wasm from './f.wasm'`
//                 gives on Cloudflare Workers / Vercel Edge), bytes, a
//                 Response, or a URL; by default the .wasm next to the .js is
//                 read (fs in Node, fetch elsewhere). No eval, no new
//                 Function, no compiler.
//   <name>.d.ts   its types
// and, with `assemblyScript: true`, <name>.as.ts (the readable source).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emitAssemblyScript, type AsEntryAbi, type LoopReport } from '../compiler/emit/as/index.js';
import type { IrModule, Type } from '../compiler/ir/nodes.js';
import { compileAssemblyScript } from '../runtime/wasm-compile.js';
import { kernelsSource } from '../runtime/wasm-kernels.js';
import { loopBoundParams } from '../runtime/check.js';
// (AOT output links the kernels into the one module: compile time does not matter there.)

export interface AotOptions {
  /** f64x2 loops where possible (default true). */
  simd?: boolean;
  /** Also write the AssemblyScript source as `<name>.as.ts`. */
  assemblyScript?: boolean;
  /** One line saying what the function is (e.g. "gradient of f with respect to x"), for the headers. */
  description?: string;
  /** Initial memory in 64 KiB pages (default 256: 16 MiB, reserved, not touched). */
  initialPages?: number;
  /** Per entry parameter: the parameter whose length it must match (a jvp's tangent and its primal). */
  like?: (number | undefined)[];
}

export interface AotResult {
  files: string[];
  abi: AsEntryAbi;
  loops: LoopReport[];
}

export async function buildAot(module: IrModule, outDir: string, baseName: string, opts: AotOptions = {}): Promise<AotResult> {
  if (!/^[A-Za-z0-9_.-]+$/.test(baseName)) throw new Error(`cotangent build: the output name \`${baseName}\` must be a plain file name`);
  const emitted = emitAssemblyScript(module, { simd: opts.simd });
  const kernels = emitted.kernels.length ? await kernelsSource() : undefined;
  const { bytes } = await compileAssemblyScript(emitted.source, { files: kernels ? { 'kernels.ts': kernels } : undefined });
  // The call-time checks the runtime makes, as data: loop bounds must stay within 32 bits (Wasm
  // counts in 32 bits: a larger bound would silently wrap), tangents as long as their primal.
  const entry = module.functions.find((f) => f.name === module.entry)!;
  const checks: AotChecks = { bounds: loopBoundParams(entry).map((r) => (r ? [r.lo, r.hi] : null)), like: entry.params.map((_, i) => opts.like?.[i] ?? null) };
  await mkdir(outDir, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    [`${baseName}.wasm`, bytes],
    [`${baseName}.js`, wrapperSource(emitted.abi, baseName, opts, checks)],
    [`${baseName}.d.ts`, declarations(emitted.abi, baseName, opts)],
  ];
  if (opts.assemblyScript) {
    files.push([`${baseName}.as.ts`, emitted.source.replace("from './kernels';", `from './${baseName}.kernels';`)]);
    if (kernels) files.push([`${baseName}.kernels.ts`, kernels]);
  }
  const written: string[] = [];
  for (const [name, content] of files) {
    const path = join(outDir, name);
    await writeFile(path, content);
    written.push(path);
  }
  return { files: written, abi: emitted.abi, loops: emitted.loops };
}

const describe = (abi: AsEntryAbi, opts: AotOptions) => opts.description ?? `\`${abi.name}\``;

/** The ES module wrapper: plain JS, the ABI as data, nothing generated from strings at run time. */
/** Per parameter: the range [lo, hi] of a loop bound, and the parameter a tangent matches in length. */
export interface AotChecks { bounds: ([number, number] | null)[]; like: (number | null)[] }

export function wrapperSource(abi: AsEntryAbi, baseName: string, opts: AotOptions = {},
  checks: AotChecks = { bounds: abi.params.map(() => null), like: abi.params.map(() => null) }): string {
  const initial = opts.initialPages ?? 256;
  const ENTER_ARGS = Array.from({ length: abi.params.length + 1 }, (_, k) => `w[${k}]`).join(', ');
  return `// ${describe(abi, opts)}, compiled to WebAssembly by \`cotangent build\`.
// load(source?) instantiates ${baseName}.wasm and resolves to the function:
//   ${abi.name}(${abi.params.map((p) => `${p.name}: ${p.type === 'f64[]' ? 'Float64Array | number[]' : p.type === 'bool' ? 'boolean | number' : 'number'}`).join(', ')})
// Arrays are copied into the module's memory, except those made by fn.alloc(n),
// which live there (valid until fn.free(view) or until memory grows).
// Nothing is generated from strings and no compiler is loaded: fit for edge runtimes given a WebAssembly.Module.

const ABI = ${JSON.stringify({ name: abi.name, params: abi.params, results: abi.results, resultsInMemory: abi.resultsInMemory, messages: abi.messages })};
// Per parameter: the range [lo, hi] a loop bound must lie in (counts are 32-bit); the parameter a tangent matches in length.
const CHECKS = ${JSON.stringify(checks)};
const I32_MIN = -2147483648, I32_MAX = 2147483647;
const WASM = new URL(${JSON.stringify(`./${baseName}.wasm`)}, import.meta.url);
const INITIAL_PAGES = ${initial};
const MAX_PAGES = 65536;

async function compileFrom(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source === undefined || source === null) source = WASM;
  if (typeof source === 'string') source = new URL(source, import.meta.url);
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return WebAssembly.compile(await readFile(source));
    }
    source = await fetch(source);
  }
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (typeof WebAssembly.compileStreaming === 'function') return WebAssembly.compileStreaming(source);
    return WebAssembly.compile(await source.arrayBuffer());
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  throw new TypeError('${baseName}: load() takes a WebAssembly.Module, bytes, a Response or a URL');
}

const align16 = (n) => (n + 15) & ~15;

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return 'a ' + v.constructor.name;
  return typeof v === 'object' ? 'an object' : 'a ' + typeof v;
}

export async function load(source) {
  const module = await compileFrom(source);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES });
  const { exports } = await WebAssembly.instantiate(module, {
    env: { memory, abort() { throw new WebAssembly.RuntimeError('abort'); }, seed: () => Date.now() },
  });
  let buf, f64, i32;
  const refresh = () => { buf = memory.buffer; f64 = new Float64Array(buf); i32 = new Int32Array(buf); };
  refresh();
  const heapBase = align16(exports.ct_heap_base());
  const resultsAt = ABI.resultsInMemory ? exports.ct_results() : 0;
  let userTop = heapBase;
  const blocks = [];
  const views = new WeakMap();

  // The memory is not shared, so growth detaches the old buffer: a zero-length view means refresh.
  const ensure = (end) => {
    if (i32.length === 0) refresh();
    const have = buf.byteLength;
    if (end <= have) return;
    const pages = have / 65536, need = Math.ceil((end - have) / 65536);
    if (pages + need > MAX_PAGES) throw new RangeError(ABI.name + ': ' + end + ' bytes do not fit in WebAssembly memory');
    memory.grow(Math.min(MAX_PAGES - pages, Math.max(need, pages >> 1)));
    refresh();
  };
  const argError = (k, what) => new TypeError(ABI.name + ': argument ' + (k + 1) + ' (\`' + ABI.params[k].name + '\`) ' + what);
  const trap = (e) => {
    if (!(e instanceof WebAssembly.RuntimeError) && !(e instanceof RangeError && /call stack/i.test(e.message))) return e;
    const code = exports.ct_error(), arg = exports.ct_error_arg();
    const detail = code === 1 ? 'new Float64Array(' + arg + '): invalid array length'
      : code === 2 ? 'out of memory: ' + arg + ' bytes of WebAssembly memory requested'
      : code === 3 ? 'a counted loop starts at ' + arg + ', which is not an integer' : e.message;
    if (code === 4) return new TypeError(ABI.messages[arg], { cause: e });
    return new Error(ABI.name + ' (WebAssembly) failed: ' + detail, { cause: e });
  };
  // A direct call: spreading the arguments would cost ~10x more per call.
  const entry = exports.ct_entry;
  const enter = (w) => entry(${ENTER_ARGS});
  const copyOut = (ptr) => f64.slice(ptr >> 3, (ptr >> 3) + i32[(ptr - 8) >> 2]);

  function fn(...args) {
    const params = ABI.params;
    if (args.length !== params.length) throw new TypeError(ABI.name + ' takes ' + params.length + ' arguments, got ' + args.length);
    let end = align16(userTop);
    const wasmArgs = new Array(params.length + 1);
    const copies = [];
    for (let k = 0; k < params.length; k++) {
      const a = args[k], t = params[k].type;
      if (t !== 'f64[]') {
        if (t === 'bool' && typeof a === 'boolean') { wasmArgs[k + 1] = a ? 1 : 0; continue; }
        if (typeof a !== 'number') throw argError(k, 'must be a number' + (t === 'bool' ? ' (or a boolean)' : '') + ', got ' + describe(a));
        if (t === 'i32' && !Number.isInteger(a)) throw argError(k, 'is used as an integer (index or size), got ' + a);
        const range = CHECKS.bounds[k];
        if (range !== null && !(a >= range[0] && a <= range[1])) {
          throw argError(k, 'bounds a loop, which counts in 32 bits: it must be a number in [' + range[0] + ', ' + range[1] + '], got ' + a);
        }
        if (t === 'i32' && (a | 0) !== a) throw argError(k, 'is used as an integer (index or size) and must lie in the 32-bit range [' + I32_MIN + ', ' + I32_MAX + '], got ' + a);
        wasmArgs[k + 1] = a;
        continue;
      }
      const like = CHECKS.like[k];
      if (like !== null && (ArrayBuffer.isView(a) || Array.isArray(a)) && a.length !== args[like].length) {
        throw argError(k, 'must have length ' + args[like].length + ' like \`' + params[like].name + '\`, got ' + a.length);
      }
      if (a instanceof Float64Array) {
        const block = views.get(a);
        if (block && !block.free) {
          if (a.byteLength === 0 && block.cap > 0) throw argError(k, 'was made by alloc() before memory grew, which detached it; allocate it again');
          wasmArgs[k + 1] = block.data;
          continue;
        }
      } else if (Array.isArray(a)) {
        for (let j = 0; j < a.length; j++) if (typeof a[j] !== 'number') throw argError(k, 'must be a Float64Array or an array of numbers, but element ' + j + ' is ' + describe(a[j]));
      } else {
        throw argError(k, 'must be a Float64Array or an array of numbers, got ' + describe(a));
      }
      const data = align16(end + 8);
      copies.push(k, data);
      end = data + 8 * a.length;
    }
    if (copies.length) {
      ensure(end);
      for (let c = 0; c < copies.length; c += 2) {
        const a = args[copies[c]], data = copies[c + 1];
        i32[(data - 8) >> 2] = a.length;
        f64.set(a, data >> 3);
        wasmArgs[copies[c] + 1] = data;
      }
    }
    wasmArgs[0] = end;
    let r;
    try { r = enter(wasmArgs); } catch (e) { throw trap(e); }
    if (i32.length === 0) refresh();
    const results = ABI.results;
    if (!ABI.resultsInMemory) return results.length === 0 ? undefined : results[0] === 'f64[]' ? copyOut(r) : r;
    const base = resultsAt >> 3;
    return results.map((t, k) => (t === 'f64[]' ? copyOut(f64[base + k]) : f64[base + k]));
  }

  fn.alloc = (n) => {
    if (!Number.isInteger(n) || n < 0 || n > 536870911) throw new RangeError(ABI.name + '.alloc(' + n + '): the length must be an integer from 0 to 2^29 - 1');
    let block = blocks.find((b) => b.free && b.cap >= n && b.cap <= 2 * n + 16);
    if (!block) {
      const data = align16(userTop + 8);
      ensure(data + 8 * n);
      block = { data, cap: n, free: false };
      blocks.push(block);
      userTop = data + 8 * n;
    }
    block.free = false;
    if (i32.length === 0) refresh();
    i32[(block.data - 8) >> 2] = n;
    const view = new Float64Array(buf, block.data, n);
    view.fill(0);
    views.set(view, block);
    return view;
  };
  fn.free = (view) => {
    const block = views.get(view);
    if (!block || block.free) return;
    block.free = true;
    views.delete(view);
    while (blocks.length && blocks[blocks.length - 1].free) blocks.pop();
    const last = blocks[blocks.length - 1];
    userTop = last ? last.data + 8 * last.cap : heapBase;
  };
  fn.memory = memory;
  Object.defineProperty(fn, 'name', { value: ABI.name });
  return fn;
}

export default load;
`;
}

function tsType(t: Type, arg: boolean): string {
  if (t === 'f64[]') return arg ? 'Float64Array | number[]' : 'Float64Array';
  return 'number';
}

export function declarations(abi: AsEntryAbi, baseName: string, opts: AotOptions = {}): string {
  const params = abi.params.map((p) => `${safeParam(p.name)}: ${tsType(p.type, true)}`).join(', ');
  const result = abi.results.length === 0 ? 'void' : abi.results.length === 1 ? tsType(abi.results[0], false) : `[${abi.results.map((t) => tsType(t, false)).join(', ')}]`;
  const iface = `${baseName.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1').replace(/^./, (c) => c.toUpperCase())}Function`;
  return `// ${describe(abi, opts)}, compiled to WebAssembly by \`cotangent build\`.

export interface ${iface} {
  (${params}): ${result};
  /** A zero-filled Float64Array inside the module's memory: passed without copying. Valid until free() or memory growth. */
  alloc(n: number): Float64Array;
  free(view: Float64Array): void;
  readonly memory: WebAssembly.Memory;
}

/** Instantiates ${baseName}.wasm: from a WebAssembly.Module (edge runtimes), bytes, a Response or a URL; by default the file next to this one. */
export declare function load(source?: WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | URL | string): Promise<${iface}>;
export default load;
`;
}

function safeParam(name: string): string {
  const n = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(n) || ['default', 'function', 'new', 'delete', 'class', 'in', 'this'].includes(n) ? `_${n}` : n;
}
