// Instantiating an emitted module and calling its entry from JS: argument
// checking, copying arrays into linear memory and results out, zero-copy
// arrays from `alloc`, and turning traps into Errors. No compiler here: this
// file is all the runtime path needs once it has the bytes (or a
// WebAssembly.Module), and no eval / new Function anywhere.
//
// Memory (see compiler/emit/as/README.md):
//   [0, heapBase)            static data of the module
//   [heapBase, userTop)      blocks handed out by alloc(n), kept across calls
//   [userTop, ...)           per call: copied-in arguments, then the arena and
//                            the tapes (the module bumps `ct_top` from there)
// Each Float64Array in memory is preceded by its length (i32) in the 8 bytes
// before its first element. The memory is imported: shared (a
// SharedArrayBuffer, which never detaches when it grows) where the platform
// allows, else an ordinary one sized generously up front.

export type AbiType = 'f64' | 'i32' | 'bool' | 'f64[]';

export interface EntryAbi {
  name: string;
  params: { name: string; type: AbiType }[];
  results: AbiType[];
  resultsInMemory: boolean;
  /** Messages of np shape checks (trap code 4). */
  messages?: string[];
}

export interface InstanceOptions {
  /** Shared memory: 'auto' (default) uses it where the platform supports it; needs module bytes, not a Module. */
  shared?: boolean | 'auto';
  /** Initial memory in 64 KiB pages (default 16 shared, 256 otherwise). */
  initialPages?: number;
  /** The np kernels module (bytes), for modules that import `kernels.np_*`; instantiated on the same memory. */
  kernels?: Uint8Array;
}

export type WasmValue = number | Float64Array;

interface Exports {
  ct_entry: (...args: number[]) => number | undefined;
  ct_heap_base: () => number;
  ct_error: () => number;
  ct_error_arg: () => number;
  ct_results?: () => number;
  ct_state_at: () => number;
}

interface Block { data: number; cap: number; free: boolean }

const MAX_PAGES = 65536;

/** Modules linked with the np kernels module put their static data from here (the kernels' ends below). */
export const KERNELS_DATA_END = 65536;

export class WasmInstance {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private readonly exports: Exports;
  private buf!: ArrayBuffer | SharedArrayBuffer;
  private f64!: Float64Array;
  private i32!: Int32Array;
  private readonly heapBase: number;
  /** Index (in i32s) of the word where the module records its page count after growing. */
  private readonly pagesWord: number;
  private pages = 0;
  private userTop: number;
  private readonly blocks: Block[] = [];
  private readonly views = new WeakMap<Float64Array, Block>();
  private readonly resultsAt: number;
  private readonly scalarOnly: boolean;
  /** The entry's arguments for the next call (reused: calls do not nest). */
  private readonly wasmArgs: number[];
  /** Calls the entry with `wasmArgs`, without a spread (a spread call costs ~10x more). */
  private readonly enter: (w: number[]) => number | undefined;
  /** Calls the entry with already-checked JS values, one result unwrapped (the fast path). */
  readonly invoke: (...args: unknown[]) => WasmValue | WasmValue[];

  private constructor(instance: WebAssembly.Instance, memory: WebAssembly.Memory, shared: boolean, readonly abi: EntryAbi) {
    this.memory = memory;
    this.shared = shared;
    this.exports = instance.exports as unknown as Exports;
    this.pagesWord = this.exports.ct_state_at() >> 2;
    this.refresh();
    this.heapBase = align16(this.exports.ct_heap_base());
    this.userTop = this.heapBase;
    this.resultsAt = abi.resultsInMemory ? this.exports.ct_results!() : 0;
    this.wasmArgs = new Array<number>(abi.params.length + 1).fill(0);
    this.enter = entryCaller(this.exports.ct_entry, abi.params.length + 1);
    this.scalarOnly = abi.params.every((p) => p.type !== 'f64[]') && abi.results.length === 1 && abi.results[0] !== 'f64[]';
    this.invoke = this.scalarOnly ? this.scalarInvoke() : (...args: unknown[]) => {
      const r = this.call(args);
      return r.length === 1 ? r[0] : r;
    };
  }

  /** Instantiates module bytes (or a compiled Module, which must import a non-shared memory). */
  static async create(source: Uint8Array | WebAssembly.Module, abi: EntryAbi, opts: InstanceOptions = {}): Promise<WasmInstance> {
    let shared = opts.shared === true || ((opts.shared ?? 'auto') === 'auto' && sharedMemorySupported());
    let module: WebAssembly.Module;
    let minPages = 1;
    if (source instanceof WebAssembly.Module) {
      module = source;
      shared = false;
    } else {
      const info = memoryImport(source);
      if (!info) throw new Error('cotangent: the Wasm module does not import its memory (env.memory)');
      minPages = info.min;
      module = await compiledModule(source, shared, info.flagsAt);
    }
    const initial = Math.max(minPages, opts.initialPages ?? (shared ? 16 : 256));
    const memory = new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
    const env = {
      memory,
      abort: () => { throw new WebAssembly.RuntimeError('abort'); },
      seed: () => Date.now(),
    };
    const imports: WebAssembly.Imports = { env };
    if (opts.kernels) {
      const k = await WebAssembly.instantiate(await compiledKernels(opts.kernels, shared), { env });
      const end = (k.exports.np_heap_base as () => number)();
      if (end > KERNELS_DATA_END) throw new Error(`cotangent: the np kernels' static data ends at ${end}, past ${KERNELS_DATA_END} where linked modules start theirs`);
      imports.kernels = k.exports as WebAssembly.ModuleImports;
    }
    const instance = await WebAssembly.instantiate(module, imports);
    return new WasmInstance(instance, memory, shared, abi);
  }

  /** Bytes of linear memory right now. */
  get memoryBytes(): number { return this.memory.buffer.byteLength; }

  private refresh(): void {
    this.buf = this.memory.buffer;
    this.f64 = new Float64Array(this.buf);
    this.i32 = new Int32Array(this.buf);
    this.pages = this.buf.byteLength / 65536;
    this.i32[this.pagesWord] = this.pages;
  }

  /**
   * Views are stale when memory grew: a non-shared buffer is then detached
   * (length 0); a shared one is not, but the module wrote its new page count.
   * Both checks are plain reads (memory.buffer costs ~50-80 ns).
   */
  private stale(): boolean {
    return this.i32.length === 0 || this.i32[this.pagesWord] !== this.pages;
  }

  /** Grows memory (from JS, between calls) so that it reaches `end` bytes. */
  private ensure(end: number): void {
    if (this.stale()) this.refresh();
    const have = this.buf.byteLength;
    if (end <= have) return;
    const pages = have / 65536;
    const need = Math.ceil((end - have) / 65536);
    if (pages + need > MAX_PAGES) throw new RangeError(`cotangent: ${end} bytes do not fit in WebAssembly memory (4 GiB)`);
    this.memory.grow(Math.min(MAX_PAGES - pages, Math.max(need, pages >> 1)));
    this.refresh();
  }

  // ---- alloc / free ---------------------------------------------------------

  /**
   * A zero-filled Float64Array of length n inside the module's memory: passing it
   * as an argument costs no copy. It stays valid until `free(view)`; with a
   * non-shared memory, memory growth detaches it (passing it then is a TypeError).
   */
  alloc(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0 || n > 536870911) throw new RangeError(`cotangent: alloc(${n}): the length must be an integer from 0 to 2^29 - 1`);
    let block = this.blocks.find((b) => b.free && b.cap >= n && b.cap <= 2 * n + 16);
    if (!block) {
      const data = align16(this.userTop + 8);
      this.ensure(data + 8 * n);
      block = { data, cap: n, free: false };
      this.blocks.push(block);
      this.userTop = data + 8 * n;
    }
    block.free = false;
    if (this.stale()) this.refresh();
    this.i32[(block.data - 8) >> 2] = n;
    const view = new Float64Array(this.buf, block.data, n);
    view.fill(0);
    this.views.set(view, block);
    return view;
  }

  /** Returns a view from `alloc` to the allocator. Using it afterwards is undefined. */
  free(view: Float64Array): void {
    const block = this.views.get(view);
    if (!block || block.free) return;
    block.free = true;
    this.views.delete(view);
    while (this.blocks.length && this.blocks[this.blocks.length - 1].free) this.blocks.pop();
    const last = this.blocks[this.blocks.length - 1];
    this.userTop = last ? last.data + 8 * last.cap : this.heapBase;
  }

  // ---- calls ----------------------------------------------------------------

  private typeError(k: number, what: string): TypeError {
    const p = this.abi.params[k];
    return new TypeError(`cotangent: argument ${k + 1} (\`${p.name}\`) of \`${this.abi.name}\` ${what}`);
  }

  private scalarInvoke(): (...args: unknown[]) => WasmValue {
    const entry = this.exports.ct_entry;
    const params = this.abi.params;
    const n = params.length;
    const ints = params.map((p) => p.type !== 'f64');
    return (...args: unknown[]) => {
      if (args.length !== n) throw new TypeError(`cotangent: \`${this.abi.name}\` takes ${n} arguments, got ${args.length}`);
      for (let k = 0; k < n; k++) {
        const a = args[k];
        if (typeof a !== 'number') throw this.typeError(k, `must be a number, got ${describe(a)}`);
        if (ints[k] && !Number.isInteger(a)) throw this.typeError(k, `must be an integer, got ${a}`);
      }
      try {
        return (entry as (...a: unknown[]) => number)(this.userTop, ...args);
      } catch (e) {
        throw this.trapError(e);
      }
    };
  }

  /** Calls the entry with JS values; returns every result (arrays copied out into fresh Float64Arrays). */
  call(args: unknown[]): WasmValue[] {
    const { params } = this.abi;
    if (args.length !== params.length) throw new TypeError(`cotangent: \`${this.abi.name}\` takes ${params.length} arguments, got ${args.length}`);
    // Which arrays must be copied in, and how much room they need.
    let end = align16(this.userTop);
    const wasmArgs = this.wasmArgs;
    let copies: number[] | undefined;
    for (let k = 0; k < params.length; k++) {
      const a = args[k];
      const t = params[k].type;
      if (t !== 'f64[]') {
        if (typeof a !== 'number') throw this.typeError(k, `must be a number, got ${describe(a)}`);
        if (t !== 'f64' && !Number.isInteger(a)) throw this.typeError(k, `must be an integer, got ${a}`);
        wasmArgs[k + 1] = a;
        continue;
      }
      if (a instanceof Float64Array) {
        const block = this.views.get(a);
        if (block && !block.free) {
          if (a.byteLength === 0 && block.cap > 0) throw this.typeError(k, 'was allocated with alloc() before the module\'s memory grew, which detached it; allocate it again');
          wasmArgs[k + 1] = block.data;
          continue;
        }
      } else if (Array.isArray(a)) {
        for (let j = 0; j < a.length; j++) {
          if (typeof a[j] !== 'number') throw this.typeError(k, `must be a Float64Array or an array of numbers, but element ${j} is ${describe(a[j])}`);
        }
      } else {
        throw this.typeError(k, `must be a Float64Array or an array of numbers, got ${describe(a)}`);
      }
      const n = (a as ArrayLike<number>).length;
      const data = align16(end + 8);
      (copies ??= []).push(k, data);
      end = data + 8 * n;
    }
    if (copies) {
      this.ensure(end);
      for (let c = 0; c < copies.length; c += 2) {
        const k = copies[c], data = copies[c + 1];
        const a = args[k] as ArrayLike<number>;
        this.i32[(data - 8) >> 2] = a.length;
        this.f64.set(a, data >> 3);
        wasmArgs[k + 1] = data;
      }
    }
    wasmArgs[0] = end;
    let r: number | undefined;
    try {
      r = this.enter(wasmArgs);
    } catch (e) {
      throw this.trapError(e);
    }
    if (this.stale()) this.refresh();
    const { results } = this.abi;
    if (!this.abi.resultsInMemory) {
      if (!results.length) return [];
      return [results[0] === 'f64[]' ? this.copyOut(r!) : r!];
    }
    const base = this.resultsAt >> 3;
    const out: WasmValue[] = [];
    for (let k = 0; k < results.length; k++) out.push(results[k] === 'f64[]' ? this.copyOut(this.f64[base + k]) : this.f64[base + k]);
    return out;
  }

  private copyOut(ptr: number): Float64Array {
    const n = this.i32[(ptr - 8) >> 2];
    return this.f64.slice(ptr >> 3, (ptr >> 3) + n);
  }

  private trapError(e: unknown): unknown {
    const isTrap = e instanceof WebAssembly.RuntimeError || (e instanceof RangeError && /call stack/i.test(e.message));
    if (!isTrap) return e;
    let detail = (e as Error).message;
    try {
      const code = this.exports.ct_error();
      const arg = this.exports.ct_error_arg();
      // A failed np shape check: the TypeError the JS path throws.
      if (code === 4) return new TypeError(this.abi.messages?.[arg] ?? 'np: shape mismatch', { cause: e });
      if (code === 1) detail = `new Float64Array(${arg}): invalid array length`;
      else if (code === 2) detail = `out of memory: ${arg} bytes of WebAssembly memory requested`;
      else if (code === 3) detail = `a counted loop starts at ${arg}, which is not an integer (the WebAssembly backend counts in i32)`;
    } catch { /* keep the engine's message */ }
    return new Error(`cotangent: the WebAssembly code of \`${this.abi.name}\` failed: ${detail}`, { cause: e });
  }
}

const modules = new WeakMap<Uint8Array, Map<boolean, Promise<WebAssembly.Module>>>();

/**
 * Module bytes compiled by the engine once per bytes object and memory kind
 * (the compile cache hands out the same bytes object for the same source, so
 * a cached compile() skips WebAssembly.compile too).
 */
function compiledModule(bytes: Uint8Array, shared: boolean, flagsAt: number): Promise<WebAssembly.Module> {
  let byKind = modules.get(bytes);
  if (!byKind) { byKind = new Map(); modules.set(bytes, byKind); }
  let m = byKind.get(shared);
  if (!m) {
    m = WebAssembly.compile((shared ? withSharedMemory(bytes, flagsAt) : bytes) as Uint8Array<ArrayBuffer>);
    m.catch(() => byKind!.delete(shared));
    byKind.set(shared, m);
  }
  return m;
}

function compiledKernels(bytes: Uint8Array, shared: boolean): Promise<WebAssembly.Module> {
  const info = memoryImport(bytes);
  if (!info) throw new Error('cotangent: the kernels module does not import its memory');
  return compiledModule(bytes, shared, info.flagsAt);
}

function entryCaller(f: (...a: number[]) => number | undefined, n: number): (w: number[]) => number | undefined {
  switch (n) {
    case 1: return (w) => f(w[0]);
    case 2: return (w) => f(w[0], w[1]);
    case 3: return (w) => f(w[0], w[1], w[2]);
    case 4: return (w) => f(w[0], w[1], w[2], w[3]);
    case 5: return (w) => f(w[0], w[1], w[2], w[3], w[4]);
    case 6: return (w) => f(w[0], w[1], w[2], w[3], w[4], w[5]);
    case 7: return (w) => f(w[0], w[1], w[2], w[3], w[4], w[5], w[6]);
    case 8: return (w) => f(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
    default: return (w) => f(...w);
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

let sharedOk: boolean | undefined;

/** Shared WebAssembly memory: Node, and browsers when cross-origin isolated. */
export function sharedMemorySupported(): boolean {
  if (sharedOk === undefined) {
    try {
      sharedOk = typeof SharedArrayBuffer !== 'undefined'
        && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor).buffer instanceof SharedArrayBuffer;
    } catch {
      sharedOk = false;
    }
  }
  return sharedOk;
}

// ---- the memory import in the binary ----------------------------------------

function leb(bytes: Uint8Array, p: number): [number, number] {
  let result = 0, shift = 0, b: number;
  do {
    b = bytes[p++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [result, p];
}

/** Finds the imported memory's limits: where its flags byte is, and its minimum pages. */
export function memoryImport(bytes: Uint8Array): { flagsAt: number; min: number; max?: number } | undefined {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size: number;
    [size, p] = leb(bytes, p);
    const end = p + size;
    if (id === 2) {
      let count: number, q = p, len: number;
      [count, q] = leb(bytes, q);
      for (let k = 0; k < count; k++) {
        [len, q] = leb(bytes, q); q += len;
        [len, q] = leb(bytes, q); q += len;
        const kind = bytes[q++];
        if (kind === 0) { [, q] = leb(bytes, q); continue; }
        if (kind === 1 || kind === 2) {
          if (kind === 1) q++; // element type
          const flagsAt = q;
          const flags = bytes[q++];
          let min: number, max: number | undefined;
          [min, q] = leb(bytes, q);
          if (flags & 1) [max, q] = leb(bytes, q);
          if (kind === 2) return { flagsAt, min, max };
          continue;
        }
        if (kind === 3) { q += 2; continue; }
        if (kind === 4) { q++; [, q] = leb(bytes, q); continue; }
        return undefined;
      }
    }
    p = end;
  }
  return undefined;
}

/** The same module with its imported memory declared shared (it must declare a maximum). */
export function withSharedMemory(bytes: Uint8Array, flagsAt: number): Uint8Array {
  const copy = bytes.slice();
  if (!(copy[flagsAt] & 1)) throw new Error('cotangent: the module\'s memory has no maximum, so it cannot be shared');
  copy[flagsAt] |= 2;
  return copy;
}
