// Which counted loops can run two iterations at a time in f64x2 lanes.
//
// A loop qualifies when its body is straight-line code in which every value is
// one of
//   inv  the same in every iteration (constants, values from outside the loop,
//        pure arithmetic on those),
//   idx  the loop index plus an invariant offset (an i32 used only to index),
//   vec  one f64 per iteration: a load a[idx], or +, -, *, /, neg and the Math
//        functions that have an f64x2 instruction, applied to vec/inv values,
// stores go to a[idx] (plain or +=), and the only value carried from one
// iteration to the next is a sum `s = s + x` / `s = s - x` that nothing else in
// the body reads. An array written by the loop may be read only at the same
// index expression it is written at, unless the loop only adds into it (`+=`
// at any offsets, never read), as adjoint loops do. Anything else (calls, the tape, branches,
// nested loops, Math.exp and friends, strided or gathered indices) keeps the
// loop scalar; the reason is reported.
import type { Atom, Expr, IrFunction, Stmt, Type } from '../../ir/nodes.js';
import { assignedIn, forEachStmt, stmtReads, stmtWrites } from '../../ir/walk.js';

export type LaneKind = 'inv' | 'idx' | 'vec';

export type ForStmt = Extract<Stmt, { kind: 'for' }>;

export interface Reduction { target: string; op: '+' | '-'; operand: Atom }

export interface VectorPlan {
  /** The kind of every variable the body assigns (reductions excluded). */
  kinds: Map<string, LaneKind>;
  /** Reductions, keyed by their statement (`s = s + x`, or `t = s + x` when `s = t` follows). */
  reductions: Map<Stmt, Reduction>;
  /** Statements the vector loop leaves out (the `s = t` completing a reduction through a copy). */
  skip: Set<Stmt>;
  /**
   * Arrays the loop adds into at more than one offset (`dx[i] += ..; dx[i + 1] += ..`):
   * their additions are made lane by lane, since a vector read-modify-write that
   * overlaps the previous one stalls the CPU's store forwarding.
   */
  laneStores: Set<string>;
  /**
   * Arrays added into at exactly two neighbouring offsets (`dx[i] += ..; dx[i + 1] += ..`,
   * the adjoint of a stencil), by array: the offset keys. Their contributions are
   * combined in registers and each element is read and written once per lane pair.
   */
  pairStores: Map<string, { k0: string; k1: string }>;
  /** Each idx value's offset from the loop index, as a canonical key ('' for the index itself). */
  offsets: Map<string, string>;
  /** Each idx value's offset from the loop index as a signed sum of invariant atoms (empty for the index itself). */
  terms: Map<string, OffsetTerm[]>;
}

export interface OffsetTerm { sign: 1 | -1; atom: Atom }

export type VectorDecision = { ok: true; plan: VectorPlan } | { ok: false; reason: string };

/** Math functions with an exact f64x2 counterpart (same NaN and -0 behaviour as JS). */
export const VECTOR_PRIMS: Readonly<Record<string, { op: string; arity: number }>> = {
  'Math.sqrt': { op: 'f64x2.sqrt', arity: 1 },
  'Math.abs': { op: 'f64x2.abs', arity: 1 },
  'Math.floor': { op: 'f64x2.floor', arity: 1 },
  'Math.ceil': { op: 'f64x2.ceil', arity: 1 },
  'Math.trunc': { op: 'f64x2.trunc', arity: 1 },
  'Math.min': { op: 'f64x2.min', arity: 2 },
  'Math.max': { op: 'f64x2.max', arity: 2 },
};

export const VECTOR_OPS: Readonly<Record<string, string>> = {
  '+': 'f64x2.add', '-': 'f64x2.sub', '*': 'f64x2.mul', '/': 'f64x2.div',
};

/** How often each name occurs (read, written, or indexed) in a block, nested blocks included. */
export function countUses(body: Stmt[]): Map<string, number> {
  const out = new Map<string, number>();
  forEachStmt(body, (s) => {
    for (const n of [...stmtReads(s), ...stmtWrites(s)]) out.set(n, (out.get(n) ?? 0) + 1);
  });
  return out;
}

/** Classes of array names that may share storage (`b = a` copies a reference). */
export function aliasClasses(fn: IrFunction): (array: string) => string {
  const parent = new Map<string, string>();
  const find = (a: string): string => {
    let r = a;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'assign' && s.expr.kind === 'atom' && s.expr.value.kind === 'var' && fn.vars.get(s.target) === 'f64[]') {
      const a = find(s.target), b = find(s.expr.value.name);
      if (a !== b) parent.set(a, b);
    }
  });
  return find;
}

export interface LoopContext {
  fn: IrFunction;
  aliasOf: (array: string) => string;
}

export function planVectorLoop(loop: ForStmt, ctx: LoopContext): VectorDecision {
  const { fn } = ctx;
  const index = loop.index;
  if (fn.vars.get(index) !== 'i32') return { ok: false, reason: 'the index is not an i32' };
  const inBody = countUses(loop.body);
  const assigned = assignedIn(loop.body);
  let dead: ((v: string) => boolean) | undefined;
  const deadAfter = (v: string) => (dead ??= livenessAfterLoop(fn.body, loop))(v);
  const kinds = new Map<string, LaneKind>();
  const skip = new Set<Stmt>();
  const viaCopy = reductionsThroughCopies(loop.body, fn, inBody);
  /** Canonical invariant offset of idx values from the loop index ('' for the index itself). */
  const offsets = new Map<string, string>([[index, '']]);
  const terms = new Map<string, OffsetTerm[]>([[index, []]]);
  const idxVar = (target: string, from: Atom, offset: string, extra?: OffsetTerm): 'idx' => {
    offsets.set(target, offset);
    terms.set(target, [...terms.get((from as { name: string }).name)!, ...(extra ? [extra] : [])]);
    return 'idx';
  };
  const reductions = new Map<Stmt, Reduction>();
  const accesses: { array: string; key: string | null; store: boolean; accumulate?: boolean }[] = [];
  let vectorWork = false;
  const no = (reason: string): VectorDecision => ({ ok: false, reason });

  const typeOf = (a: Atom): Type => (a.kind === 'const' ? a.type : fn.vars.get(a.name) ?? 'f64');
  const kindOf = (a: Atom): LaneKind | undefined => {
    if (a.kind === 'const') return 'inv';
    if (a.name === index) return 'idx';
    const k = kinds.get(a.name);
    if (k) return k;
    // Assigned in the body but not yet in this iteration: a value from the previous one.
    if (assigned.has(a.name)) return undefined;
    return 'inv';
  };
  const key = (a: Atom) => (a.kind === 'const' ? String(a.value) : a.name);

  /** The kind of an expression's value, or a reason it cannot be vectorised. */
  const classify = (e: Expr, target: string): LaneKind | string => {
    const tt = fn.vars.get(target);
    switch (e.kind) {
      case 'atom': {
        const k = kindOf(e.value);
        if (!k) return `\`${key(e.value)}\` is read before it is assigned in the iteration`;
        if (k === 'idx') {
          if (tt !== 'i32') return 'the loop index is used as a number';
          return idxVar(target, e.value, offsets.get((e.value as { name: string }).name)!);
        }
        return k;
      }
      case 'unary': {
        const k = kindOf(e.arg);
        if (!k) return `\`${key(e.arg)}\` is read before it is assigned in the iteration`;
        if (k === 'inv') return 'inv';
        if (k === 'vec' && e.op === 'neg') return 'vec';
        return k === 'idx' ? 'the loop index is used as a number' : `\`${e.op}\` of a per-iteration value`;
      }
      case 'binary': {
        const kl = kindOf(e.left), kr = kindOf(e.right);
        if (!kl || !kr) {
          const bad = !kl ? e.left : e.right;
          return `\`${key(bad)}\` is read before it is assigned in the iteration`;
        }
        if (kl === 'inv' && kr === 'inv') return 'inv';
        if (tt === 'i32') {
          if (e.op === '+' && kl === 'idx' && kr === 'inv') return idxVar(target, e.left, `${offsetOf(e.left)}+${key(e.right)}`, { sign: 1, atom: e.right });
          if (e.op === '+' && kl === 'inv' && kr === 'idx') return idxVar(target, e.right, `${offsetOf(e.right)}+${key(e.left)}`, { sign: 1, atom: e.left });
          if (e.op === '-' && kl === 'idx' && kr === 'inv') return idxVar(target, e.left, `${offsetOf(e.left)}-${key(e.right)}`, { sign: -1, atom: e.right });
          return 'index arithmetic other than index + offset';
        }
        if (kl === 'idx' || kr === 'idx') return 'the loop index is used as a number';
        if (tt !== 'f64' || !VECTOR_OPS[e.op]) return `\`${e.op}\` on per-iteration values`;
        return 'vec';
      }
      case 'prim': {
        const ks = e.args.map(kindOf);
        if (ks.some((k) => !k)) return 'a value is read before it is assigned in the iteration';
        if (ks.every((k) => k === 'inv')) return 'inv';
        if (ks.includes('idx')) return 'the loop index is used as a number';
        const v = VECTOR_PRIMS[e.name];
        if (!v || v.arity !== e.args.length || tt !== 'f64') return `\`${e.name}\` has no f64x2 form`;
        return 'vec';
      }
      case 'load': {
        const k = kindOf(e.index);
        if (!k) return `\`${key(e.index)}\` is read before it is assigned in the iteration`;
        if (k === 'vec') return 'an index computed from array values (a gather)';
        if (k === 'inv') { accesses.push({ array: e.array, key: null, store: false }); return 'inv'; }
        if (tt !== 'f64') return 'an array element converted to an integer';
        accesses.push({ array: e.array, key: offsetOf(e.index), store: false });
        return 'vec';
      }
      case 'length': return 'inv';
      case 'call': return `a call of \`${e.callee}\``;
      case 'alloc': return 'an allocation';
      case 'pop': return 'the tape';
      default: return `a \`${(e as Expr).kind}\` expression`;
    }
  };
  const offsetOf = (a: Atom) => offsets.get((a as { name: string }).name)!;

  for (const s of loop.body) {
    if (skip.has(s)) continue;
    switch (s.kind) {
      case 'comment': break;
      case 'assign': {
        const t = s.target;
        if (t === index) return no('the index is assigned');
        const copy = viaCopy.get(s);
        if (copy && deadAfter(t)) {
          const k = kindOf(copy.reduction.operand);
          if (k !== 'vec' && k !== 'inv') return no(`the sum into \`${copy.reduction.target}\` adds ${k === 'idx' ? 'the loop index' : 'a value from the previous iteration'}`);
          reductions.set(s, copy.reduction);
          skip.add(copy.copy);
          vectorWork = true;
          break;
        }
        // A value private to the iteration: assigned before it is read (kindOf checks) and dead after the loop.
        const local = deadAfter(t);
        if (!local) {
          const r = asReduction(s, fn);
          if (!r || inBody.get(t) !== 2) return no(`\`${t}\` carries a value from one iteration to the next`);
          const k = kindOf(r.operand);
          if (k !== 'vec' && k !== 'inv') return no(`the sum into \`${t}\` adds ${k === 'idx' ? 'the loop index' : 'a value from the previous iteration'}`);
          reductions.set(s, r);
          vectorWork = true;
          break;
        }
        if (kinds.has(t)) return no(`\`${t}\` is assigned twice in the body`);
        const k = classify(s.expr, t);
        if (k !== 'inv' && k !== 'idx' && k !== 'vec') return no(k);
        if (k === 'vec') vectorWork = true;
        kinds.set(t, k);
        break;
      }
      case 'store': {
        const ki = kindOf(s.index);
        if (ki !== 'idx') return no(ki === 'inv' ? `a store to a fixed element of \`${s.array}\`` : `a store to \`${s.array}\` not indexed by the loop`);
        const kv = kindOf(s.value);
        if (kv !== 'vec' && kv !== 'inv') return no(kv === 'idx' ? 'the loop index is stored as a number' : 'a value from the previous iteration is stored');
        if (typeOf(s.value) === 'bool') return no('a boolean is stored');
        accesses.push({ array: s.array, key: offsetOf(s.index), store: true, accumulate: s.accumulate });
        vectorWork = true;
        break;
      }
      case 'multi': return no(`a call of \`${s.callee}\``);
      case 'push': return no('the tape');
      case 'if': return no('a branch');
      case 'for': case 'while': return no('a nested loop');
      case 'break': case 'continue': case 'return': return no(`\`${s.kind}\``);
      default: return no(`a \`${(s as Stmt).kind}\` statement`);
    }
  }
  if (!vectorWork) return no('nothing per-element to vectorise');

  // Dependences through memory: an array the loop writes must be read and written at one index,
  // unless the loop only adds into it (`dx[i] += ...; dx[i + 1] += ...`): additions commute, so
  // running them two lanes at a time only reorders them.
  const written = new Map<string, Set<string>>();
  const onlyAdded = new Set<string>();
  for (const a of accesses) if (a.store) {
    const c = ctx.aliasOf(a.array);
    if (!written.has(c)) { written.set(c, new Set()); onlyAdded.add(c); }
    written.get(c)!.add(a.key!);
  }
  for (const a of accesses) if (!a.accumulate) onlyAdded.delete(ctx.aliasOf(a.array));
  for (const [c, keys] of written) if (keys.size > 1 && !onlyAdded.has(c)) return no(`\`${c}\` is written at two different offsets`);
  const laneStores = new Set<string>();
  const pairStores = new Map<string, { k0: string; k1: string }>();
  for (const [c, keys] of written) {
    if (keys.size < 2) continue;
    const names = new Set(accesses.filter((a) => ctx.aliasOf(a.array) === c).map((a) => a.array));
    const [k0, k1] = [...keys].sort((x, y) => x.length - y.length);
    if (keys.size === 2 && names.size === 1 && k1 === `${k0}+1`) pairStores.set([...names][0], { k0, k1 });
    else for (const n of names) laneStores.add(n);
  }
  for (const a of accesses) {
    const keys = written.get(ctx.aliasOf(a.array));
    if (!keys || onlyAdded.has(ctx.aliasOf(a.array))) continue;
    if (a.key === null) return no(`\`${a.array}\` is written by the loop and read at a fixed element`);
    if (!keys.has(a.key)) return no(`\`${a.array}\` is written and read at different offsets`);
  }
  return { ok: true, plan: { kinds, reductions, skip, laneStores, pairStores, offsets, terms } };
}

/** `s = s + x`, `s = x + s` or `s = s - x` with s an f64. */
function asReduction(s: Extract<Stmt, { kind: 'assign' }>, fn: IrFunction): Reduction | undefined {
  const e = s.expr;
  if (e.kind !== 'binary' || fn.vars.get(s.target) !== 'f64') return undefined;
  const isT = (a: Atom) => a.kind === 'var' && a.name === s.target;
  if (e.op === '+' && isT(e.left) && !isT(e.right)) return { target: s.target, op: '+', operand: e.right };
  if (e.op === '+' && isT(e.right) && !isT(e.left)) return { target: s.target, op: '+', operand: e.left };
  if (e.op === '-' && isT(e.left) && !isT(e.right)) return { target: s.target, op: '-', operand: e.right };
  return undefined;
}

/**
 * `t = s + x` (or `x + s`, `s - x`) followed later by `s = t`, with `s` and `t`
 * used nowhere else in the body: a sum written through a copy, as forward mode
 * writes `s_next = s + y; s = s_next`.
 */
function reductionsThroughCopies(body: Stmt[], fn: IrFunction, uses: Map<string, number>): Map<Stmt, { reduction: Reduction; copy: Stmt }> {
  const out = new Map<Stmt, { reduction: Reduction; copy: Stmt }>();
  body.forEach((s, k) => {
    if (s.kind !== 'assign' || s.expr.kind !== 'binary' || fn.vars.get(s.target) !== 'f64') return;
    const e = s.expr;
    const t = s.target;
    const candidates: [Atom, Atom][] = e.op === '+' ? [[e.left, e.right], [e.right, e.left]] : e.op === '-' ? [[e.left, e.right]] : [];
    for (const [sAtom, x] of candidates) {
      if (sAtom.kind !== 'var' || sAtom.name === t || (x.kind === 'var' && (x.name === sAtom.name || x.name === t))) continue;
      const sum = sAtom.name;
      if (fn.vars.get(sum) !== 'f64' || uses.get(sum) !== 2 || uses.get(t) !== 2) continue;
      const copy = body.slice(k + 1).find((c) => c.kind === 'assign' && c.target === sum);
      if (!copy || copy.kind !== 'assign' || copy.expr.kind !== 'atom' || copy.expr.value.kind !== 'var' || copy.expr.value.name !== t) continue;
      out.set(s, { reduction: { target: sum, op: e.op as '+' | '-', operand: x }, copy });
      return;
    }
  });
  return out;
}

// ---- liveness after a loop ----------------------------------------------------

type Access = 'read' | 'write' | 'none';

/**
 * What running a block from its start does first to each variable: reads it,
 * overwrites it, or (absent) neither; `rest` is what happens to every variable
 * not in `first` (a return: never read again; a break or continue: assume read).
 */
interface Accesses { first: Map<string, 'read' | 'write'>; rest: Access }

const readsCache = new WeakMap<Stmt, string[]>();
const reads = (s: Stmt) => {
  let r = readsCache.get(s);
  if (!r) { r = stmtReads(s); readsCache.set(s, r); }
  return r;
};

function accessesOf(block: Stmt[]): Accesses {
  const first = new Map<string, 'read' | 'write'>();
  const note = (v: string, a: 'read' | 'write') => { if (!first.has(v)) first.set(v, a); };
  const noteAll = (x: Accesses, only?: 'read') => { for (const [v, a] of x.first) if (!only || a === only) note(v, a); };
  for (const s of block) {
    switch (s.kind) {
      case 'assign': case 'multi': case 'store': case 'push':
        for (const v of reads(s)) note(v, 'read');
        for (const v of stmtWrites(s)) note(v, 'write');
        break;
      case 'return':
        for (const v of reads(s)) note(v, 'read');
        return { first, rest: 'write' };
      case 'if': {
        for (const v of reads(s)) note(v, 'read');
        const a = accessesOf(s.then), b = accessesOf(s.else);
        const at = (x: Accesses, v: string): Access => x.first.get(v) ?? x.rest;
        for (const v of new Set([...a.first.keys(), ...b.first.keys()])) {
          const x = at(a, v), y = at(b, v);
          if (x === 'read' || y === 'read') note(v, 'read');
          else if (x === 'write' && y === 'write') note(v, 'write');
        }
        if (a.rest === 'read' || b.rest === 'read') return { first, rest: 'read' };
        if (a.rest === 'write' && b.rest === 'write') return { first, rest: 'write' };
        break;
      }
      case 'for': {
        for (const v of reads(s)) note(v, 'read');
        note(s.index, 'write');
        // The body may run zero times: only its reads count.
        const b = accessesOf(s.body);
        noteAll(b, 'read');
        if (b.rest === 'read') return { first, rest: 'read' };
        break;
      }
      case 'while': {
        const t = accessesOf(s.test);
        noteAll(t);
        if (t.rest !== 'none') return { first, rest: t.rest };
        if (s.cond.kind === 'var') note(s.cond.name, 'read');
        const b = accessesOf([...s.body, ...s.update]);
        noteAll(b, 'read');
        if (b.rest === 'read') return { first, rest: 'read' };
        break;
      }
      case 'break': case 'continue':
        // Control goes elsewhere: assume the worst for what is not decided yet.
        return { first, rest: 'read' };
      case 'comment': break;
      default: return { first, rest: 'read' };
    }
  }
  return { first, rest: 'none' };
}

/** Whether the value each variable has at the end of `loop` can still be read (per variable, computed once per loop). */
export function livenessAfterLoop(body: Stmt[], loop: Stmt): (v: string) => boolean {
  const path = pathTo(body, loop);
  if (!path) return () => false;
  const levels: { rest: Accesses; again?: Accesses }[] = [];
  for (let level = path.length - 1; level >= 0; level--) {
    const { block, index, owner } = path[level];
    let again: Accesses | undefined;
    if (owner?.kind === 'for') again = accessesOf(owner.body);
    if (owner?.kind === 'while') {
      // The rest of this iteration, then the next one from its test.
      const cond: Stmt[] = owner.cond.kind === 'var' ? [{ kind: 'push', tape: 'f64', value: owner.cond, slot: -1 }] : [];
      const seq = block === owner.test ? [...cond, ...owner.body, ...owner.update, ...owner.test, ...cond, ...owner.body]
        : [...(block === owner.body ? owner.update : []), ...owner.test, ...cond, ...owner.body, ...owner.update];
      again = accessesOf(seq);
    }
    levels.push({ rest: accessesOf(block.slice(index + 1)), again });
  }
  return (v: string) => {
    for (const { rest, again } of levels) {
      const a = rest.first.get(v) ?? rest.rest;
      if (a === 'read') return false;
      if (a === 'write') return true;
      if (again && (again.first.get(v) ?? again.rest) === 'read') return false;
    }
    return true;
  };
}

/** True if no path from the end of `loop` reads the value `v` has there. */
export function deadAfterLoop(body: Stmt[], loop: Stmt, v: string): boolean {
  return livenessAfterLoop(body, loop)(v);
}

interface PathStep { block: Stmt[]; index: number; owner?: Stmt }

function pathTo(body: Stmt[], target: Stmt, owner?: Stmt): PathStep[] | undefined {
  for (let k = 0; k < body.length; k++) {
    const s = body[k];
    if (s === target) return [{ block: body, index: k, owner }];
    const blocks = s.kind === 'if' ? [s.then, s.else] : s.kind === 'for' ? [s.body] : s.kind === 'while' ? [s.test, s.body, s.update] : [];
    for (const b of blocks) {
      const sub = pathTo(b, target, s);
      if (sub) return [{ block: body, index: k, owner }, ...sub];
    }
  }
  return undefined;
}
