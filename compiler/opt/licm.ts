// licm: loop-invariant code motion. A pure operation in a loop body whose
// operands no statement of the loop assigns computes the same value in every
// iteration, so it moves in front of the loop (reverse mode recomputes
// primal values at the top of adjoint loops; `neg_k = -k` need not run a
// thousand times).
//     for i … { t = -k; … }   ==>   t = -k; for i … { … }
//
// Which statements move: `t = e` at the top level of a `for` or `while`
// body, where
// - e is an operator, a `Math.*` primitive, `a.length` or an atom: never a
//   load, a call, `alloc`, `pop`, `%` or integer `/` by a divisor that may
//   be 0 or -1, or `toInt` (in front of a loop that does not run, a load
//   could read out of bounds, and the others can trap in WebAssembly);
// - nothing in the loop assigns e's operands (nor is one the loop index);
// - nothing else in the loop assigns t, and nothing reads t in the loop
//   before this statement, nor in a while loop's test or update;
// - t is dead after the loop (when the loop runs zero times, t now holds
//   the moved value instead of its old one).
//
// Assumes: valid IR. Guarantees: every read of t sees the value it saw.
import type { IrFunction, Stmt, Type } from '../ir/nodes.js';
import { exprReads, forEachStmt, mapBlocks, readIn, stmtWrites } from '../ir/walk.js';
import { liveness, type Liveness, type NameSet } from './analysis.js';

export function licm(fn: IrFunction): IrFunction {
  // Liveness after loops is asked only about what their bodies assign at the top.
  const movable = new Set<string>();
  forEachStmt(fn.body, (s) => { if (s.kind === 'for' || s.kind === 'while') for (const b of s.body) if (b.kind === 'assign') movable.add(b.target); });
  if (!movable.size) return fn;
  const live = liveness(fn, { strong: false, only: movable });
  return { ...fn, body: hoistIn(fn.body, live, fn.vars) };
}

function hoistIn(body: Stmt[], live: Liveness, vars: Map<string, Type>): Stmt[] {
  const out: Stmt[] = [];
  for (const s0 of body) {
    const s = mapBlocks(s0, (b) => hoistIn(b, live, vars));
    if (s.kind === 'for' || s.kind === 'while') {
      const after: NameSet = live.after.get(s0) ?? new Set<string>();
      const { hoisted, loop } = hoistFrom(s, after, vars);
      out.push(...hoisted, loop);
    } else {
      out.push(s);
    }
  }
  return out;
}

type Loop = Extract<Stmt, { kind: 'for' | 'while' }>;

function hoistFrom(loop: Loop, liveAfter: NameSet, vars: Map<string, Type>): { hoisted: Stmt[]; loop: Loop } {
  const all = loop.kind === 'for' ? loop.body : [...loop.test, ...loop.body, ...loop.update];
  const writes = new Map<string, number>();
  forEachStmt(all, (s) => { for (const n of stmtWrites(s)) writes.set(n, (writes.get(n) ?? 0) + 1); });
  if (loop.kind === 'for') writes.set(loop.index, 1);
  const readOutsideBody = loop.kind === 'while' ? readIn([...loop.test, ...loop.update]) : new Set<string>();
  const readSoFar = new Set<string>();
  const hoisted: Stmt[] = [];
  const body: Stmt[] = [];
  for (const s of loop.body) {
    if (s.kind === 'assign' && invariantOp(s, vars) && writes.get(s.target) === 1 && !readSoFar.has(s.target)
      && !readOutsideBody.has(s.target) && !liveAfter.has(s.target) && exprReads(s.expr).every((n) => !writes.has(n))) {
      hoisted.push(s); // for … { t = e; … } ==> t = e; for … { … }
      continue;
    }
    for (const n of readIn([s])) readSoFar.add(n);
    body.push(s);
  }
  return { hoisted, loop: hoisted.length ? { ...loop, body } : loop };
}

function invariantOp(s: Extract<Stmt, { kind: 'assign' }>, vars: Map<string, Type>): boolean {
  const e = s.expr;
  switch (e.kind) {
    case 'atom': return true;
    case 'unary': return e.op !== 'toInt';
    // Integer division traps in WebAssembly only on a zero divisor (and on -1, by overflow).
    case 'binary': return (e.op !== '%' && !(e.op === '/' && vars.get(s.target) === 'i32')) || (e.right.kind === 'const' && e.right.value !== 0 && e.right.value !== -1);
    case 'prim': return e.name.startsWith('Math.');
    case 'length': return true;
    default: return false;
  }
}
