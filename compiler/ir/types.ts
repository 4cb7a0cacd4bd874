// Splits the numbers of a lowered function into f64 and i32. A number is an
// integer (i32) when every assignment to it is integer-valued (literals,
// lengths, loop counters, + - * % of integers) — the greatest such set — and
// it must be one when it is used as an index or a size. Parameters are i32
// only when used that way and not differentiated.
import { CompileError, type SourceText } from '../diagnostics.js';
import { arrayRuleByName } from '../rules/index.js';
import { type Atom, type Expr, type IrFunction, type Loc, type Stmt, type Type } from './nodes.js';
import { forEachStmt, mapBlocks } from './walk.js';

export interface IntUse { atom: Atom; loc?: Loc; what: string }

export interface InferInput {
  fn: IrFunction;
  intUses: IntUse[];
  /** Parameters that will be differentiated: always f64. */
  active: Set<string>;
  /** Names whose kind is number (neither array nor bool). */
  numbers: Set<string>;
  source: SourceText;
}

export function inferTypes({ fn, intUses, active, numbers, source }: InferInput): IrFunction {
  const params = new Set(fn.params.map((p) => p.name));
  const defs = new Map<string, Expr[]>();
  const fixedF64 = new Set<string>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'assign') {
      const list = defs.get(s.target) ?? [];
      list.push(s.expr);
      defs.set(s.target, list);
    } else if (s.kind === 'multi') for (const t of s.targets) fixedF64.add(t);
    // A counted loop's index starts at `start` and moves by ±1.
    else if (s.kind === 'for') defs.set(s.index, [...(defs.get(s.index) ?? []), { kind: 'atom', value: s.start }]);
  });
  // Names demanded to be integers, propagated back through integer arithmetic.
  const demanded = new Map<string, IntUse>();
  const work: [string, IntUse][] = [];
  for (const u of intUses) {
    if (u.atom.kind === 'const') {
      if (!Number.isInteger(u.atom.value)) throw new CompileError('CT1110', { what: u.what }, { fn: fn.name, at: u.loc, source });
      continue;
    }
    work.push([u.atom.name, u]);
  }
  while (work.length) {
    const [name, use] = work.pop()!;
    if (demanded.has(name) || !numbers.has(name)) continue;
    demanded.set(name, use);
    for (const e of defs.get(name) ?? []) {
      if ((e.kind === 'binary' && ['+', '-', '*', '%', '/'].includes(e.op)) || e.kind === 'atom' || (e.kind === 'unary' && e.op === 'neg')) {
        for (const a of e.kind === 'binary' ? [e.left, e.right] : e.kind === 'atom' ? [e.value] : [e.arg]) {
          if (a.kind === 'var') work.push([a.name, use]);
        }
      }
    }
  }
  // Greatest set of integer names consistent with every assignment.
  const ints = new Set<string>();
  for (const n of numbers) {
    if (fixedF64.has(n)) continue;
    if (params.has(n) ? demanded.has(n) && !active.has(n) : true) ints.add(n);
  }
  const isInt = (a: Atom) => (a.kind === 'const' ? a.type !== 'bool' && Number.isInteger(a.value) && !Object.is(a.value, -0) : ints.has(a.name));
  const intExpr = (e: Expr): boolean => {
    switch (e.kind) {
      case 'atom': return isInt(e.value);
      case 'binary': return ['+', '-', '*', '%'].includes(e.op) && isInt(e.left) && isInt(e.right);
      case 'unary': return e.op === 'toInt' || (e.op === 'neg' && isInt(e.arg));
      case 'length': return true;
      case 'prim': return arrayRuleByName.get(e.name)?.result === 'index';
      case 'pop': return e.tape === 'i32';
      default: return false;
    }
  };
  // Division of integers is integer (truncating) division only where the result must be an
  // integer, as in sizes like `d * (d + 1) / 2`; elsewhere `/` is real division.
  // Likewise a number read from a Float64Array and used as an index (an observation list, say)
  // is converted to an integer where it is read.
  const intDef = (n: string, e: Expr) => intExpr(e)
    || (demanded.has(n) && e.kind === 'binary' && e.op === '/' && isInt(e.left) && isInt(e.right))
    || (demanded.has(n) && e.kind === 'load');
  for (let changed = true; changed;) {
    changed = false;
    for (const [n, es] of defs) {
      if (ints.has(n) && !es.every((e) => intDef(n, e))) { ints.delete(n); changed = true; }
    }
  }
  for (const [name, use] of demanded) {
    if (ints.has(name)) continue;
    if (params.has(name) && active.has(name)) throw new CompileError('CT1113', { name }, { fn: fn.name, at: use.loc, source });
    throw new CompileError('CT1110', { what: use.what }, { fn: fn.name, at: use.loc, source });
  }
  const vars = new Map<string, Type>();
  for (const [n, t] of fn.vars) vars.set(n, t === 'f64' && ints.has(n) ? 'i32' : t);
  const typed: IrFunction = {
    ...fn,
    vars,
    params: fn.params.map((p) => ({ name: p.name, type: vars.get(p.name)! })),
    body: retypeConsts(fn.body, ints),
  };
  return typed;
}

/** Integer literals in integer positions become i32 constants. */
function retypeConsts(body: Stmt[], ints: Set<string>): Stmt[] {
  const toI = (a: Atom): Atom => (a.kind === 'const' && a.type === 'f64' && Number.isInteger(a.value) && !Object.is(a.value, -0) ? { ...a, type: 'i32' } : a);
  const isI = (a: Atom) => (a.kind === 'var' ? ints.has(a.name) : a.type === 'i32' || (a.type === 'f64' && Number.isInteger(a.value)));
  return body.map((s0) => {
    const s = mapBlocks(s0, (b) => retypeConsts(b, ints));
    if (s.kind === 'assign' && ints.has(s.target)) {
      const e = s.expr;
      if (e.kind === 'atom') return { ...s, expr: { ...e, value: toI(e.value) } };
      if (e.kind === 'binary') return { ...s, expr: { ...e, left: toI(e.left), right: toI(e.right) } };
      if (e.kind === 'unary' && e.op === 'neg') return { ...s, expr: { ...e, arg: toI(e.arg) } };
    }
    if (s.kind === 'assign' && s.expr.kind === 'binary' && ['<', '<=', '>', '>=', '==', '!='].includes(s.expr.op)) {
      const { left, right } = s.expr;
      if (isI(left) && isI(right)) return { ...s, expr: { ...s.expr, left: toI(left), right: toI(right) } };
    }
    if (s.kind === 'assign' && s.expr.kind === 'load') return { ...s, expr: { ...s.expr, index: toI(s.expr.index) } };
    if (s.kind === 'assign' && s.expr.kind === 'alloc') return { ...s, expr: { ...s.expr, length: toI(s.expr.length) } };
    if (s.kind === 'store') return { ...s, index: toI(s.index) };
    if (s.kind === 'for') return { ...s, start: toI(s.start), end: isI(s.end) ? toI(s.end) : s.end };
    return s;
  });
}
