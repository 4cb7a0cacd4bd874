// cotangent's public API: grad, jvp, hvp, compile (see shared/API.md).
import { derive, type Derived } from '../compiler/index.js';
import type { SourceMapV3 } from '../compiler/emit/js/emit.js';
import { CompileError } from '../compiler/diagnostics.js';
import type { IrModule, Param } from '../compiler/ir/nodes.js';
import * as np from './np.js';
import { loopBoundParams, makeChecker } from './check.js';
import { fastCall } from './call.js';
import { findFunction, parseFunctionValue, parseModuleSource, type ParsedFunction } from '../compiler/parse/source.js';
import { CUSTOM, type CustomRule } from '../compiler/ir/program.js';
import { Tape } from './tape.js';

export { CompileError } from '../compiler/diagnostics.js';
export { Tape } from './tape.js';

export interface Options {
  /** Index, or indices, of the arguments to differentiate with respect to. */
  wrt?: number | number[];
  /** Run the optimisation passes on the generated code. */
  optimized?: boolean;
  /** Also return the function's value: `[derivative, value]`. */
  preserveResult?: boolean;
  /** Named functions and constants that `f` refers to. */
  scope?: Record<string, unknown>;
}

/** What every function made by cotangent carries: its readable source and the IR the Wasm backend compiles. */
export interface Derivative<F extends (...args: never[]) => unknown = (...args: any[]) => any> {
  /** Called with the arguments of `F` (and, for jvp and hvp, the tangents after them). */
  (...args: any[]): any;
  /** @internal the function this was made from */
  readonly __of?: F;
  /** The generated JavaScript (the entry function is last). */
  readonly source: string;
  /** IR after each stage: `lower`, `reverse`, `optimize` ... */
  readonly stages: ReadonlyMap<string, IrModule>;
  /** A source map from `.source` back to the user's function (stack traces, debuggers). */
  readonly sourceMap: SourceMapV3;
}

const IR = Symbol.for('cotangent.ir');

interface Handle {
  module: IrModule;
  /** Turns the entry's raw results into the API's shape. */
  shape: (raw: unknown) => unknown;
  /** Maps the user's argument order to the entry's (jvp tangents). */
  reorder?: (args: unknown[]) => unknown[];
  /** Per entry parameter: the argument whose length it must match. */
  like: (number | undefined)[];
  params: Param[];
  name: string;
  source: string;
}

/** A function given as module source text (a .ts/.js file) and its name; locations refer to that text. */
export interface SourceFunction {
  readonly name: string;
  readonly length: number;
  readonly parsed: ParsedFunction;
}

/**
 * Reads function `name` from module source `code` (TypeScript or JavaScript);
 * its helpers may be other functions of the same module. The result can be
 * passed to grad, jvp, hvp and compile in place of a function.
 */
export function fromSource(code: string, name: string, file = '<source>'): SourceFunction {
  if (typeof code !== 'string') throw new TypeError(`fromSource: the source must be a string of JavaScript or TypeScript, got ${kindOf(code)}`);
  if (typeof name !== 'string') throw new TypeError(`fromSource: the function's name must be a string, got ${kindOf(name)}`);
  if (typeof file !== 'string') throw new TypeError(`fromSource: the file name must be a string, got ${kindOf(file)}`);
  const parsed = findFunction(parseModuleSource(code, file), name);
  return { name, length: parsed.node.params.length, parsed };
}

type Differentiable = ((...args: any[]) => unknown) | SourceFunction;
/** A derivative made here is differentiated from its IR (higher order); anything else from its source. */
const input = (f: Differentiable) => {
  if (typeof f !== 'function') return f.parsed;
  const handle = (f as unknown as { [IR]?: Handle })[IR];
  return handle ? { ir: handle.module } : f;
};

const cache = new WeakMap<object, Map<string, Derivative>>();

/** What a wrong value is, for messages. */
const kindOf = (v: unknown): string => (v === null || v === undefined ? String(v) : Array.isArray(v) ? 'an array'
  : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/** Misuse of the API is a TypeError saying what is wrong, before anything reads the value. */
function checkDifferentiable(api: string, f: unknown, verb = 'differentiate'): asserts f is Differentiable {
  if (typeof f === 'function') return;
  if (typeof f === 'object' && f !== null && 'parsed' in f) return; // fromSource(...)
  throw new TypeError(`${api}: expected a function (or fromSource(code, name)) to ${verb}, got ${kindOf(f)}`);
}

function checkOptions<O extends object>(api: string, opts: O | undefined): O {
  if (opts === undefined) return {} as O;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(`${api}: options must be an object, got ${kindOf(opts)}`);
  return opts;
}

/** Checks the function and options given to grad, jvp or hvp; the options, defaulted. */
export function checkCall(api: string, f: unknown, opts: Options | undefined): Options {
  checkDifferentiable(api, f);
  return checkOptions(`${api}(${(f as Differentiable).name || 'f'})`, opts);
}

function wrtList(api: string, f: Differentiable, wrt: Options['wrt']): number[] {
  const list = wrt === undefined ? [0] : Array.isArray(wrt) ? wrt : [wrt];
  const fn = `${api}(${f.name || 'f'})`;
  if (list.length === 0) throw new TypeError(`${fn}: \`wrt\` is an empty list; give the index of at least one argument`);
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (!Number.isInteger(i) || i < 0 || i >= f.length) {
      // A class, a getter or a native function has no parameters to count: say what it is instead.
      if (typeof f === 'function' && !(f as unknown as { [IR]?: Handle })[IR]) parseFunctionValue(f);
      throw new CompileError('CT1202', { index: String(i), name: f.name || 'f', count: f.length });
    }
    if (list.indexOf(i) < k) throw new TypeError(`${fn}: \`wrt\` lists argument ${i} twice (${JSON.stringify(list)}); give each index once`);
  }
  return list;
}

function cached(f: Differentiable, key: string, make: () => Derivative): Derivative {
  let m = cache.get(f);
  if (!m) { m = new Map(); cache.set(f, m); }
  let d = m.get(key);
  if (!d) { d = make(); m.set(key, d); }
  return d;
}

/** Identities of scope values: two different helpers under one name must not share a cached derivative. */
const ids = new WeakMap<object, number>();
let nextId = 0;
const idOf = (v: unknown): string => {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return `${typeof v}:${String(v)}`;
  let id = ids.get(v);
  if (id === undefined) { id = ++nextId; ids.set(v, id); }
  return `#${id}`;
};

function keyOf(kind: string, opts: Options, wrt: number[]): string {
  const scope = Object.entries(opts.scope ?? {}).map(([k, v]) => `${k}:${idOf(v)}`).join(',');
  return `${kind}|${Array.isArray(opts.wrt) ? '[' + wrt.join(',') + ']' : wrt[0]}|${opts.optimized !== false}|${!!opts.preserveResult}|${scope}`;
}

/** UTF-8 base64, in Node and in browsers alike. */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A 64-bit hash (two 32-bit FNV-1a-style lanes) of a string, as 16 hex digits. */
function hash64(text: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Evaluates generated source: the functions, with the tape they share. */
function instantiate(d: Derived): { entry: Function; tape: Tape } {
  const tape = new Tape();
  // The source map and a name let debuggers and (with source maps enabled) stack traces show the user's lines.
  const map = base64(JSON.stringify({ ...d.map, file: `${d.module.entry}.js` }));
  // The URL is a hash of the code and its map. Node's cache of generated sources' maps is keyed by URL and never
  // evicts: a URL per instantiation kept every derivative's source and map for good, while one per content lets
  // a repeat replace its own entry, and two different maps never share a URL (stack traces stay right).
  const code = `"use strict";${d.source}\nreturn ${d.module.entry};\n`;
  const url = `cotangent:///${d.module.entry}-${hash64(code + map)}.js`;
  const body = `${code}//# sourceURL=${url}\n//# sourceMappingURL=data:application/json;base64,${map}`;
  const entry = new Function('tape', 'np', body)(tape, np) as Function;
  return { entry, tape };
}

/**
 * Wraps generated code as a user-facing function. `order` maps the user's
 * argument positions to the entry's (tangents come in `wrt` order but the
 * entry takes them in parameter order); `like` says which primal argument a
 * tangent must match in length.
 */
function makeDerivative(d: Derived, name: string, shape: (raw: unknown) => unknown,
  reorder?: (args: unknown[]) => unknown[], tangentsOf?: number[]): Derivative {
  const { entry, tape } = instantiate(d);
  const entryFn = d.module.functions.find((fn) => fn.name === d.module.entry)!;
  const params = entryFn.params;
  // Tangent parameters follow the primal ones and must match their primal's length.
  const nPrimal = params.length - (tangentsOf?.length ?? 0);
  const like = params.map((_, i) => (i >= nPrimal ? tangentsOf![i - nPrimal] : undefined));
  const checkOpts = { bounds: loopBoundParams(entryFn) };
  const check = makeChecker(name, params, like, checkOpts);
  // A derivative that never touches the tape (loop-free code, most small functions) needs no bookkeeping.
  const usesTape = /\btape\./.test(d.source);
  const slow = !usesTape ? (...userArgs: unknown[]) => shape(entry.apply(undefined, check(reorder ? reorder(userArgs) : userArgs))) : (...userArgs: unknown[]) => {
    const args = reorder ? reorder(userArgs) : userArgs;
    const checked = check(args);
    const top = tape.top, topInt = tape.topInt, topRef = tape.topRef;
    try {
      return shape(entry.apply(undefined, checked));
    } finally {
      // A throw mid-sweep must not leave values behind for the next call.
      tape.top = top; tape.topInt = topInt;
      while (tape.topRef > topRef) tape.popRef();
      tape.trim();
    }
  };
  // Arguments in the entry's order already (no tangents to reorder): the compiled checks first.
  const call = reorder ? slow : fastCall(params, like, checkOpts, { entry, shape, slow, tape: usesTape ? tape : undefined });
  const handle: Handle = { module: d.module, shape, params, name, reorder, like, source: d.source };
  Object.defineProperties(call, {
    // The number of arguments it takes (jvp and hvp: tangents included), so it can be differentiated again.
    length: { value: params.length },
    source: { value: d.source, enumerable: true },
    sourceMap: { value: d.map },
    stages: { value: d.stages },
    name: { value: d.module.entry },
    [IR]: { value: handle },
  });
  return call as unknown as Derivative;
}

const deriveOpts = (opts: Options) => ({ scope: opts.scope, npModule: np as unknown as Record<string, unknown>, hookFunction: adjointHook });

/**
 * Gives `f` a derivative of your own: `partials[i](...args, out)` is ∂f/∂argᵢ.
 * cotangent calls it instead of differentiating `f`'s body (for numerically
 * better or cheaper derivatives), in both modes. The partials are written in
 * the same language as `f`, so they are differentiated again for hvp and
 * compile to WebAssembly. Pass the result in `scope` under the name `f` is
 * called by; calling it directly calls `f`.
 */
export function withDerivative<F extends (...args: number[]) => number>(f: F, rule: { partials: ((...args: number[]) => number)[] }): F {
  if (rule.partials.length !== f.length) {
    throw new TypeError(`withDerivative(${f.name || 'f'}): ${f.length} partials needed (one per parameter), got ${rule.partials.length}`);
  }
  const wrapped = ((...args: number[]) => f(...args)) as F;
  Object.defineProperty(wrapped, CUSTOM, { value: { primal: f, partials: rule.partials } satisfies CustomRule });
  Object.defineProperty(wrapped, 'name', { value: f.name });
  return wrapped;
}

/**
 * Gradient surgery: inside a differentiated function, `adjointHook(x, h)` is
 * `x`, but on the way back the adjoint of `x` becomes `h(dx, x)` — to clip,
 * scale or zero a gradient. `h` is a function of the same language, passed
 * in `scope` (as is `adjointHook` itself).
 */
export function adjointHook(x: number, _hook: (dx: number, x: number) => number): number {
  return x;
}

/**
 * Reverse mode: `grad(f)(...args)` is the gradient of scalar-valued `f` with
 * respect to argument `wrt` (default 0), shaped like that argument; several
 * `wrt` give an array of gradients; `preserveResult` gives `[gradient, value]`.
 */
export function grad<F extends (...args: any[]) => number>(f: F | SourceFunction, options?: Options): Derivative<F> {
  const opts = checkCall('grad', f, options);
  const wrt = wrtList('grad', f, opts.wrt);
  return cached(f, keyOf('grad', opts, wrt), () => {
    // The entry returns gradients in parameter order: derive for the indices sorted and
    // hand them back in `wrt` order.
    const sorted = [...wrt].sort((a, b) => a - b);
    const d = derive(input(f), { mode: 'grad', wrt: sorted, preserveResult: opts.preserveResult, optimized: opts.optimized, ...deriveOpts(opts) });
    const several = Array.isArray(opts.wrt), preserve = !!opts.preserveResult;
    const count = wrt.length + (preserve ? 1 : 0);
    const perm = wrt.map((i) => sorted.indexOf(i));
    const inOrder = perm.every((p, k) => p === k);
    const shape = (raw: unknown) => {
      if (!several && !preserve) return raw;
      if (several && !preserve && count > 1 && inOrder) return raw; // already the array of gradients
      const r = count === 1 ? [raw] : (raw as unknown[]);
      const grads = several ? perm.map((p) => r[p]) : r[0];
      return preserve ? [grads, r[r.length - 1]] : grads;
    };
    return makeDerivative(d, `grad(${f.name || 'f'})`, shape);
  }) as Derivative<F>;
}

export { IR as irSymbol };
export type { Handle as DerivativeHandle };

/** Tangent arguments arrive in `wrt` order; the generated entry takes them in parameter order. */
function tangentOrder(nParams: number, wrt: number[]): (args: unknown[]) => unknown[] {
  const sorted = [...wrt].sort((a, b) => a - b);
  return (args) => {
    if (args.length !== nParams + wrt.length) return args; // checkArgs reports the count
    const tangents = args.slice(nParams);
    return [...args.slice(0, nParams), ...sorted.map((p) => tangents[wrt.indexOf(p)])];
  };
}

/**
 * Forward mode: `jvp(f)(...args, ...tangents)` is the derivative of `f` at
 * `args` along the tangents (one per `wrt` argument, shaped like it), shaped
 * like `f`'s result; `preserveResult` gives `[tangent, value]`.
 */
export function jvp<F extends (...args: any[]) => number | Float64Array>(f: F | SourceFunction, options?: Options): Derivative<F> {
  const opts = checkCall('jvp', f, options);
  const wrt = wrtList('jvp', f, opts.wrt);
  return cached(f, keyOf('jvp', opts, wrt), () => {
    const d = derive(input(f), { mode: 'jvp', wrt, preserveResult: opts.preserveResult, optimized: opts.optimized, ...deriveOpts(opts) });
    const shape = (raw: unknown) => (opts.preserveResult ? [(raw as unknown[])[1], (raw as unknown[])[0]] : raw);
    const sorted = [...wrt].sort((a, b) => a - b);
    return makeDerivative(d, `jvp(${f.name || 'f'})`, shape, tangentOrder(f.length, wrt), sorted);
  }) as Derivative<F>;
}

/**
 * Hessian-vector product by forward-over-reverse: `hvp(f)(...args, v)` is
 * H·v for scalar-valued `f`, with H the Hessian with respect to argument
 * `wrt` (one index); costs a small multiple of one gradient, never a Hessian.
 */
export function hvp<F extends (...args: any[]) => number>(f: F | SourceFunction, options?: Options): Derivative<F> {
  const opts = checkCall('hvp', f, options);
  const wrt = wrtList('hvp', f, opts.wrt);
  if (wrt.length !== 1) throw new CompileError('CT1204', { what: 'several `wrt` arguments', mode: 'hvp', remedy: 'pass one index; build mixed blocks from jvp of grad' });
  return cached(f, keyOf('hvp', opts, wrt), () => {
    const d = derive(input(f), { mode: 'hvp', wrt, preserveResult: opts.preserveResult, optimized: opts.optimized, ...deriveOpts(opts) });
    const shape = (raw: unknown) => (opts.preserveResult ? [(raw as unknown[])[2], (raw as unknown[])[1]] : raw);
    return makeDerivative(d, `hvp(${f.name || 'f'})`, shape, undefined, wrt);
  }) as Derivative<F>;
}

export { jacobian, hessian } from './dense.js';

export interface CompileOptions {
  /** Helpers and constants `f` refers to (when compiling a plain function). */
  scope?: Record<string, unknown>;
  /** f64x2 SIMD for the loops that allow it (default true). */
  simd?: boolean;
}

/** A function computed by WebAssembly, with what it was made from. */
export interface Compiled {
  (...args: any[]): any;
  /** The JavaScript it was compiled from. */
  readonly source: string;
  /** The AssemblyScript it was lowered to (vectorised loops are marked). */
  readonly assemblyScript: string;
  /** The optimised module's bytes. */
  readonly wasm: Uint8Array;
  /** A Float64Array inside the module's memory: passing it to the function costs no copy. */
  alloc(n: number): Float64Array;
  /** Gives an `alloc`ed array back. */
  free(view: Float64Array): void;
}

/**
 * The same function, computed by WebAssembly: `f` itself (with the `scope` its
 * helpers need) or anything made by grad, jvp or hvp (which keeps its
 * options). Loads the AssemblyScript compiler on first use.
 */
export function compile(g: Differentiable | Derivative, options?: CompileOptions): Promise<Compiled> {
  // Misuse is reported the way compile reports everything else: a rejected promise.
  let opts: CompileOptions;
  try {
    checkDifferentiable('compile', g, 'compile');
    opts = checkOptions(`compile(${g.name || 'f'})`, options);
  } catch (e) {
    return Promise.reject(e);
  }
  // The same function compiled twice with the same options is the same compiled function.
  const key = `${opts.simd !== false}|${Object.entries(opts.scope ?? {}).map(([k, v]) => `${k}:${idOf(v)}`).join(',')}`;
  let byKey = compiled.get(g as object);
  if (!byKey) { byKey = new Map(); compiled.set(g as object, byKey); }
  let result = byKey.get(key);
  if (!result) {
    result = compileUncached(g, opts);
    byKey.set(key, result);
    result.catch(() => byKey!.delete(key));
  }
  return result;
}

const compiled = new WeakMap<object, Map<string, Promise<Compiled>>>();

async function compileUncached(g: Differentiable | Derivative, opts: CompileOptions): Promise<Compiled> {
  const handle = typeof g === 'function' ? (g as unknown as { [IR]?: Handle })[IR] : undefined;
  let h: Handle;
  if (handle) h = handle;
  else {
    const d = derive(input(g as Differentiable), { mode: 'primal', wrt: [], ...deriveOpts({ scope: opts.scope }) });
    const entry = d.module.functions.find((fn) => fn.name === d.module.entry)!;
    h = { module: d.module, shape: (r) => r, params: entry.params, name: `compile(${g.name || 'f'})`, like: [], source: d.source };
  }
  const { compileIrModule } = await import('./wasm.js');
  const mod = await compileIrModule(h.module, { simd: opts.simd });
  const entry = h.module.functions.find((fn) => fn.name === h.module.entry)!;
  const single = entry.results.length === 1;
  const checkOpts = { booleansAsNumbers: true, bounds: loopBoundParams(entry) };
  const check = makeChecker(h.name, h.params, h.like, checkOpts);
  // Numbers only: the instance's direct entry (no marshalling of arrays), behind the compiled checks.
  const scalarOnly = h.params.every((p) => p.type !== 'f64[]') && !h.reorder;
  const call = scalarOnly
    ? fastCall(h.params, h.like, checkOpts, { entry: mod.invoke, shape: h.shape, slow: (...args: unknown[]) => h.shape(mod.invoke.apply(undefined, check(args))) })
    : (...userArgs: unknown[]) => {
      const args = h.reorder ? h.reorder(userArgs) : userArgs;
      const results = mod.call(check(args));
      return h.shape(single ? results[0] : results);
    };
  Object.defineProperties(call, {
    length: { value: h.params.length },
    name: { value: h.module.entry },
    source: { value: h.source, enumerable: true },
    assemblyScript: { value: mod.assemblyScript, enumerable: true },
    wasm: { value: mod.wasm, enumerable: true },
    alloc: { value: (n: number) => mod.alloc(n) },
    free: { value: (view: Float64Array) => mod.free(view) },
  });
  return call as unknown as Compiled;
}
