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
//   Live-after sets are recorded per statement (by object identity), as
//   persistent sets that share what they have in common.
// - `forwardRewrite`: a forward walk that carries a pass's facts ("a is a
//   copy of b", "t holds x * y") through blocks, killing them conservatively
//   at branches and loops. Copy propagation, CSE and constant folding use it.
//   The facts (`Facts`) are indexed by what they depend on, and a branch
//   undoes its changes instead of copying the table.
//
// Cost: each is linear in the function's size (times loop nesting for the
// fixpoints), so long functions stay cheap; nothing copies a set or table
// per statement.
//
// Guarantees: liveness is a least fixpoint, so everything reported dead is
// dead on every path; forwardRewrite only hands a visitor facts that hold on
// every path to the statement being visited.
import type { Atom, Expr, IrFunction, IrModule, Stmt, Type } from '../ir/nodes.js';
import { arrayRuleByName } from '../rules/index.js';
import { assertNever } from '../ir/nodes.js';
import { exprReads, forEachStmt, stmtWrites, WriteIndex } from '../ir/walk.js';

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
  /** The names of the module's functions (which a local must not shadow). */
  functions?: ReadonlySet<string>;
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
  return { writes: (c) => table.get(c), functions: new Set(m.functions.map((f) => f.name)) };
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

/** A set of names (what `Liveness` reports). */
export interface NameSet { has(name: string): boolean }

export interface Liveness {
  /** Variables live right after each statement. */
  after: { get(s: Stmt): NameSet | undefined };
  /** Variables live at the function's entry. */
  entry: ReadonlySet<string>;
  /** True if the statement has no effect on anything live (the assumption the analysis made). */
  isDead(s: Stmt): boolean;
}

interface Jumps { brk: Bits; cont: Bits }

/** Atoms' variable names. */
export const atomNames = (as: Atom[]): string[] => as.flatMap((a) => (a.kind === 'var' ? [a.name] : []));

/**
 * Expressions whose only effect is their value: not pops (tape traffic, removed in pairs
 * only), nor np operations that may refuse their arguments (`np.dot(x, y)` throws when the
 * lengths differ, also where its value is not needed: the error is what the function does).
 */
export function removable(e: Expr, vars?: ReadonlyMap<string, Type>): boolean {
  if (e.kind === 'pop') return false;
  if (e.kind !== 'prim' || !vars) return true;
  const refuses = arrayRuleByName.get(e.name)?.refuses;
  if (refuses === 'values') return false;
  // Lengths can differ only between two different arrays.
  if (refuses === 'lengths') return new Set(e.args.flatMap((a) => (a.kind === 'var' && vars.get(a.name) === 'f64[]' ? [a.name] : []))).size < 2;
  return true;
}

/**
 * Strong liveness (the default) lets a dead statement's reads die with it;
 * use it only when the dead statements are removed in the same step. Weak
 * liveness (`strong: false`) counts every read, for rewrites that leave the
 * rest of the function as it is. Weak liveness may be asked about `only`
 * some names (the others then never count as live): each name's liveness
 * is then independent of the others', and tracking few is cheaper.
 *
 * The live sets are persistent (a statement's set shares all but what it
 * changes with its neighbours'), so recording one per statement costs a
 * few words, not a copy of everything live: linear in the function's
 * length, where copying sets was quadratic.
 */
export function liveness(fn: IrFunction, { strong = true, ctx = {} as PassContext, only, idle }: {
  strong?: boolean; ctx?: PassContext; only?: Iterable<string>;
  /** Tape slots taken to be unused (strong liveness only): their pushes read nothing, their pops are dead. */
  idle?: ReadonlySet<number>;
} = {}): Liveness {
  // (Aliases matter only to strong liveness: whether a write into an array is dead.)
  const alias = strong ? aliases(fn) : (n: string) => [n];
  const tracked = only && !strong ? new Set(only) : undefined;
  // Every variable is in fn.vars (room is left for a few that are not); -1 for a name not tracked.
  const names = new NameIds();
  for (const n of tracked ?? fn.vars.keys()) names.id(n);
  const B = new BitTrie(2 * names.size + 64);
  const id = (n: string) => (tracked ? names.get(n) ?? -1 : names.id(n));
  const addAll = (set: Bits, ns: Iterable<string>): Bits => {
    for (const n of ns) { const k = id(n); if (k >= 0) set = B.add(set, k); }
    return set;
  };
  // Array parameters are the caller's: what is written into them stays visible after the return.
  const arrayParams = fn.params.filter((p) => p.type === 'f64[]').map((p) => p.name);
  // An array pushed on the tape is read later under another name (the pop's target, which may not be
  // assigned yet): its contents count as live throughout.
  const taped = new Set<string>();
  if (strong) forEachStmt(fn.body, (s) => { if (s.kind === 'push' && s.value.kind === 'var' && fn.vars.get(s.value.name) === 'f64[]') for (const n of alias(s.value.name)) taped.add(n); });
  const arrays: boolean[] = [];
  for (const [n, t] of fn.vars) if (t === 'f64[]') arrays[id(n)] = true;
  const anyLive = (name: string, live: Bits) => {
    const k = id(name);
    return arrays[k] ? taped.has(name) || alias(name).some((n) => B.has(live, id(n))) : B.has(live, k);
  };
  const written = (s: Stmt) => writtenArrays(s, fn, ctx);
  const dead = (s: Stmt, live: Bits): boolean => {
    if (!strong) return false;
    // Writing into an array that is read later is an effect (generated VJPs accumulate into their array arguments).
    if (written(s).some((a) => anyLive(a, live))) return false;
    switch (s.kind) {
      case 'assign': return s.expr.kind === 'pop' ? !!idle?.has(s.expr.slot) : removable(s.expr, fn.vars) && !anyLive(s.target, live);
      case 'multi': return !s.targets.some((t) => anyLive(t, live));
      case 'store': return true;
      case 'push': return !!idle?.has(s.slot);
      default: return false;
    }
  };
  const afterBits = new Map<Stmt, Bits>();
  const block = (body: Stmt[], out: Bits, j: Jumps): Bits => {
    let live = out;
    for (let i = body.length - 1; i >= 0; i--) {
      afterBits.set(body[i], live);
      live = stmt(body[i], live, j);
    }
    return live;
  };
  const stmt = (s: Stmt, out: Bits, j: Jumps): Bits => {
    switch (s.kind) {
      case 'assign': case 'multi': case 'store': {
        if (dead(s, out)) return out;
        let r = out;
        if (s.kind === 'assign') { r = B.remove(r, id(s.target)); r = addAll(r, exprReads(s.expr)); }
        if (s.kind === 'multi') { for (const t of s.targets) r = B.remove(r, id(t)); r = addAll(r, atomNames(s.args)); }
        // A written array keeps its earlier contents (a store writes one element; a callee accumulates).
        r = addAll(r, written(s));
        if (s.kind === 'store') r = addAll(r, [s.array, ...atomNames([s.index, s.value])]);
        return r;
      }
      case 'push': return dead(s, out) ? out : addAll(out, atomNames([s.value]));
      // Array parameters are the caller's: what is stored into them stays visible after the return.
      case 'return': return addAll(EMPTY, [...atomNames(s.values), ...arrayParams]);
      case 'break': return j.brk;
      case 'continue': return j.cont;
      case 'comment': return out;
      case 'if': {
        const r = B.union(block(s.then, out, j), block(s.else, out, j));
        return addAll(r, atomNames([s.cond]));
      }
      case 'for': {
        let head = out;
        for (;;) {
          const bodyIn = block(s.body, head, { brk: out, cont: head });
          const next = B.union(out, bodyIn);
          if (B.equal(next, head)) break;
          head = next;
        }
        return addAll(B.remove(head, id(s.index)), atomNames([s.start, s.end]));
      }
      case 'while': {
        let head: Bits = EMPTY;
        for (;;) {
          const updIn = block(s.update, head, { brk: out, cont: head });
          const bodyIn = block(s.body, updIn, { brk: out, cont: updIn });
          const afterTest = addAll(B.union(out, bodyIn), atomNames([s.cond]));
          const testIn = block(s.test, afterTest, { brk: out, cont: head });
          if (B.equal(testIn, head)) break;
          head = B.union(head, testIn);
        }
        return head;
      }
      default: return assertNever(s, 'statement');
    }
  };
  const none = addAll(EMPTY, arrayParams);
  const entryBits = block(fn.body, none, { brk: none, cont: none });
  const view = (bits: Bits): NameSet => ({ has: (n) => { const k = names.get(n); return k !== undefined && B.has(bits, k); } });
  const after = { get: (s: Stmt) => { const bits = afterBits.get(s); return bits === undefined ? undefined : view(bits); } };
  const entry = new Set<string>();
  B.forEach(entryBits, (k) => entry.add(names.name(k)));
  const isDead = (s: Stmt) => { const l = afterBits.get(s); return l !== undefined && (strong ? dead(s, l) : false); };
  return { after, entry, isDead };
}

// ---- persistent sets of small integers ---------------------------------------------

/** Names numbered from 0, for the bit sets. */
class NameIds {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  get size(): number { return this.names.length; }
  id(n: string): number {
    let k = this.ids.get(n);
    if (k === undefined) { k = this.names.length; this.ids.set(n, k); this.names.push(n); }
    return k;
  }
  get(n: string): number | undefined { return this.ids.get(n); }
  name(k: number): string { return this.names[k]; }
}

/**
 * A persistent set: a trie of 32-way nodes over 32-bit leaf words, never
 * changed once built. Adding or removing copies one path (a few small
 * arrays); the rest is shared, so every version can be kept. Union and
 * equality skip shared subtrees. `EMPTY` (null) is the empty set at every
 * level, and an empty subtree is always null, so equal sets of the same
 * trie compare equal structurally.
 */
type Bits = null | number | Bits[];
const EMPTY: Bits = null;

class BitTrie {
  /** Number of node levels above the leaf words. */
  private readonly depth: number;

  /** Room for `capacity` ids (ids at or past it are never members). */
  constructor(private readonly capacity: number) {
    let depth = 0;
    for (let room = 32; room < capacity; room *= 32) depth++;
    this.depth = depth;
  }

  has(set: Bits, k: number): boolean {
    if (k < 0 || k >= this.capacity) return false;
    let node = set;
    for (let level = this.depth; level > 0; level--) {
      if (node === null) return false;
      node = (node as Bits[])[(k >>> (5 * level)) & 31];
    }
    return node !== null && ((node as number) & (1 << (k & 31))) !== 0;
  }

  add(set: Bits, k: number): Bits {
    if (k >= this.capacity) throw new Error(`internal error: name #${k} outside the live-set universe`);
    return this.put(set, k, this.depth, true);
  }

  remove(set: Bits, k: number): Bits {
    if (k < 0 || k >= this.capacity) return set;
    return this.put(set, k, this.depth, false);
  }

  private put(node: Bits, k: number, level: number, on: boolean): Bits {
    if (level === 0) {
      const word = (node as number | null) ?? 0;
      const next = on ? (word | (1 << (k & 31))) : (word & ~(1 << (k & 31)));
      return next === word ? node : next === 0 ? null : next;
    }
    const i = (k >>> (5 * level)) & 31;
    const children = node as Bits[] | null;
    const child = children ? children[i] : null;
    if (!on && child === null) return node;
    const next = this.put(child, k, level - 1, on);
    if (next === child) return node;
    const copy = children ? children.slice() : new Array<Bits>(32).fill(null);
    copy[i] = next;
    return next === null && copy.every((c) => c === null) ? null : copy;
  }

  union(a: Bits, b: Bits): Bits {
    return this.merge(a, b, this.depth);
  }

  private merge(a: Bits, b: Bits, level: number): Bits {
    if (a === b || b === null) return a;
    if (a === null) return b;
    if (level === 0) {
      const word = (a as number) | (b as number);
      return word === a ? a : word === b ? b : word;
    }
    const ca = a as Bits[], cb = b as Bits[];
    let out: Bits[] | undefined;
    for (let i = 0; i < 32; i++) {
      const m = this.merge(ca[i], cb[i], level - 1);
      if (m !== ca[i]) { out ??= ca.slice(); out[i] = m; }
    }
    return out ?? a;
  }

  equal(a: Bits, b: Bits, level = this.depth): boolean {
    if (a === b) return true;
    if (a === null || b === null || level === 0) return false;
    const ca = a as Bits[], cb = b as Bits[];
    for (let i = 0; i < 32; i++) if (!this.equal(ca[i], cb[i], level - 1)) return false;
    return true;
  }

  forEach(set: Bits, f: (k: number) => void, level = this.depth, base = 0): void {
    if (set === null) return;
    if (level === 0) {
      for (let bit = 0; bit < 32; bit++) if ((set as number) & (1 << bit)) f(base + bit);
      return;
    }
    (set as Bits[]).forEach((c, i) => this.forEach(c, f, level - 1, base + i * 32 ** level));
  }
}

// ---- forward facts --------------------------------------------------------------

interface Fact<V> { value: V; deps: readonly string[]; arrays: readonly string[] }

/**
 * What a forward walk knows: facts by key, each valid while none of the
 * names it depends on is assigned and none of the arrays it depends on is
 * written. Indexed by those names and arrays, so forgetting what an
 * assignment invalidates costs what it removes, not the size of the table.
 * `scope` runs a nested walk (a branch, a loop body) and then undoes every
 * change it made, instead of copying the table.
 *
 * Nothing is ever deleted from the maps (a removed fact leaves `undefined`,
 * an index list is emptied, stale entries are skipped): V8 keeps deleted
 * entries of a Map in their hash chains until it grows, so deleting and
 * re-adding the same key (`s` assigned 5,000 times) makes every lookup of
 * it slower than the last.
 */
export class Facts<V> {
  private readonly table = new Map<string, Fact<V> | undefined>();
  /** Keys of the facts that depend on a name (or an array); may also hold keys whose fact no longer does. */
  private readonly byName = new Map<string, string[]>();
  private readonly byArray = new Map<string, string[]>();
  /** Changes to undo when the innermost scope ends: a key and the fact it had before. */
  private readonly trail: [string, Fact<V> | undefined][] = [];
  private scopes = 0;
  /** How many index lists are not empty. */
  private listed = 0;

  get(key: string): V | undefined {
    return this.table.get(key)?.value;
  }

  /** Records a fact (replacing the key's old one), valid until a name in `deps` is assigned or an array in `arrays` written. */
  set(key: string, value: V, deps: readonly string[], arrays: readonly string[] = []): void {
    this.record(key);
    this.link(key, { value, deps, arrays });
  }

  delete(key: string): void {
    if (!this.table.get(key)) return;
    this.record(key);
    this.table.set(key, undefined);
  }

  /** Forgets the facts that depend on these names. */
  kill(names: Iterable<string>): void {
    for (const n of names) this.sweep(this.byName.get(n), (f) => f.deps.includes(n));
  }

  /** Forgets the facts that depend on these arrays' contents. */
  killArrays(arrays: Iterable<string>): void {
    for (const a of arrays) this.sweep(this.byArray.get(a), (f) => f.arrays.includes(a));
  }

  /** At least how many names and arrays facts depend on (what `killWhere` tests). */
  get dependencies(): number {
    return this.listed;
  }

  /** Forgets the facts that depend on a name or an array the tests accept. */
  killWhere(name: (n: string) => boolean, array: (a: string) => boolean): void {
    const names: string[] = [], arrays: string[] = [];
    for (const [n, keys] of this.byName) if (keys.length && name(n)) names.push(n);
    for (const [a, keys] of this.byArray) if (keys.length && array(a)) arrays.push(a);
    this.kill(names);
    this.killArrays(arrays);
  }

  /** Runs `f`, then restores the facts as they were before it. */
  scope<T>(f: () => T): T {
    const mark = this.trail.length;
    this.scopes++;
    try {
      return f();
    } finally {
      this.scopes--;
      while (this.trail.length > mark) {
        const [key, old] = this.trail.pop()!;
        if (old) this.link(key, old); else this.table.set(key, undefined);
      }
    }
  }

  /** Deletes the listed facts that `depends`, and empties the list (what stays had no business in it). */
  private sweep(keys: string[] | undefined, depends: (f: Fact<V>) => boolean): void {
    if (!keys?.length) return;
    const listed = keys.splice(0);
    this.listed--;
    for (const k of listed) {
      const f = this.table.get(k);
      if (f && depends(f)) this.delete(k);
    }
  }

  private record(key: string): void {
    if (this.scopes) this.trail.push([key, this.table.get(key)]);
  }

  private link(key: string, fact: Fact<V>): void {
    this.table.set(key, fact);
    for (const n of fact.deps) this.list(this.byName, n).push(key);
    for (const a of fact.arrays) this.list(this.byArray, a).push(key);
  }

  /** The index list of k, counted as not empty (a key is about to go in). */
  private list(m: Map<string, string[]>, k: string): string[] {
    let list = m.get(k);
    if (!list) { list = []; m.set(k, list); }
    if (!list.length) this.listed++;
    return list;
  }
}

/**
 * A pass's view of the forward walk: rewrite simple statements and atoms
 * under the current facts, and update the facts.
 */
export interface ForwardVisitor<V> {
  /** Rewrites a statement without blocks (assign, multi, store, push, return, ...) and updates the facts; undefined drops it. */
  simple(s: Stmt, facts: Facts<V>): Stmt | undefined;
  /** Rewrites an atom read by a compound statement (a condition, a loop bound). */
  atom(a: Atom, facts: Facts<V>): Atom;
  /** Arrays a statement without blocks writes (default: the array it stores into); facts depending on them are forgotten. */
  writes?(s: Stmt): Iterable<string>;
}

/**
 * Walks a block forward. Facts flow into nested blocks; what a branch or a
 * loop learns stays inside it; after it, the facts from before survive minus
 * those killed anywhere inside (by an assignment of a name they depend on,
 * or a write into an array they depend on). A loop body starts from the
 * facts that hold on entry and are not killed anywhere in the loop, so they
 * hold in every iteration.
 */
export function forwardRewrite<V>(body: Stmt[], facts: Facts<V>, v: ForwardVisitor<V>): Stmt[] {
  // Where each name is assigned and each array written, to find what a branch or loop kills without
  // collecting its names at every level of nesting. Statements are numbered as the walk meets them.
  // (Built at the first branch or loop: straight-line code needs neither.)
  const arrayWrites = v.writes ?? ((s: Stmt) => (s.kind === 'store' ? [s.array] : []));
  let indexes: { assigned: WriteIndex; written: WriteIndex } | undefined;
  const index = () => (indexes ??= { assigned: new WriteIndex(body), written: new WriteIndex(body, arrayWrites) });
  let next = 0;
  /** Forgets what compound statement k may change (its loop index included). */
  const killIn = (s: Stmt, k: number) => {
    const { assigned, written } = index();
    const to = assigned.end(k);
    if (to - k < facts.dependencies) {
      const names = new Set<string>(), arrays = new Set<string>();
      forEachStmt([s], (x) => { for (const n of stmtWrites(x)) names.add(n); for (const a of arrayWrites(x)) arrays.add(a); });
      facts.kill(names);
      facts.killArrays(arrays);
    } else {
      facts.killWhere((n) => assigned.writes(n, k, to), (a) => written.writes(a, k, to));
    }
  };
  const rewrite = (b: Stmt[]): Stmt[] => {
    const out: Stmt[] = [];
    for (const s of b) {
      const r = step(s, next++);
      if (r) out.push(r);
    }
    return out;
  };
  const step = (s: Stmt, k: number): Stmt | undefined => {
    switch (s.kind) {
      case 'if': {
        const cond = v.atom(s.cond, facts);
        const thenB = facts.scope(() => rewrite(s.then));
        const elseB = facts.scope(() => rewrite(s.else));
        killIn(s, k);
        return { ...s, cond, then: thenB, else: elseB };
      }
      case 'for': {
        // The bounds must stay unassigned in the body (emitters may re-read the end each iteration).
        const { assigned } = index();
        const bound = (a: Atom) => { const b = v.atom(a, facts); return b.kind === 'var' && assigned.writes(b.name, k, assigned.end(k)) ? a : b; };
        const start = bound(s.start);
        const end = bound(s.end);
        killIn(s, k);
        const body = facts.scope(() => rewrite(s.body));
        return { ...s, start, end, body };
      }
      case 'while': {
        killIn(s, k);
        const [test, cond, body] = facts.scope(() => {
          const test = rewrite(s.test);
          const cond = v.atom(s.cond, facts);
          return [test, cond, rewrite(s.body)] as const;
        });
        // `continue` lands in update from anywhere in the body: only loop-wide facts hold there.
        const update = facts.scope(() => rewrite(s.update));
        return { ...s, test, cond, body, update };
      }
      default:
        return v.simple(s, facts);
    }
  };
  return rewrite(body);
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
