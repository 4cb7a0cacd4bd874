// Helpers for the AssemblyScript backend's tests: lower a JS function to IR,
// compile it once, compare results with the function itself.
import { lowerProgram } from '../../../compiler/ir/program.js';
import { parseFunctionValue } from '../../../compiler/parse/source.js';
import { f64, i32, v, type IrFunction, type IrModule, type Stmt, type Type } from '../../../compiler/ir/nodes.js';
import { compileIrModule, type CompiledModule, type CompileIrOptions } from '../../../runtime/wasm.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fn = (...args: any[]) => any;

/** The primal IR of `f` (and the helpers in `scope`). */
export function lower(f: Fn, scope: Record<string, unknown> = {}): IrModule {
  return lowerProgram(parseFunctionValue(f), { wrt: [0], scope }).module;
}

const compiled = new Map<string, Promise<CompiledModule>>();

/** Compiles `f` once per (function, options) for the whole test run. */
export function wasmOf(f: Fn, scope: Record<string, unknown> = {}, opts: CompileIrOptions = {}): Promise<CompiledModule> {
  const key = `${f.name}:${String(f)}:${JSON.stringify(opts)}`;
  let m = compiled.get(key);
  if (!m) { m = compileIrModule(lower(f, scope), opts); compiled.set(key, m); }
  return m;
}

/** Seeded uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(r: () => number, n: number, lo = -2, hi = 2): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** Equal to `tol` relative (NaN equals NaN, and -0 is told apart from 0 when exact). */
export function close(a: unknown, b: unknown, tol = 1e-12): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  }
  if (a instanceof Float64Array && b instanceof Float64Array) {
    return a.length === b.length && a.every((x, k) => close(x, b[k], tol));
  }
  return false;
}

export function describeMismatch(label: string, args: unknown[], got: unknown, want: unknown): string {
  const show = (v: unknown) => (v instanceof Float64Array ? `[${[...v].slice(0, 8).join(', ')}${v.length > 8 ? ', …' : ''}]` : String(v));
  return `${label}(${args.map(show).join(', ')}): wasm ${show(got)}, js ${show(want)}`;
}

/** pair(x) = (2x, x + 1); tp(x, n): pushes x*i and i, pops them in reverse into out, returns pair(Σ)[0] and out. */
export function tapeModule(): IrModule {
  const fn = (name: string, params: [string, Type][], results: Type[], locals: [string, Type][], body: Stmt[]): IrFunction =>
    ({ name, params: params.map(([n, t]) => ({ name: n, type: t })), results, body, vars: new Map([...params, ...locals]) });
  const pair = fn('pair', [['x', 'f64']], ['f64', 'f64'], [['a', 'f64'], ['b', 'f64']], [
    { kind: 'assign', target: 'a', expr: { kind: 'binary', op: '*', left: v('x'), right: f64(2) } },
    { kind: 'assign', target: 'b', expr: { kind: 'binary', op: '+', left: v('x'), right: f64(1) } },
    { kind: 'return', values: [v('a'), v('b')] },
  ]);
  const tp = fn('tp', [['x', 'f64'], ['n', 'i32']], ['f64', 'f64[]'],
    [['s', 'f64'], ['out', 'f64[]'], ['i', 'i32'], ['xi', 'f64'], ['last', 'i32'], ['j', 'i32'], ['k', 'i32'], ['w', 'f64'], ['p', 'f64'], ['q', 'f64']], [
      { kind: 'assign', target: 's', expr: { kind: 'atom', value: f64(0) } },
      { kind: 'assign', target: 'out', expr: { kind: 'alloc', length: v('n') } },
      { kind: 'for', index: 'i', start: i32(0), end: v('n'), step: 1, inclusive: false, body: [
        { kind: 'assign', target: 'xi', expr: { kind: 'binary', op: '*', left: v('x'), right: v('i') } },
        { kind: 'push', tape: 'f64', value: v('xi'), slot: 1 },
        { kind: 'push', tape: 'i32', value: v('i'), slot: 2 },
      ] },
      { kind: 'assign', target: 'last', expr: { kind: 'binary', op: '-', left: v('n'), right: i32(1) } },
      { kind: 'for', index: 'j', start: v('last'), end: i32(0), step: -1, inclusive: true, body: [
        { kind: 'assign', target: 'k', expr: { kind: 'pop', tape: 'i32', slot: 2 } },
        { kind: 'assign', target: 'w', expr: { kind: 'pop', tape: 'f64', slot: 1 } },
        { kind: 'assign', target: 's', expr: { kind: 'binary', op: '+', left: v('s'), right: v('w') } },
        { kind: 'store', array: 'out', index: v('k'), value: v('w'), accumulate: false },
      ] },
      { kind: 'multi', targets: ['p', 'q'], callee: 'pair', args: [v('s')] },
      { kind: 'return', values: [v('p'), v('out')] },
    ]);
  return { functions: [pair, tp], entry: 'tp' };
}

