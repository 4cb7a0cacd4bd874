// copy-prop: after `a = b` (b a variable or a literal), reads of `a` read `b`
// instead, for as long as neither is assigned again (Tangent's assignment
// propagation). The copy itself is left for dead-code to remove once
// nothing reads `a`.
//
// What it assumes: valid IR, unique names. Where facts hold is decided by
// analysis.forwardRewrite: a copy made before a branch or loop holds inside
// it unless the branch or loop assigns `a` or `b`; a copy made inside a
// branch or loop is forgotten after it.
//
// Second, backwards: `t = e; x = t ==> x = e` when t is read nowhere after
// (the shape lowering and AD leave for a value chosen by a branch, such as
// `c ? Math.sqrt(a) : -a`), so the temporary disappears instead of the name.
//
// Guarantees: every replaced read sees the same value as before. Variables
// are replaced only by variables of the same type (an i32 in place of an f64
// would change which arithmetic the emitters pick); a literal takes the type
// of the variable it replaces. Arrays are replaced by the array they alias.
import type { Atom, Const, IrFunction, Stmt, Type } from '../ir/nodes.js';
import { forEachStmt, mapBlocks, stmtReads } from '../ir/walk.js';
import { Facts, forwardRewrite, liveness, mapReads, type ForwardVisitor } from './analysis.js';

/** Facts: `a` currently equals this atom (keyed by a; forgotten when a or b is assigned). */
type Copies = Facts<Atom>;

export function copyProp(fn: IrFunction): IrFunction {
  const sub = (copies: Copies) => (a: Atom): Atom => (a.kind === 'var' ? copies.get(a.name) ?? a : a);
  const subArray = (copies: Copies) => (n: string): string => { const c = copies.get(n); return c?.kind === 'var' ? c.name : n; };
  const visitor: ForwardVisitor<Atom> = {
    simple(s0, copies) {
      // reads of a ==> reads of b
      const s = mapReads(s0, sub(copies), subArray(copies));
      if (s.kind === 'multi') copies.kill(s.targets);
      if (s.kind !== 'assign') return s;
      // a = a ==> nothing   (what `t = a; a = t` becomes)
      if (s.expr.kind === 'atom' && s.expr.value.kind === 'var' && s.expr.value.name === s.target) return undefined;
      copies.kill([s.target]);
      if (s.expr.kind === 'atom') {
        const value = copyValue(s.target, s.expr.value, fn.vars);
        if (value) copies.set(s.target, value, value.kind === 'var' ? [s.target, value.name] : [s.target]);
      }
      return s;
    },
    atom: (a, copies) => sub(copies)(a),
  };
  const forward = { ...fn, body: forwardRewrite(fn.body, new Facts<Atom>(), visitor) };
  // A scalar read only by the copy itself is dead after it (the assignment just before the copy is the
  // only way in); liveness is computed, for the others only, if there are any.
  const reads = new Map<string, number>();
  forEachStmt(forward.body, (s) => { for (const n of stmtReads(s)) reads.set(n, (reads.get(n) ?? 0) + 1); });
  const obvious = (t: string) => reads.get(t) === 1 && fn.vars.get(t) !== 'f64[]';
  const others = new Set<string>();
  coalesce(forward.body, fn.vars, (_, t) => { if (!obvious(t)) others.add(t); return false; });
  const live = others.size ? liveness(forward, { strong: false, only: others }) : undefined;
  const deadAfter = (s: Stmt, t: string) => obvious(t) || !live?.after.get(s)?.has(t);
  return { ...forward, body: coalesce(forward.body, fn.vars, deadAfter) };
}

/** Merges `t = e; x = t` into `x = e` when t is dead after the copy. */
function coalesce(body: Stmt[], vars: Map<string, Type>, deadAfter: (s: Stmt, t: string) => boolean): Stmt[] {
  const out: Stmt[] = [];
  for (const s0 of body) {
    const s = mapBlocks(s0, (b) => coalesce(b, vars, deadAfter));
    const prev = out[out.length - 1];
    if (s.kind === 'assign' && s.expr.kind === 'atom' && s.expr.value.kind === 'var' && prev?.kind === 'assign'
      && prev.target === s.expr.value.name && prev.target !== s.target && vars.get(prev.target) === vars.get(s.target)
      && deadAfter(s0, prev.target)) {
      // t = e; x = t ==> x = e
      out[out.length - 1] = { ...prev, target: s.target, loc: s.loc ?? prev.loc };
      continue;
    }
    out.push(s);
  }
  return out;
}

/** What reads of `target` may be replaced by after `target = value`, if anything. */
function copyValue(target: string, value: Atom, vars: Map<string, Type>): Atom | undefined {
  const T = vars.get(target);
  if (value.kind === 'var') return value.name !== target && vars.get(value.name) === T ? value : undefined;
  return retype(value, T);
}

/** A literal as a literal of type T, if it is one. */
function retype(c: Const, T: Type | undefined): Const | undefined {
  if (T === c.type) return c;
  if (T === 'f64' && c.type === 'i32') return { ...c, type: 'f64' };
  if (T === 'i32' && c.type === 'f64' && Number.isInteger(c.value) && c.value === (c.value | 0) && !Object.is(c.value, -0)) return { ...c, type: 'i32' };
  return undefined;
}
