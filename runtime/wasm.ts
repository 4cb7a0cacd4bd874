// The WebAssembly backend's entry point for the runtime: IR module →
// AssemblyScript (compiler/emit/as) → optimised Wasm (wasm-compile.ts, cached)
// → an instance whose entry is callable with JS values (wasm-instance.ts).
import { emitAssemblyScript, type LoopReport } from '../compiler/emit/as/index.js';
import type { IrModule } from '../compiler/ir/nodes.js';
import { compileAssemblyScript } from './wasm-compile.js';
import { KERNELS_DATA_END, kernelsModule, kernelsSource, kernelsStub } from './wasm-kernels.js';
import { WasmInstance, type WasmValue } from './wasm-instance.js';

export { AsEmitError } from '../compiler/emit/as/index.js';
export { AscError, clearMemoryCache, loadCompiler, releaseCompiler, wasmText } from './wasm-compile.js';
export { WasmInstance, sharedMemorySupported } from './wasm-instance.js';

export interface CompiledModule {
  /**
   * Calls the module's entry with JS values (number for f64/i32 params,
   * Float64Array or number[] for f64[] params); returns the entry's results as an
   * array (number, or a fresh Float64Array copied out of linear memory).
   */
  call(args: unknown[]): (number | Float64Array)[];
  /** Like `call`, with the arguments spread and a single result unwrapped: the fast path for scalar functions. */
  invoke(...args: unknown[]): WasmValue | WasmValue[];
  /** The emitted AssemblyScript source; vectorised loops are marked with a comment. */
  assemblyScript: string;
  /**
   * The optimised module's bytes (its memory import is non-shared; see
   * wasm-instance.ts). A module using cotangent/np imports its kernels from a
   * second module (runtime/wasm-kernels.ts); `cotangent build` links them in.
   */
  wasm: Uint8Array;
  /** A zero-filled Float64Array inside the module's memory: passing it costs no copy. */
  alloc(n: number): Float64Array;
  /** Gives a view from `alloc` back. */
  free(view: Float64Array): void;
  /** Innermost counted loops and whether each was vectorised (with the reason if not). */
  loops: LoopReport[];
  /** How the bytes were obtained and how long that took (ms). */
  compile: { from: 'compiler' | 'memory' | 'disk'; ms: number };
  /** The instance (memory, sizes), for tests and tools. */
  instance: WasmInstance;
}

export interface CompileIrOptions {
  /** f64x2 loops where possible (default true). */
  simd?: boolean;
  /** Use the compile caches (default true). */
  cache?: boolean;
  /** Shared WebAssembly memory: 'auto' (default) where supported. */
  shared?: boolean | 'auto';
}

/** Emitted source per IR module object (IR is not mutated once handed over), so a repeated compile skips the emitter. */
const emittedFor = new WeakMap<IrModule, Map<boolean, ReturnType<typeof emitAssemblyScript>>>();

function emit(module: IrModule, simd: boolean) {
  let bySimd = emittedFor.get(module);
  if (!bySimd) { bySimd = new Map(); emittedFor.set(module, bySimd); }
  let e = bySimd.get(simd);
  if (!e) { e = emitAssemblyScript(module, { simd }); bySimd.set(simd, e); }
  return e;
}

export async function compileIrModule(module: IrModule, opts: CompileIrOptions = {}): Promise<CompiledModule> {
  const emitted = emit(module, opts.simd !== false);
  // np kernels: the module is compiled against imports of the separately compiled kernels module.
  const linked = emitted.kernels.length > 0;
  const [compiled, kernels] = await Promise.all([
    compileAssemblyScript(emitted.source, linked
      ? { cache: opts.cache, files: { 'kernels.ts': kernelsStub(await kernelsSource()) }, memoryBase: KERNELS_DATA_END }
      : { cache: opts.cache }),
    linked ? kernelsModule() : undefined,
  ]);
  const instance = await WasmInstance.create(compiled.bytes, emitted.abi, { shared: opts.shared, kernels });
  return {
    call: (args) => instance.call(args),
    invoke: instance.invoke,
    assemblyScript: emitted.source,
    wasm: compiled.bytes,
    alloc: (n) => instance.alloc(n),
    free: (view) => instance.free(view),
    loops: emitted.loops,
    compile: { from: compiled.from, ms: compiled.ms },
    instance,
  };
}
