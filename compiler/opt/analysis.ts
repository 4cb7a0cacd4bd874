// Analyses shared by the passes, computed over the structured IR directly
// (no control-flow graph): the structure of `if`, `for` and `while` is the
// graph, and loops are solved by iterating their bodies to a fixpoint.
//
// - `aliases`: which array names may denote the same Float64Array (`b = a`,
//   an array returned by a call or primitive that was given arrays, and an
//   array popped from the tape with what was pushed in its slot).
// - `moduleEffects`: which array parameters each function of a module may
//   write (vjp functions accumulate into their array adjoints, `dx`).
//   Without it, a call is assumed to write every array it is given.
// - `liveness`: strong liveness (faint-variable analysis). An assignment to a
//   dead variable does not make its operands live, so loop-carried values
//   that nothing outside the loop reads (`s = s + x[i]` with `s` unused)
//   are dead too. Array contents are live while any alias of the array is.
//   Live-after sets are recorded per statement (by object identity).
// - `forwardRewrite`: a forward walk that carries a pass's facts ("a is a
//   copy of b", "t holds x * y") through blocks, killing them conservatively
//   at branches and loops. Copy propagation, CSE and constant folding use it.
//
// Guarantees: liveness is a least fixpoint, so everything reported dead is
// dead on every path; forwardRewrite only hands a visitor facts that hold on
// every path to the statement being visited.
import type { Atom, Expr, IrFunction, IrModule, Stmt } from '../ir/nodes.js';
import { assertNever } from '../ir/nodes.js';
import { assignedIn, exprReads, forEachStmt, storedIn as storedInBlock } from '../ir/walk.js';

// ---- array aliases ----------------------------------------------------------

export type Aliases = (name: string) => string[];

/** Alias classes of array variables (union–find over copies and array-returning calls). */
export function aliases(fn: IrFunction): Aliases {
  const parent = new Map<string, string>();
  const find = (n: string): string => {
    let p = parent.get(n) ?? n;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    return p;
  };
  const union = (a: string, b: string) => { const ra = find(a), rb = find(b); if (ra !== rb) parent.set(ra, rb); };
  const isArray = (n: string) => fn.vars.get(n) === 'f64[]';
  const arrayArgs = (as: Atom[]) => as.flatMap((a) => (a.kind === 'var' && isArray(a.name) ? [a.name] : []));
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'assign' && isArray(s.target)) {
      const e = s.expr;
      if (e.kind === 'atom' && e.value.kind === 'var') union(s.target, e.value.name);
      if (e.kind === 'call' || e.kind === 'prim') for (const a of arrayArgs(e.args)) union(s.target, a);
    }
    if (s.kind === 'multi') for (const t of s.targets.filter(isArray)) for (const a of arrayArgs(s.args)) union(t, a);
  });
  // An array popped from the tape is the array that was pushed with the same slot.
  const pushed = new Map<number, string[]>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'push' && s.value.kind === 'var' && isArray(s.value.name)) pushed.set(s.slot, [...(pushed.get(s.slot) ?? []), s.value.name]);
  });
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'assign' && s.expr.kind === 'pop' && isArray(s.target)) for (const a of pushed.get(s.expr.slot) ?? []) union(s.target, a);
  });
  const classes = new Map<string, string[]>();
  for (const n of parent.keys()) {
    const r = find(n);
    if (!classes.has(r)) classes.set(r, [r]);
    if (n !== r) classes.get(r)!.push(n);
  }
  return (name) => classes.get(find(name)) ?? [name];
}

// ---- effects of calls on arrays -------------------------------------------------

/** What the passes know about the module around a function. */
export interface PassContext {
  /** Indices of the parameters a function may write; undefined if unknown (then: every array argument). */
  writes?(callee: string): ReadonlySet<number> | undefined;
}

/** Which array parameters each function may write, directly or through its callees (a fixpoint). */
export function moduleEffects(m: IrModule): PassContext {
  const table = new Map<string, Set<number>>(m.functions.map((f) => [f.name, new Set<number>()]));
  for (let changed = true; changed;) {
    changed = false;
    for (const f of m.functions) {
      const alias = aliases(f);
      const ctx: PassContext = { writes: (c) => table.get(c) };
      const written = new Set<string>();
      forEachStmt(f.body, (s) => { for (const a of writtenArrays(s, f, ctx)) for (const n of alias(a)) written.add(n); });
      const mine = table.get(f.name)!;
      f.params.forEach((p, i) => { if (written.has(p.name) && !mine.has(i)) { mine.add(i); changed = true; } });
    }
  }
  return { writes: (c) => table.get(c) };
}

/** Arrays a statement (without blocks) may write: a store's array, the arrays a call may write. */
export function writtenArrays(s: Stmt, fn: IrFunction, ctx: PassContext = {}): string[] {
  if (s.kind === 'store') return [s.array];
  const call = s.kind === 'multi' ? s : s.kind === 'assign' && s.expr.kind === 'call' ? s.expr : undefined;
  if (!call) return NONE;
  const known = ctx.writes?.(call.callee);
  const out: string[] = [];
  call.args.forEach((a, i) => {
    if (a.kind === 'var' && fn.vars.get(a.name) === 'f64[]' && (!known || known.has(i))) out.push(a.name);
  });
  return out;
}

const NONE: string[] = [];

/** Arrays written anywhere in a block. */
export function writtenIn(body: Stmt[], fn: IrFunction, ctx: PassContext = {}): Set<string> {
  const out = new Set<string>();
  forEachStmt(body, (s) => { for (const a of writtenArrays(s, fn, ctx)) out.add(a); });
  return out;
}

// ---- liveness -----------------------------------------------------------------

export interface Liveness {
  /** Variables live right after each statement. */
  after: Map<Stmt, ReadonlySet<string>>;
  /** Variables live at the function's entry. */
  entry: ReadonlySet<string>;
  /** True if the statement has no effect on anything live (the assumption the analysis made). */
  isDead(s: Stmt): boolean;
}

interface Jumps { brk: Set<string>; cont: Set<string> }

/** Atoms' variable names. */
export const atomNames = (as: Atom[]): string[] => as.flatMap((a) => (a.kind === 'var' ? [a.name] : []));

/** Expressions whose only effect is their value (pops are tape traffic, removed in pairs only). */
export function removable(e: Expr): boolean {
  return e.kind !== 'pop';
}

/**
 * Strong liveness (the default) lets a dead statement's reads die with it;
 * use it only when the dead statements are removed in the same step. Weak
 * liveness (`strong: false`) counts every read, for rewrites that leave the
 * rest of the function as it is.
 */
export function liveness(fn: IrFunction, { strong = true, ctx = {} as PassContext } = {}): Liveness {
  const alias = aliases(fn);
  // Array parameters are the caller's: what is written into them stays visible after the return.
  const arrayParams = fn.params.filter((p) => p.type === 'f64[]').map((p) => p.name);
  const after = new Map<Stmt, ReadonlySet<string>>();
  // An array pushed on the tape is read later under another name (the pop's target, which may not be
  // assigned yet): its contents count as live throughout.
  const taped = new Set<string>();
  forEachStmt(fn.body, (s) => { if (s.kind === 'push' && s.value.kind === 'var' && fn.vars.get(s.value.name) === 'f64[]') for (const n of alias(s.value.name)) taped.add(n); });
  const anyLive = (name: string, live: ReadonlySet<string>) => taped.has(name) || alias(name).some((n) => live.has(n));
  const writes = new Map<Stmt, string[]>();
  const written = (s: Stmt) => { let w = writes.get(s); if (!w) { w = writtenArrays(s, fn, ctx); writes.set(s, w); } return w; };
  const dead = (s: Stmt, live: ReadonlySet<string>): boolean => {
    if (!strong) return false;
    // Writing into an array that is read later is an effect (generated VJPs accumulate into their array arguments).
    if (written(s).some((a) => anyLive(a, live))) return false;
    switch (s.kind) {
      case 'assign': return removable(s.expr) && !anyLive(s.target, live);
      case 'multi': return !s.targets.some((t) => anyLive(t, live));
      case 'store': return true;
      default: return false;
    }
  };
  const block = (body: Stmt[], out: Set<string>, j: Jumps): Set<string> => {
    let live = out;
    for (let i = body.length - 1; i >= 0; i--) {
      after.set(body[i], live);
      live = stmt(body[i], live, j);
    }
    return live;
  };
  const stmt = (s: Stmt, out: Set<string>, j: Jumps): Set<string> => {
    switch (s.kind) {
      case 'assign': case 'multi': case 'store': {
        if (dead(s, out)) return out;
        const r = new Set(out);
        if (s.kind === 'assign') { r.delete(s.target); for (const n of exprReads(s.expr)) r.add(n); }
        if (s.kind === 'multi') { for (const t of s.targets) r.delete(t); for (const n of atomNames(s.args)) r.add(n); }
        // A written array keeps its earlier contents (a store writes one element; a callee accumulates).
        for (const a of written(s)) r.add(a);
        if (s.kind === 'store') for (const n of [s.array, ...atomNames([s.index, s.value])]) r.add(n);
        return r;
      }
      case 'push': return union(out, atomNames([s.value]));
      // Array parameters are the caller's: what is stored into them stays visible after the return.
      case 'return': return new Set([...atomNames(s.values), ...arrayParams]);
      case 'break': return j.brk;
      case 'continue': return j.cont;
      case 'comment': return out;
      case 'if': {
        const r = union(block(s.then, out, j), [...block(s.else, out, j)]);
        return union(r, atomNames([s.cond]));
      }
      case 'for': {
        let head = out;
        for (;;) {
          const bodyIn = block(s.body, head, { brk: out, cont: head });
          const next = union(out, [...bodyIn]);
          if (sameSet(next, head)) break;
          head = next;
        }
        const r = new Set(head);
        r.delete(s.index);
        return union(r, atomNames([s.start, s.end]));
      }
      case 'while': {
        let head = new Set<string>();
        for (;;) {
          const updIn = block(s.update, head, { brk: out, cont: head });
          const bodyIn = block(s.body, updIn, { brk: out, cont: updIn });
          const afterTest = union(union(out, [...bodyIn]), atomNames([s.cond]));
          const testIn = block(s.test, afterTest, { brk: out, cont: head });
          if (sameSet(testIn, head)) break;
          head = union(head, [...testIn]);
        }
        return head;
      }
      default: return assertNever(s, 'statement');
    }
  };
  const none = new Set<string>(arrayParams);
  const entry = block(fn.body, none, { brk: none, cont: none });
  const isDead = (s: Stmt) => { const l = after.get(s); return l !== undefined && (strong ? dead(s, l) : false); };
  return { after, entry, isDead };
}

function union(a: ReadonlySet<string>, b: Iterable<string>): Set<string> {
  const r = new Set(a);
  for (const x of b) r.add(x);
  return r;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

// ---- forward facts --------------------------------------------------------------

/**
 * A pass's view of the forward walk: rewrite simple statements and atoms
 * under the current facts, and drop facts when names or arrays change.
 */
export interface ForwardVisitor<S> {
  /** Rewrites a statement without blocks (assign, multi, store, push, return, ...) and updates the facts; undefined drops it. */
  simple(s: Stmt, state: S): Stmt | undefined;
  /** Rewrites an atom read by a compound statement (a condition, a loop bound). */
  atom(a: Atom, state: S): Atom;
  clone(state: S): S;
  /** Forgets facts that depend on these names (assigned) or on these arrays' contents (stored). */
  kill(state: S, names: ReadonlySet<string>, arrays: ReadonlySet<string>): void;
  /** Arrays written in a block (default: stored into). */
  written?(body: Stmt[]): Set<string>;
}

/**
 * Walks a block forward. Facts flow into nested blocks; what a branch or a
 * loop learns stays inside it; after it, the facts from before survive minus
 * those killed anywhere inside. A loop body starts from the facts that hold
 * on entry and are not killed anywhere in the loop, so they hold in every
 * iteration.
 */
export function forwardRewrite<S>(body: Stmt[], state: S, v: ForwardVisitor<S>): Stmt[] {
  return body.flatMap((s) => forwardStmt(s, state, v) ?? []);
}

function forwardStmt<S>(s: Stmt, state: S, v: ForwardVisitor<S>): Stmt | undefined {
  const storedIn = (b: Stmt[]) => (v.written ? v.written(b) : storedInBlock(b));
  switch (s.kind) {
    case 'if': {
      const cond = v.atom(s.cond, state);
      const thenB = forwardRewrite(s.then, v.clone(state), v);
      const elseB = forwardRewrite(s.else, v.clone(state), v);
      const both = [...s.then, ...s.else];
      v.kill(state, assignedIn(both), storedIn(both));
      return { ...s, cond, then: thenB, else: elseB };
    }
    case 'for': {
      const names = assignedIn(s.body);
      names.add(s.index);
      // The bounds must stay unassigned in the body (emitters may re-read the end each iteration).
      const bound = (a: Atom) => { const b = v.atom(a, state); return b.kind === 'var' && names.has(b.name) ? a : b; };
      const start = bound(s.start);
      const end = bound(s.end);
      v.kill(state, names, storedIn(s.body));
      const body = forwardRewrite(s.body, v.clone(state), v);
      return { ...s, start, end, body };
    }
    case 'while': {
      const all = [...s.test, ...s.body, ...s.update];
      v.kill(state, assignedIn(all), storedIn(all));
      const inner = v.clone(state);
      const test = forwardRewrite(s.test, inner, v);
      const cond = v.atom(s.cond, inner);
      const body = forwardRewrite(s.body, inner, v);
      // `continue` lands in update from anywhere in the body: only loop-wide facts hold there.
      const update = forwardRewrite(s.update, v.clone(state), v);
      return { ...s, test, cond, body, update };
    }
    default:
      return v.simple(s, state);
  }
}

// ---- rewriting reads ----------------------------------------------------------------

/** Rewrites what a statement without blocks reads: its atoms, and the arrays it loads from or stores into. */
export function mapReads(s: Stmt, atom: (a: Atom) => Atom, array: (name: string) => string = (n) => n): Stmt {
  switch (s.kind) {
    case 'assign': return { ...s, expr: mapExprReads(s.expr, atom, array) };
    case 'multi': return { ...s, args: s.args.map(atom) };
    case 'store': return { ...s, array: array(s.array), index: atom(s.index), value: atom(s.value) };
    case 'return': return { ...s, values: s.values.map(atom) };
    case 'push': return { ...s, value: atom(s.value) };
    default: return s;
  }
}

export function mapExprReads(e: Expr, atom: (a: Atom) => Atom, array: (name: string) => string = (n) => n): Expr {
  switch (e.kind) {
    case 'atom': return { ...e, value: atom(e.value) };
    case 'unary': return { ...e, arg: atom(e.arg) };
    case 'binary': return { ...e, left: atom(e.left), right: atom(e.right) };
    case 'prim': case 'call': return { ...e, args: e.args.map(atom) };
    case 'load': return { ...e, array: array(e.array), index: atom(e.index) };
    case 'length': return { ...e, array: array(e.array) };
    case 'alloc': return { ...e, length: atom(e.length) };
    case 'pop': return e;
    default: return assertNever(e, 'expression');
  }
}

/** The number of statements in a block, nested ones included (comments excluded). */
export function countStmts(body: Stmt[]): number {
  let n = 0;
  forEachStmt(body, (s) => { if (s.kind !== 'comment') n++; });
  return n;
}
