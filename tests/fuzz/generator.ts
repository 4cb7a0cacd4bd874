// Random differentiable programs, as fast-check arbitraries of the tree in
// ast.ts; print.ts turns a tree into module source text. Simple alternatives
// come first in every `oneof`, so fast-check shrinks a failing program towards
// literals, plain variables and empty blocks: the minimal counterexample.
import fc from 'fast-check';
import type { Binary, Bound, Cond, Expr, Helper, IntE, MathConst, NpReduce, Program, SetOp, Stmt, Unary } from './ast.js';

export const UNARY: Unary[] = [
  'sin', 'cos', 'tanh', 'exp', 'log', 'sqrt', 'atan', 'expm1', 'log2', 'log10', 'log1p', 'cbrt',
  'tan', 'asin', 'acos', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'abs', 'sign', 'floor', 'ceil', 'round', 'trunc',
];
export const BINARY: Binary[] = ['pow', 'atan2', 'hypot', 'max', 'min'];
const CONSTS: MathConst[] = ['PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2'];

/** Which constructs the generator may use; the fuzz script can switch some off (e.g. to avoid a known bug). */
export interface GenOptions {
  /** Piecewise-constant and kinked primitives (abs, sign, floor, ..., max, min, %). */
  nonSmooth?: boolean;
  /** Calls to helper functions in the same module. */
  helpers?: boolean;
  /** Local arrays (allocated, written, read). */
  localArrays?: boolean;
  /** Unary Math functions to leave out. */
  skipUnary?: Unary[];
  /** Reductions and element-wise operations of cotangent/np. */
  np?: boolean;
}

const ref = fc.nat({ max: 7 });
/** Shrinking may also try the first (simplest) alternative of a oneof: a literal, a plain statement. */
const cross = { withCrossShrink: true };
const litValue = fc.constantFrom(0.5, 1, 2, -1, 0.25, 1.5, -0.75, 3, 0.1, -2);
const form = fc.nat({ max: 3 });

export function arbitraries(opts: GenOptions = {}) {
  const nonSmooth = opts.nonSmooth ?? true;
  const unary = UNARY.filter((u) => !(opts.skipUnary ?? []).includes(u)
    && (nonSmooth || !['abs', 'sign', 'floor', 'ceil', 'round', 'trunc'].includes(u)));
  const binary = BINARY.filter((b) => nonSmooth || !['max', 'min'].includes(b));
  const npReduce: NpReduce[] = nonSmooth ? ['sum', 'mean', 'logsumexp', 'dot', 'max', 'min'] : ['sum', 'mean', 'logsumexp', 'dot'];

  const intMemo = new Map<number, fc.Arbitrary<IntE>>();
  const exprMemo = new Map<number, fc.Arbitrary<Expr>>();
  const condMemo = new Map<number, fc.Arbitrary<Cond>>();
  const stmtMemo = new Map<number, fc.Arbitrary<Stmt>>();

  const intE = (d: number): fc.Arbitrary<IntE> => {
    let a = intMemo.get(d);
    if (a) return a;
    const leaf = fc.oneof(cross,
      fc.record({ k: fc.constant('lit' as const), v: fc.nat({ max: 4 }) }),
      fc.record({ k: fc.constant('idx' as const), r: ref }),
      fc.record({ k: fc.constant('n' as const) }),
    );
    a = d <= 0 ? leaf : fc.oneof(cross,
      { arbitrary: leaf, weight: 4 },
      { arbitrary: fc.record({ k: fc.constant('add' as const), a: intE(d - 1), c: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('mul' as const), a: intE(d - 1), c: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
      { arbitrary: fc.record({ k: fc.constant('trunc' as const), e: expr(0) }), weight: nonSmooth ? 1 : 0 },
    );
    intMemo.set(d, a);
    return a;
  };

  const expr = (d: number): fc.Arbitrary<Expr> => {
    let a = exprMemo.get(d);
    if (a) return a;
    const leaf: fc.Arbitrary<Expr> = fc.oneof(cross,
      { arbitrary: fc.record({ k: fc.constant('lit' as const), v: litValue }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('var' as const), r: ref }), weight: 6 },
      { arbitrary: fc.record({ k: fc.constant('read' as const), r: ref, i: intE(d > 0 ? 1 : 0) }), weight: 4 },
      { arbitrary: fc.record({ k: fc.constant('ival' as const), i: intE(0) }), weight: 1 },
      { arbitrary: fc.record({ k: fc.constant('len' as const), r: ref }), weight: 1 },
      { arbitrary: fc.record({ k: fc.constant('const' as const), name: fc.constantFrom(...CONSTS) }), weight: 1 },
    );
    if (d <= 0) { exprMemo.set(d, leaf); return leaf; }
    const sub = expr(d - 1);
    a = fc.oneof(cross,
      { arbitrary: leaf, weight: 8 },
      { arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('+' as const, '-' as const, '*' as const, '/' as const), a: sub, b: sub, form }), weight: 12 },
      { arbitrary: fc.record({ k: fc.constant('un' as const), f: fc.constantFrom(...unary), a: sub, form }), weight: 10 },
      { arbitrary: fc.record({ k: fc.constant('neg' as const), a: sub }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('pow' as const), a: sub, b: sub, form }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('bi' as const), f: fc.constantFrom(...binary), a: sub, b: sub, c: fc.option(sub, { freq: 4 }), form }), weight: 4 },
      { arbitrary: fc.record({ k: fc.constant('tern' as const), c: cond(d - 1), a: sub, b: sub }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('call' as const), h: ref, args: fc.array(sub, { maxLength: 2 }), arr: ref }), weight: opts.helpers === false ? 0 : 4 },
      { arbitrary: fc.record({ k: fc.constant('mod' as const), a: sub, form }), weight: nonSmooth ? 1 : 0 },
      { arbitrary: fc.record({ k: fc.constant('np' as const), red: fc.constantFrom<NpReduce>(...npReduce), r: ref, map: fc.nat({ max: 5 }), map2: fc.nat({ max: 5 }), e: sub }), weight: opts.np === false ? 0 : 2 },
    );
    exprMemo.set(d, a);
    return a;
  };

  const cond = (d: number): fc.Arbitrary<Cond> => {
    let a = condMemo.get(d);
    if (a) return a;
    const e = expr(Math.max(0, d));
    const base: fc.Arbitrary<Cond> = fc.oneof(cross,
      { arbitrary: fc.record({ k: fc.constant('cmp' as const), op: fc.constantFrom('<' as const, '>' as const, '<=' as const, '>=' as const), a: e, b: e }), weight: 4 },
      { arbitrary: fc.record({ k: fc.constant('icmp' as const), op: fc.constantFrom('<' as const, '>' as const, '<=' as const, '>=' as const, '===' as const, '!==' as const), a: intE(0), b: intE(1) }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('parity' as const), a: intE(0) }), weight: 1 },
    );
    a = d <= 0 ? base : fc.oneof(cross,
      { arbitrary: base, weight: 5 },
      { arbitrary: fc.record({ k: fc.constant('not' as const), a: cond(d - 1) }), weight: 1 },
      { arbitrary: fc.record({ k: fc.constantFrom('and' as const, 'or' as const), a: cond(d - 1), b: cond(d - 1) }), weight: 1 },
    );
    condMemo.set(d, a);
    return a;
  };

  const bound: fc.Arbitrary<Bound> = fc.oneof(cross,
    fc.record({ k: fc.constant('lit' as const), v: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ k: fc.constant('len' as const), r: ref }),
    fc.record({ k: fc.constant('n' as const) }),
    fc.record({ k: fc.constant('idx' as const), r: ref }),
  );
  const setOp = fc.constantFrom<SetOp>('=', '+=', '-=', '*=', '/=', '++', '--');

  const block = (d: number, max: number): fc.Arbitrary<Stmt[]> => fc.array(stmt(d), { maxLength: max });

  const stmt = (d: number): fc.Arbitrary<Stmt> => {
    let a = stmtMemo.get(d);
    if (a) return a;
    const e = expr(2);
    const c = cond(1);
    const simple: fc.WeightedArbitrary<Stmt>[] = [
      { arbitrary: fc.record({ k: fc.constant('let' as const), e, name: ref, konst: fc.boolean() }), weight: 5 },
      { arbitrary: fc.record({ k: fc.constant('set' as const), r: ref, op: setOp, e, form }), weight: 6 },
      { arbitrary: fc.record({ k: fc.constant('store' as const), r: ref, i: intE(1), acc: fc.boolean(), e }), weight: opts.localArrays === false ? 0 : 3 },
      { arbitrary: fc.record({ k: fc.constant('jump' as const), brk: fc.boolean(), c }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('ret' as const), c, e }), weight: 1 },
    ];
    if (d <= 0) {
      a = fc.oneof(cross, ...simple);
    } else {
      const inner = block(d - 1, 3);
      a = fc.oneof(cross,
        ...simple,
        { arbitrary: fc.record({ k: fc.constant('if' as const), c, t: inner, f: fc.option(inner, { freq: 2 }) }), weight: 3 },
        { arbitrary: fc.record({ k: fc.constant('for' as const), bound, down: fc.boolean(), incl: fc.boolean(), body: inner, name: ref }), weight: 3 },
        { arbitrary: fc.record({ k: fc.constant('while' as const), n: fc.integer({ min: 1, max: 4 }), body: inner, extra: fc.option(c, { freq: 3 }), doWhile: fc.boolean(), name: ref }), weight: 2 },
        { arbitrary: fc.record({ k: fc.constant('alloc' as const), len: bound, name: ref, fill: e }), weight: opts.localArrays === false ? 0 : 2 },
      );
    }
    stmtMemo.set(d, a);
    return a;
  };

  const helper: fc.Arbitrary<Helper> = fc.record({
    scalars: fc.integer({ min: 1, max: 2 }),
    array: fc.boolean(),
    body: block(1, 3),
    ret: expr(2),
  });

  const program: fc.Arbitrary<Program> = fc.record({
    scalars: fc.integer({ min: 1, max: 3 }),
    arrays: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
    n: fc.nat({ max: 4 }),
    helpers: opts.helpers === false ? fc.constant([]) : fc.array(helper, { maxLength: 2 }),
    body: block(2, 6),
    ret: expr(3),
    annotate: fc.boolean(),
    names: fc.nat({ max: 2 }),
    wrtMask: fc.nat({ max: 31 }),
    wrtSingle: fc.boolean(),
    seed: fc.nat(),
  });

  return { program, expr, cond, stmt, intE };
}
