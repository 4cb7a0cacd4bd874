// Call-time argument checks: a TypeError that names the argument, before any
// generated code runs. number[] is accepted where a Float64Array is expected (copied).
// The checker is built once per derivative; a call that passes pays only the
// type tests (messages are built only when something is wrong).
import type { Atom, Const, Expr, IrFunction, Param } from '../compiler/ir/nodes.js';
import { assignedIn, forEachStmt } from '../compiler/ir/walk.js';

export type Checker = (args: unknown[]) => unknown[];

export interface CheckerOptions {
  /**
   * Pass booleans given for `bool` parameters on as 1 and 0 (WebAssembly takes
   * numbers only). The JS path keeps them as they are: the generated code
   * keeps the function's own tests (`flip === true`), which a number would fail.
   */
  booleansAsNumbers?: boolean;
  /** Per parameter that bounds a counted loop (see loopBoundParams): the range its value must lie in. */
  bounds?: (Range | undefined)[];
}

const I32_MIN = -2147483648, I32_MAX = 2147483647;

/** The values a parameter that bounds a loop may take. */
export interface Range { lo: number; hi: number }

/**
 * Parameters (by position; numbers) that bound a counted loop with an i32
 * index, directly or through a copy, `Math.ceil`/`floor`/`round`/`trunc`,
 * `| 0`, a negation, ± a constant (the trip count of `for (i = 0; i < n; i++)`
 * reversed) or a constant factor (`i < 2 * n`), each with the range that keeps
 * the bound inside 32 bits. Such a loop counts in 32 bits (the reversed loop
 * in JS, every loop in Wasm), so a bound outside that range would silently
 * wrap, and a NaN one would run the reversed loop once: the checker refuses
 * those values. Only parameters never assigned are traced, so the argument is
 * the bound.
 */
export function loopBoundParams(fn: IrFunction): (Range | undefined)[] {
  /** The value is within scale·param ± slack. */
  interface Trace { param: number; scale: number; slack: number }
  const assigned = assignedIn(fn.body);
  const from = new Map<string, Trace>();
  fn.params.forEach((p, i) => { if ((p.type === 'f64' || p.type === 'i32') && !assigned.has(p.name)) from.set(p.name, { param: i, scale: 1, slack: 0 }); });
  const counts = new Map<string, number>();
  forEachStmt(fn.body, (s) => { if (s.kind === 'assign') counts.set(s.target, (counts.get(s.target) ?? 0) + 1); });
  const traced = (a: Atom, add = 0, times = 1): Trace | undefined => {
    const t = a.kind === 'var' ? from.get(a.name) : undefined;
    return t && { param: t.param, scale: t.scale * times, slack: (t.slack + add) * times };
  };
  const small = (a: Atom) => a.kind === 'const' && Math.abs(a.value) <= 1 << 20;
  const factor = (a: Atom) => a.kind === 'const' && Math.abs(a.value) >= 1 && Math.abs(a.value) <= 1 << 20;
  const source = (e: Expr): Trace | undefined => {
    switch (e.kind) {
      case 'atom': return traced(e.value);
      case 'unary': return e.op === 'not' ? undefined : traced(e.arg);
      case 'binary':
        if (e.op === '*') {
          if (factor(e.right)) return traced(e.left, 0, Math.abs((e.right as Const).value));
          return factor(e.left) ? traced(e.right, 0, Math.abs((e.left as Const).value)) : undefined;
        }
        if (e.op !== '+' && e.op !== '-') return undefined;
        if (small(e.right)) return traced(e.left, Math.ceil(Math.abs((e.right as Const).value)));
        return e.op === '+' && small(e.left) ? traced(e.right, Math.ceil(Math.abs((e.left as Const).value))) : undefined;
      case 'prim': return /^(Math\.)?(ceil|floor|round|trunc)$/.test(e.name) ? traced(e.args[0], 1) : undefined;
      default: return undefined;
    }
  };
  // Temporaries assigned once, in program order (A-normal form defines before use).
  forEachStmt(fn.body, (s) => {
    if (s.kind !== 'assign' || counts.get(s.target) !== 1 || from.has(s.target)) return;
    const t = source(s.expr);
    if (t) from.set(s.target, t);
  });
  const out: (Range | undefined)[] = fn.params.map(() => undefined);
  forEachStmt(fn.body, (s) => {
    if (s.kind !== 'for' || fn.vars.get(s.index) !== 'i32') return;
    for (const a of [s.start, s.end]) {
      const t = traced(a);
      if (!t) continue;
      // The loop's own step past the bound is one more.
      const margin = Math.ceil(t.slack) + 1;
      const r = { lo: Math.ceil((I32_MIN + margin) / t.scale), hi: Math.floor((I32_MAX - margin) / t.scale) };
      const had = out[t.param];
      out[t.param] = had ? { lo: Math.max(had.lo, r.lo), hi: Math.min(had.hi, r.hi) } : r;
    }
  });
  return out;
}

/** `like[i]` is the position of the argument whose length argument i must match (a tangent and its primal). */
export function makeChecker(fnName: string, params: Param[], like: (number | undefined)[] = [], opts: CheckerOptions = {}): Checker {
  const n = params.length;
  const types = params.map((p) => p.type);
  const asNumbers = !!opts.booleansAsNumbers;
  // Per parameter: the lowest and highest value allowed (an i32 bound keeps a margin for what is added to it).
  const lo = params.map((_, i) => opts.bounds?.[i]?.lo ?? -Infinity);
  const hi = params.map((_, i) => opts.bounds?.[i]?.hi ?? Infinity);
  const bounded = params.map((_, i) => opts.bounds?.[i] !== undefined);
  const what = (i: number) => `${fnName}: argument ${i + 1} (\`${params[i].name}\`)`;
  const fail = (args: unknown[], i: number): never => {
    const a = args[i];
    const p = params[i];
    if (p.type === 'f64[]') {
      const arr = a as ArrayLike<number>;
      if (a instanceof Float64Array || isNumberArray(a)) {
        const want = (args[like[i]!] as { length: number }).length;
        throw new TypeError(`${what(i)} must have length ${want} like \`${params[like[i]!].name}\`, got ${arr.length}`);
      }
      throw new TypeError(`${what(i)} must be a Float64Array (or number[]), got ${describe(a)}`);
    }
    if (p.type === 'bool') throw new TypeError(`${what(i)} must be a boolean (or a number), got ${describe(a)}`);
    if (typeof a !== 'number') throw new TypeError(`${what(i)} must be a number, got ${describe(a)}`);
    if (p.type === 'i32' && !Number.isInteger(a)) throw new TypeError(`${what(i)} is used as an integer (index or size), got ${a}`);
    if (bounded[i] && (p.type !== 'i32' || (a | 0) === a)) {
      throw new TypeError(`${what(i)} bounds a loop, which counts in 32 bits: it must be a number in [${lo[i]}, ${hi[i]}], got ${a}`);
    }
    // Both backends count in 32 bits: a larger integer would silently wrap.
    throw new TypeError(`${what(i)} is used as an integer (index or size) and must lie in the 32-bit range [${I32_MIN}, ${I32_MAX}], got ${a}`);
  };
  return (args) => {
    if (args.length !== n) {
      throw new TypeError(`${fnName}: expected ${n} argument${n === 1 ? '' : 's'} (${params.map((p) => p.name).join(', ')}), got ${args.length}`);
    }
    let out = args;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      const t = types[i];
      if (t === 'f64[]') {
        let arr: Float64Array;
        if (a instanceof Float64Array) arr = a;
        else if (isNumberArray(a)) {
          arr = Float64Array.from(a);
          if (out === args) out = args.slice();
          out[i] = arr;
        } else return fail(args, i);
        const l = like[i];
        if (l !== undefined && arr.length !== (out[l] as { length: number }).length) return fail(args, i);
      } else if (typeof a === 'number') {
        // `(a | 0) === a`: an integer within i32 (NaN, ±Infinity and fractions fail too).
        if (t === 'i32' ? (a | 0) !== a || (bounded[i] && (a < lo[i] || a > hi[i])) : bounded[i] && !(a >= lo[i] && a <= hi[i])) return fail(args, i);
      } else if (t === 'bool' && typeof a === 'boolean') {
        if (asNumbers) {
          if (out === args) out = args.slice();
          out[i] = a ? 1 : 0;
        }
      } else {
        return fail(args, i);
      }
    }
    return out;
  };
}

/** One-off form of makeChecker. */
export function checkArgs(fnName: string, params: Param[], args: unknown[], like: (number | undefined)[] = [], opts: CheckerOptions = {}): unknown[] {
  return makeChecker(fnName, params, like, opts)(args);
}

function isNumberArray(a: unknown): a is number[] {
  return Array.isArray(a) && a.every((x) => typeof x === 'number');
}

function describe(a: unknown): string {
  if (a === null) return 'null';
  if (Array.isArray(a)) return 'an array with non-number elements';
  if (ArrayBuffer.isView(a)) return a.constructor.name;
  if (typeof a === 'object') return 'an object';
  return typeof a === 'string' ? `a string` : typeof a;
}
