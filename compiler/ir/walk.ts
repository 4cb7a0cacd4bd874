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
  const out = exprAtoms(e).flatMap((a) => (a.kind === 'var' ? [a.name] : []));
  if (e.kind === 'load' || e.kind === 'length') out.push(e.array);
  return out;
}

/** Names a statement reads directly (not in nested blocks). */
export function stmtReads(s: Stmt): string[] {
  const names = (as: Atom[]) => as.flatMap((a) => (a.kind === 'var' ? [a.name] : []));
  switch (s.kind) {
    case 'assign': return exprReads(s.expr);
    case 'multi': return names(s.args);
    case 'store': return [s.array, ...names([s.index, s.value])];
    case 'if': return names([s.cond]);
    case 'for': return names([s.start, s.end]);
    case 'while': return names([s.cond]);
    case 'return': return names(s.values);
    case 'push': return names([s.value]);
    case 'break': case 'continue': case 'comment': return [];
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

export function renameStmt(s: Stmt, m: (n: string) => string): Stmt {
  const r = (a: Atom) => renameAtom(a, m);
  const rb = (b: Stmt[]) => renameStmts(b, m);
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
