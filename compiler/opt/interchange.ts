// interchange: an adjoint loop nest walks memory in the order its primal did.
// Where the inner loop strides through an array that the outer index walks
// contiguously (a packed triangle read row by row, stored column by column),
// the inner loop moves out of the outer one and the two swap, the way a
// person writes that gradient:
//
//   for j … mirror {            for j … mirror {
//     S1 (dz = …)                 S1
//     for l ≤ j - 1 {      ==>    dz_at[j] = dz
//       B(j, l)                   S2
//     }                         }
//     S2                        for l ≤ last - 1 {
//   }                             for j = l + 1 … last {
//                                   dz = dz_at[j]
//                                   B(j, l)
//                                 }
//                               }
//
// Taken out of the outer loop, the inner loop runs after every iteration of
// it, and its iterations in another order. That is the same computation, up to
// the order of additions, when:
// - the outer loop is an adjoint loop (`mirror`: its sums may be added up in
//   another order) with no early exit, and the inner loop is its only loop;
// - the inner loop only adds into arrays (`a[k] += v`) that nothing in the
//   outer loop reads or writes otherwise, loads only arrays the outer loop
//   never writes, has no tape, calls or branches, and its scalars are its own
//   (assigned before read in each iteration, read nowhere else);
// - a value it takes from the outer iteration is assigned once, before it,
//   from values of that iteration (none carried from the iteration before),
//   and is dead after the nest: an integer computed from the outer index and
//   invariants (or a load of an unwritten array) is recomputed, any other f64
//   is kept per outer index in an array, allocated once before the outermost
//   statement it is fixed in (`dz_at`);
// - its integer bounds are fixed (a rectangular nest) or its last index
//   follows the outer one (`l ≤ j + c`, a triangle), and the outer loop counts
//   from a constant ≥ 0 to a bound fixed for the whole call.
// It is done only when it pays: every array access of the swapped inner loop
// is contiguous in (or independent of) its index, and some access of the
// original inner loop was not.
//
// Assumes: valid IR. Guarantees: every array element gets the same additions.
import { Namer } from '../ir/names.js';
import { f64, i32, v, type Atom, type Expr, type IrFunction, type Stmt, type Type } from '../ir/nodes.js';
import { assignedIn, exprReads, forEachStmt, readBeforeAssigned, readIn, stmtReads, stmtWrites } from '../ir/walk.js';
import { aliases, liveness, writtenArrays, type Aliases, type Liveness, type PassContext } from './analysis.js';

type For = Extract<Stmt, { kind: 'for' }>;
type Assign = Extract<Stmt, { kind: 'assign' }>;
/** `atom + off`: a loop's first or last index. */
interface Bound { atom: Atom; off: number }

export function interchange(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  let candidates = false;
  forEachStmt(fn.body, (s) => { if (s.kind === 'for' && s.mirror && s.body.some((b) => b.kind === 'for')) candidates = true; });
  if (!candidates) return fn;
  const env: Env = {
    fn, ctx,
    live: liveness(fn, { strong: false, ctx }),
    alias: aliases(fn),
    writes: new Map(),
    vars: new Map(fn.vars),
    namer: new Namer(fn.vars.keys()),
  };
  forEachStmt(fn.body, (s) => { for (const n of stmtWrites(s)) env.writes.set(n, (env.writes.get(n) ?? 0) + 1); });
  const params = new Set(fn.params.map((p) => p.name));
  // What a top-level statement defines before it: where an allocation sized by it may go.
  const definedBefore = new Map<Stmt, Set<string>>();
  const defined = new Set(params);
  for (const s of fn.body) {
    definedBefore.set(s, new Set(defined));
    if (s.kind === 'assign') defined.add(s.target);
  }
  const allocs = new Map<Stmt, Stmt[]>();
  let changed = false;
  // `anchor`: the top-level statement holding `s`, before which its allocations go.
  const rewrite = (s: Stmt, anchor: Stmt): Stmt[] => {
    if (s.kind === 'for' && s.mirror) {
      const done = swap(s, env, (name) => definedBefore.get(anchor)!.has(name) && (env.writes.get(name) ?? 0) <= (params.has(name) ? 0 : 1));
      if (done) {
        changed = true;
        allocs.set(anchor, [...(allocs.get(anchor) ?? []), ...done.allocs]);
        return done.stmts;
      }
    }
    const block = (b: Stmt[]) => b.flatMap((x) => rewrite(x, anchor));
    switch (s.kind) {
      case 'if': return [{ ...s, then: block(s.then), else: block(s.else) }];
      case 'for': return [{ ...s, body: block(s.body) }];
      case 'while': return [{ ...s, test: block(s.test), body: block(s.body), update: block(s.update) }];
      default: return [s];
    }
  };
  const body: Stmt[] = [];
  for (const s of fn.body) {
    const r = rewrite(s, s);
    body.push(...(allocs.get(s) ?? []), ...r);
  }
  return changed ? { ...fn, body, vars: env.vars } : fn;
}

interface Env {
  fn: IrFunction;
  ctx: PassContext;
  live: Liveness;
  alias: Aliases;
  writes: Map<string, number>;
  vars: Map<string, Type>;
  namer: Namer;
}

/** The nest swapped (the outer loop's remainder, then the new nest) and the allocations it needs, or undefined. */
function swap(outer: For, env: Env, fixedAtTop: (name: string) => boolean): { stmts: Stmt[]; allocs: Stmt[] } | undefined {
  const { fn } = env;
  const loops = outer.body.filter((s) => s.kind === 'for' || s.kind === 'while');
  if (loops.length !== 1 || loops[0].kind !== 'for') return undefined;
  const inner = loops[0];
  const at = outer.body.indexOf(inner);
  const s1 = outer.body.slice(0, at), s2 = outer.body.slice(at + 1);
  let simple = true;
  forEachStmt(outer.body, (s) => {
    if (s.kind === 'break' || s.kind === 'continue' || s.kind === 'return' || s.kind === 'while') simple = false;
    if (s.kind === 'for' && s !== inner && s !== outer) simple = false;
  });
  for (const s of inner.body) if (!innerStmt(s)) simple = false;
  if (!simple) return undefined;

  const j = outer.index, l = inner.index;
  const inOuter = assignedIn(outer.body);
  const innerOwn = assignedIn(inner.body);
  const afterOuter = env.live.after.get(outer) ?? new Set<string>();
  // The inner loop's scalars are its own.
  if (readBeforeAssigned(inner.body, innerOwn).size) return undefined;
  const elsewhere = readIn([...s1, ...s2]);
  for (const n of [...innerOwn, l, j]) if (afterOuter.has(n) || (n !== j && elsewhere.has(n))) return undefined;

  // Arrays: the inner loop only adds into what the rest of the outer loop only adds into; it loads what nothing there writes.
  const added = new Set<string>(), loaded = new Set<string>();
  forEachStmt(inner.body, (s) => {
    if (s.kind === 'store') for (const n of env.alias(s.array)) added.add(n);
    if (s.kind === 'assign' && s.expr.kind === 'load') for (const n of env.alias(s.expr.array)) loaded.add(n);
  });
  for (const n of added) if (loaded.has(n)) return undefined;
  let arraysOk = true;
  const writtenHere = new Set<string>();
  forEachStmt(outer.body, (s) => {
    const written = writtenArrays(s, fn, env.ctx);
    for (const a of written) for (const n of env.alias(a)) writtenHere.add(n);
    if (written.some((a) => loaded.has(a))) arraysOk = false;
    if (s.kind === 'store') return; // an add (the only kind the inner loop has) or an outer store checked next
    const reads = s.kind === 'assign' ? (s.expr.kind === 'length' ? [] : exprReads(s.expr)) : stmtReads(s);
    if (reads.some((n) => added.has(n)) || written.some((a) => added.has(a))) arraysOk = false;
  });
  forEachStmt([...s1, ...s2], (s) => { if (s.kind === 'store' && added.has(s.array) && !s.accumulate) arraysOk = false; });
  if (!arraysOk) return undefined;

  // Values from the outer iteration: S1's single top-level assignments.
  const s1Defs = new Map<string, Assign>();
  for (const s of s1) if (s.kind === 'assign') s1Defs.set(s.target, s);
  // Assigned once, before it is read: not a value the iteration takes from the one before.
  const carried = readBeforeAssigned(outer.body, inOuter);
  const once = (n: string) => s1Defs.has(n) && countAssigns(outer.body, n) === 1 && !carried.has(n);
  const recompute: Assign[] = [];
  const expand: string[] = [];
  const taken = new Set<string>();
  const need = (n: string): boolean => {
    if (n === j || !inOuter.has(n) || taken.has(n)) return true;
    if (!once(n) || afterOuter.has(n)) return false;
    const def = s1Defs.get(n)!;
    taken.add(n);
    if (cheap(def.expr, env, writtenHere) && exprReads(def.expr).every(need)) { recompute.push(def); return true; }
    if (env.vars.get(n) !== 'f64') return false;
    expand.push(n);
    return true;
  };
  for (const n of readIn(inner.body)) if (!innerOwn.has(n) && n !== l && !need(n)) return undefined;
  recompute.sort((a, b) => s1.indexOf(a) - s1.indexOf(b));

  // The two index sets, as inclusive ranges (of integers: the bounds are i32).
  const int = (a: Atom) => (a.kind === 'const' ? Number.isInteger(a.value) : env.vars.get(a.name) === 'i32');
  if (![outer.start, outer.end, inner.start, inner.end].every(int)) return undefined;
  const jr = range(outer), lr = range(inner);
  if (jr.lo.atom.kind !== 'const' || jr.lo.atom.value + jr.lo.off < 0) return undefined;
  const jlo = jr.lo.atom.value + jr.lo.off;
  if (jr.hi.atom.kind === 'var' && inOuter.has(jr.hi.atom.name)) return undefined;
  const fixed = (b: Bound) => b.atom.kind === 'const' || !inOuter.has(b.atom.name);
  if (!fixed(lr.lo)) return undefined;
  const follows = following(lr.hi, j, s1Defs, once);
  if (!follows && !fixed(lr.hi)) return undefined;
  if (follows && (lr.lo.atom.kind !== 'const' || lr.lo.atom.value + lr.lo.off - follows.off < jlo)) return undefined;

  // Pays only if the swapped inner loop reads and writes memory in order and the original did not.
  const defs = new Map<string, Expr>();
  for (const s of recompute) defs.set(s.target, s.expr);
  forEachStmt(inner.body, (s) => { if (s.kind === 'assign') defs.set(s.target, s.expr); });
  const accesses: Atom[] = [];
  forEachStmt(inner.body, (s) => {
    if (s.kind === 'store') accesses.push(s.index);
    if (s.kind === 'assign' && s.expr.kind === 'load') accesses.push(s.expr.index);
  });
  const contiguous = (a: Atom, x: string) => { const c = stride(a, x, defs, inOuter, j, l); return c !== undefined && Math.abs(c) <= 1; };
  // Loads recomputed in the new inner loop count there too.
  const reloaded = recompute.flatMap((s) => (s.expr.kind === 'load' ? [s.expr.index] : []));
  if (![...accesses, ...reloaded].every((a) => contiguous(a, j)) || accesses.every((a) => contiguous(a, l))) return undefined;

  // Build: the remainder of the outer loop keeps each expanded value, the new nest reads it back.
  const allocs: Stmt[] = [];
  const size = sizeOf(jr.hi, env, fixedAtTop, allocs);
  if (!size) return undefined;
  const keep: Stmt[] = [], readBack: Stmt[] = [];
  for (const n of expand) {
    const arr = env.namer.fresh(`${n}_at`);
    env.vars.set(arr, 'f64[]');
    allocs.push({ kind: 'assign', target: arr, expr: { kind: 'alloc', length: size } });
    keep.push({ kind: 'store', array: arr, index: v(j), value: v(n), accumulate: false });
    readBack.push({ kind: 'assign', target: n, expr: { kind: 'load', array: arr, index: v(j) } });
  }
  const before: Stmt[] = [];
  const lFirst = lr.lo;
  const lLast = follows ? { atom: jr.hi.atom, off: jr.hi.off + follows.off } : lr.hi;
  const outerHeader = header(l, lFirst, lLast, env, before);
  const innerPre: Stmt[] = [];
  const jFirst = follows ? { atom: v(l), off: -follows.off } : { atom: i32(jlo), off: 0 };
  const innerHeader = header(j, jFirst, plainer(jr.hi, env, fixedAtTop), env, before, innerPre);
  const innerLoop: For = { kind: 'for', ...innerHeader, body: [...readBack, ...recompute, ...inner.body], loc: inner.loc };
  const nest: For = { kind: 'for', ...outerHeader, body: [...innerPre, innerLoop], loc: inner.loc };
  const remainder: For = { ...outer, body: [...s1, ...keep, ...s2] };
  return { stmts: [remainder, ...before, nest], allocs };
}

/** A statement the moved inner loop may hold: plain arithmetic, loads and adds into arrays. */
function innerStmt(s: Stmt): boolean {
  if (s.kind === 'comment') return true;
  if (s.kind === 'store') return s.accumulate;
  if (s.kind !== 'assign') return false;
  const e = s.expr;
  return e.kind === 'atom' || e.kind === 'unary' || e.kind === 'binary' || e.kind === 'load' || e.kind === 'length'
    || (e.kind === 'prim' && e.name.startsWith('Math.'));
}

/** Cheap enough to compute again per inner iteration instead of keeping: integer arithmetic, a load of an array the outer loop does not write. */
function cheap(e: Expr, env: Env, written: Set<string>): boolean {
  if (e.kind === 'atom') return true;
  if (e.kind === 'load') return !written.has(e.array);
  if (e.kind === 'unary' || e.kind === 'binary') return exprReads(e).every((n) => env.vars.get(n) !== 'f64');
  return false;
}

function countAssigns(body: Stmt[], n: string): number {
  let c = 0;
  forEachStmt(body, (s) => { if (stmtWrites(s).includes(n)) c++; });
  return c;
}

/** The loop's indices as an inclusive range. */
function range(loop: For): { lo: Bound; hi: Bound } {
  if (loop.step === 1) return { lo: { atom: loop.start, off: 0 }, hi: { atom: loop.end, off: loop.inclusive ? 0 : -1 } };
  return { lo: { atom: loop.end, off: loop.inclusive ? 0 : 1 }, hi: { atom: loop.start, off: 0 } };
}

/** `b` as `j + off` (the inner loop's last index following the outer index), if it is. */
function following(b: Bound, j: string, defs: Map<string, Assign>, once: (n: string) => boolean): { off: number } | undefined {
  if (b.atom.kind !== 'var') return undefined;
  if (b.atom.name === j) return { off: b.off };
  if (!once(b.atom.name)) return undefined;
  const e = defs.get(b.atom.name)!.expr;
  if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-') || e.left.kind !== 'var' || e.left.name !== j || e.right.kind !== 'const') return undefined;
  return { off: b.off + (e.op === '+' ? e.right.value : -e.right.value) };
}

/**
 * How far the index atom `a` moves when `x` grows by one, if it is affine in x
 * with a constant step (0: it does not depend on x); undefined otherwise.
 * Values assigned in the nest are followed through `defs`.
 */
function stride(a: Atom, x: string, defs: Map<string, Expr>, nest: Set<string>, j: string, l: string): number | undefined {
  const seen = new Map<string, number | undefined>();
  const atom = (a: Atom): number | undefined => {
    if (a.kind === 'const') return 0;
    if (a.name === x) return 1;
    if (a.name === j || a.name === l) return 0;
    if (seen.has(a.name)) return seen.get(a.name);
    const e = defs.get(a.name);
    const r = e ? expr(e) : nest.has(a.name) ? undefined : 0;
    seen.set(a.name, r);
    return r;
  };
  const expr = (e: Expr): number | undefined => {
    switch (e.kind) {
      case 'atom': return atom(e.value);
      case 'unary': { const c = atom(e.arg); return e.op === 'neg' && c !== undefined ? -c : c === 0 ? 0 : e.op === 'toInt' ? c : undefined; }
      case 'binary': {
        const p = atom(e.left), q = atom(e.right);
        if (p === undefined || q === undefined) return undefined;
        if (e.op === '+') return p + q;
        if (e.op === '-') return p - q;
        if (p === 0 && q === 0) return 0;
        if (e.op === '*' && q === 0 && e.right.kind === 'const') return p * e.right.value;
        if (e.op === '*' && p === 0 && e.left.kind === 'const') return q * e.left.value;
        return undefined;
      }
      case 'load': return atom(e.index) === 0 ? 0 : undefined;
      default: return exprReads(e).every((n) => atom(v(n)) === 0) ? 0 : undefined;
    }
  };
  return atom(a);
}

/** An atom for `b`, computing `atom + off` into a new integer where needed (statements go to `out`). */
function atomOf(b: Bound, hint: string, env: Env, out: Stmt[]): Atom {
  if (b.off === 0) return b.atom;
  if (b.atom.kind === 'const') return i32(b.atom.value + b.off);
  const t = env.namer.fresh(hint);
  env.vars.set(t, 'i32');
  out.push({ kind: 'assign', target: t, expr: { kind: 'binary', op: b.off > 0 ? '+' : '-', left: b.atom, right: i32(Math.abs(b.off)) } });
  return v(t);
}

/** A forward loop header over `first … last` (inclusive); the first index's statement goes to `pre` if given. */
function header(index: string, first: Bound, last: Bound, env: Env, before: Stmt[], pre: Stmt[] = before): Pick<For, 'index' | 'start' | 'end' | 'step' | 'inclusive'> {
  const start = atomOf(first, `${index}_first`, env, pre);
  // `i < n` reads better than `i <= n - 1`.
  const end = last.off === -1 ? last.atom : atomOf(last, `${index}_last`, env, before);
  return { index, start, end, step: 1, inclusive: last.off !== -1 };
}

/** `last = n - 1` read as `n - 1`, so that the loop reads `j < n`, when n is fixed for the whole call. */
function plainer(b: Bound, env: Env, fixedAtTop: (name: string) => boolean): Bound {
  if (b.atom.kind !== 'var' || b.off !== 0 || !fixedAtTop(b.atom.name)) return b;
  const def = defOf(b.atom.name, env);
  if (def?.kind !== 'binary' || def.op !== '-' || def.left.kind !== 'var' || def.right.kind !== 'const' || def.right.value !== 1
    || !fixedAtTop(def.left.name) || env.vars.get(def.left.name) !== 'i32') return b;
  return { atom: def.left, off: -1 };
}

/**
 * The length of an array indexed by the outer loop (its last index + 1, at
 * least 0), computed from values fixed at the top of the function: the
 * allocation goes there.
 */
function sizeOf(hi: Bound, env: Env, fixedAtTop: (name: string) => boolean, out: Stmt[]): Atom | undefined {
  let { atom, off } = hi;
  off += 1;
  if (atom.kind === 'const') return i32(Math.max(atom.value + off, 0));
  // `last = n - 1`: the length is n.
  const def = defOf(atom.name, env);
  if (def?.kind === 'binary' && (def.op === '-' || def.op === '+') && def.left.kind === 'var' && def.right.kind === 'const'
    && fixedAtTop(def.left.name) && env.vars.get(def.left.name) === 'i32') {
    off += def.op === '+' ? def.right.value : -def.right.value;
    atom = def.left;
  }
  if (atom.kind === 'var' && !fixedAtTop(atom.name)) return undefined;
  // Computed as reverse mode sizes its loop arrays (ceil(max(n, 0))), so that cse finds one length for both.
  const n = atomOf({ atom, off }, 'size', env, out);
  const span = env.namer.fresh('span'), trips = env.namer.fresh('trips'), length = env.namer.fresh('trips_int');
  env.vars.set(span, 'f64');
  env.vars.set(trips, 'f64');
  env.vars.set(length, 'i32');
  out.push({ kind: 'assign', target: span, expr: { kind: 'prim', name: 'Math.max', args: [n, f64(0)] } });
  out.push({ kind: 'assign', target: trips, expr: { kind: 'prim', name: 'Math.ceil', args: [v(span)] } });
  out.push({ kind: 'assign', target: length, expr: { kind: 'unary', op: 'toInt', arg: v(trips) } });
  return v(length);
}

/** The expression of a variable assigned once in the whole function. */
function defOf(name: string, env: Env): Expr | undefined {
  if (env.writes.get(name) !== 1) return undefined;
  let e: Expr | undefined;
  forEachStmt(env.fn.body, (s) => { if (s.kind === 'assign' && s.target === name) e = s.expr; });
  return e;
}
