// Generic traversals of the IR, so each pass handles only the node kinds it
// cares about. Every switch ends in assertNever: a new node kind is a type error
// here first.
import { assertNever, type Atom, type Expr, type Stmt } from './nodes.js';

/** The atoms an expression reads (array operands are names, listed separately). */
export function exprAtoms(e: Expr): Atom[] {
  switch (e.kind) {
    case 'atom': return [e.value];
    case 'unary': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'prim': case 'call': return e.args;
    case 'load': return [e.index];
    case 'length': case 'pop': return [];
    case 'alloc': return [e.length];
    default: return assertNever(e, 'expression');
  }
}

/** Names of variables an expression reads, arrays included. */
export function exprReads(e: Expr): string[] {
  const out: string[] = [];
  switch (e.kind) {
    case 'atom': pushVar(out, e.value); break;
    case 'unary': pushVar(out, e.arg); break;
    case 'binary': pushVar(out, e.left); pushVar(out, e.right); break;
    case 'prim': case 'call': for (const a of e.args) pushVar(out, a); break;
    case 'load': pushVar(out, e.index); out.push(e.array); break;
    case 'length': out.push(e.array); break;
    case 'alloc': pushVar(out, e.length); break;
    case 'pop': break;
    default: return assertNever(e, 'expression');
  }
  return out;
}

function pushVar(out: string[], a: Atom): void {
  if (a.kind === 'var') out.push(a.name);
}

/** Names a statement reads directly (not in nested blocks). */
export function stmtReads(s: Stmt): string[] {
  const out: string[] = [];
  switch (s.kind) {
    case 'assign': return exprReads(s.expr);
    case 'multi': for (const a of s.args) pushVar(out, a); return out;
    case 'store': out.push(s.array); pushVar(out, s.index); pushVar(out, s.value); return out;
    case 'if': case 'while': pushVar(out, s.cond); return out;
    case 'for': pushVar(out, s.start); pushVar(out, s.end); return out;
    case 'return': for (const a of s.values) pushVar(out, a); return out;
    case 'push': pushVar(out, s.value); return out;
    case 'break': case 'continue': case 'comment': return out;
    default: return assertNever(s, 'statement');
  }
}

/** Names a statement assigns directly (not in nested blocks). Stores count as writes of the array's contents, not the name. */
export function stmtWrites(s: Stmt): string[] {
  switch (s.kind) {
    case 'assign': return [s.target];
    case 'multi': return s.targets;
    case 'for': return [s.index];
    default: return [];
  }
}

/** Nested blocks of a statement, in execution order. */
export function childBlocks(s: Stmt): Stmt[][] {
  switch (s.kind) {
    case 'if': return [s.then, s.else];
    case 'for': return [s.body];
    case 'while': return [s.test, s.body, s.update];
    default: return [];
  }
}

/** Rebuilds a statement with its blocks mapped. */
export function mapBlocks(s: Stmt, f: (b: Stmt[]) => Stmt[]): Stmt {
  switch (s.kind) {
    case 'if': return { ...s, then: f(s.then), else: f(s.else) };
    case 'for': return { ...s, body: f(s.body) };
    case 'while': return { ...s, test: f(s.test), body: f(s.body), update: f(s.update) };
    default: return s;
  }
}

/** Visits every statement, depth first, in program order. */
export function forEachStmt(body: Stmt[], f: (s: Stmt, depth: number) => void, depth = 0): void {
  for (const s of body) {
    f(s, depth);
    for (const b of childBlocks(s)) forEachStmt(b, f, depth + 1);
  }
}

/**
 * Which of `names` a block may read before it has assigned them on every path
 * (an if assigns what both branches do; a loop, which may run no times, nothing).
 * For a loop body: the values one iteration takes from the one before. Two ifs
 * on one unchanged condition take the same branch: what the first assigned in
 * a branch is assigned in the second's same branch.
 */
export function readBeforeAssigned(body: Stmt[], names: ReadonlySet<string>): Set<string> {
  const early = new Set<string>();
  type Branches = Map<string, { then: Set<string>; else: Set<string> }>;
  const read = (n: string, defined: Set<string>) => { if (names.has(n) && !defined.has(n)) early.add(n); };
  const forget = (b: Stmt[], known: Branches) => { for (const n of assignedIn(b)) known.delete(n); };
  const block = (b: Stmt[], defined: Set<string>, known: Branches): Set<string> => {
    for (const x of b) {
      if (x.kind !== 'while') for (const n of stmtReads(x)) read(n, defined);
      if (x.kind === 'if') {
        const c = x.cond.kind === 'var' ? x.cond.name : undefined;
        const before = c === undefined ? undefined : known.get(c);
        const t = block(x.then, new Set([...defined, ...(before?.then ?? [])]), new Map(known));
        const e = block(x.else, new Set([...defined, ...(before?.else ?? [])]), new Map(known));
        for (const n of t) if (e.has(n)) defined.add(n);
        forget([x], known);
        if (c !== undefined && !known.has(c) && !assignedIn([x]).has(c)) known.set(c, { then: t, else: e });
        continue;
      }
      if (x.kind === 'for' || x.kind === 'while') {
        forget([x], known);
        const inner = new Set(defined);
        if (x.kind === 'for') inner.add(x.index);
        if (x.kind === 'while') {
          const tested = block(x.test, inner, new Map(known));
          if (x.cond.kind === 'var') read(x.cond.name, tested);
          block(x.update, block(x.body, tested, new Map(known)), new Map(known));
        } else block(x.body, inner, new Map(known));
        continue;
      }
      for (const n of stmtWrites(x)) { defined.add(n); known.delete(n); }
    }
    return defined;
  };
  block(body, new Set(), new Map());
  return early;
}

/** All names assigned anywhere in a block (loop indices included). */
export function assignedIn(body: Stmt[]): Set<string> {
  const out = new Set<string>();
  forEachStmt(body, (s) => { for (const n of stmtWrites(s)) out.add(n); });
  return out;
}

/** All arrays stored into anywhere in a block. */
export function storedIn(body: Stmt[]): Set<string> {
  const out = new Set<string>();
  forEachStmt(body, (s) => { if (s.kind === 'store') out.add(s.array); });
  return out;
}

/** All names read anywhere in a block. */
export function readIn(body: Stmt[]): Set<string> {
  const out = new Set<string>();
  forEachStmt(body, (s) => { for (const n of stmtReads(s)) out.add(n); });
  return out;
}

/** Renames variables in an atom. */
export function renameAtom(a: Atom, m: (n: string) => string): Atom {
  return a.kind === 'var' ? { kind: 'var', name: m(a.name) } : a;
}

export function renameExpr(e: Expr, m: (n: string) => string): Expr {
  const r = (a: Atom) => renameAtom(a, m);
  switch (e.kind) {
    case 'atom': return { ...e, value: r(e.value) };
    case 'unary': return { ...e, arg: r(e.arg) };
    case 'binary': return { ...e, left: r(e.left), right: r(e.right) };
    case 'prim': case 'call': return { ...e, args: e.args.map(r) };
    case 'load': return { ...e, array: m(e.array), index: r(e.index) };
    case 'length': return { ...e, array: m(e.array) };
    case 'alloc': return { ...e, length: r(e.length) };
    case 'pop': return e;
    default: return assertNever(e, 'expression');
  }
}

export function renameStmts(body: Stmt[], m: (n: string) => string): Stmt[] {
  return body.map((s) => renameStmt(s, m));
}

/** Renames a statement's variables; its nested blocks go through `blocks` (default: renamed the same way). */
export function renameStmt(s: Stmt, m: (n: string) => string, blocks?: (b: Stmt[]) => Stmt[]): Stmt {
  const r = (a: Atom) => renameAtom(a, m);
  const rb = blocks ?? ((b: Stmt[]) => renameStmts(b, m));
  switch (s.kind) {
    case 'assign': return { ...s, target: m(s.target), expr: renameExpr(s.expr, m) };
    case 'multi': return { ...s, targets: s.targets.map(m), args: s.args.map(r) };
    case 'store': return { ...s, array: m(s.array), index: r(s.index), value: r(s.value) };
    case 'if': return { ...s, cond: r(s.cond), then: rb(s.then), else: rb(s.else) };
    case 'for': return { ...s, index: m(s.index), start: r(s.start), end: r(s.end), body: rb(s.body) };
    case 'while': return { ...s, test: rb(s.test), cond: r(s.cond), body: rb(s.body), update: rb(s.update) };
    case 'return': return { ...s, values: s.values.map(r) };
    case 'push': return { ...s, value: r(s.value) };
    case 'break': case 'continue': case 'comment': return s;
    default: return assertNever(s, 'statement');
  }
}

/** True if an expression has no effect besides its value (may be removed or duplicated). */
export function isPure(e: Expr): boolean {
  return e.kind !== 'call' && e.kind !== 'pop' && e.kind !== 'alloc';
}

/**
 * Where each name is written in a body, to answer "does anything between
 * here and there write x" by binary search instead of a scan. Statements
 * are numbered depth first in program order, from 0, as every walk in that
 * order meets them (by place, not identity: one statement object may occur
 * twice); the statements nested in statement k are numbered from k + 1 to
 * end(k) - 1.
 */
export class WriteIndex {
  private readonly ends: number[] = [];
  private readonly at = new Map<string, number[]>();

  /** `writes` says what a statement writes, not counting its nested blocks (default: stmtWrites). */
  constructor(body: Stmt[], writes: (s: Stmt) => Iterable<string> = stmtWrites) {
    let next = 0;
    const walk = (b: Stmt[]) => {
      for (const s of b) {
        const k = next++;
        for (const n of writes(s)) {
          const list = this.at.get(n);
          if (list) list.push(k); else this.at.set(n, [k]);
        }
        for (const c of childBlocks(s)) walk(c);
        this.ends[k] = next;
      }
    };
    walk(body);
  }

  /** One past the number of the last statement nested in statement k (k + 1 for a statement without blocks). */
  end(k: number): number {
    return this.ends[k];
  }

  /** The numbers in [from, to) of the statements that write `name`, in program order. */
  writers(name: string, from: number, to: number): number[] {
    const list = this.at.get(name);
    if (!list) return [];
    const out: number[] = [];
    for (let i = lowerBound(list, from); i < list.length && list[i] < to; i++) out.push(list[i]);
    return out;
  }

  /** True if a statement numbered in [from, to) writes `name`. */
  writes(name: string, from: number, to: number): boolean {
    const list = this.at.get(name);
    if (!list) return false;
    const i = lowerBound(list, from);
    return i < list.length && list[i] < to;
  }

  /** True if a statement numbered in [from, to) writes one of `names`. */
  anyWrites(names: Iterable<string>, from: number, to: number): boolean {
    for (const n of names) if (this.writes(n, from, to)) return true;
    return false;
  }
}

/** The first index of a sorted list whose value is at least x. */
function lowerBound(list: number[], x: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}
