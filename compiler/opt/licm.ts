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
// Integer sums in the body are first regrouped so that their invariant terms
// come first (`p + j - q` ==> `(p - q) + j`, see `regroup`): the invariant
// part then moves like any other operation.
//
// Assumes: valid IR. Guarantees: every read of t sees the value it saw.
import type { Atom, IrFunction, Stmt, Type } from '../ir/nodes.js';
import { assignedIn, exprReads, forEachStmt, mapBlocks, readIn, stmtReads, stmtWrites } from '../ir/walk.js';
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
type Assign = Extract<Stmt, { kind: 'assign' }>;

function hoistFrom(loop: Loop, liveAfter: NameSet, vars: Map<string, Type>): { hoisted: Stmt[]; loop: Loop } {
  const all = loop.kind === 'for' ? loop.body : [...loop.test, ...loop.body, ...loop.update];
  const writes = new Map<string, number>();
  forEachStmt(all, (s) => { for (const n of stmtWrites(s)) writes.set(n, (writes.get(n) ?? 0) + 1); });
  if (loop.kind === 'for') writes.set(loop.index, 1);
  const readOutsideBody = loop.kind === 'while' ? readIn([...loop.test, ...loop.update]) : new Set<string>();
  const readSoFar = new Set<string>();
  const hoisted: Stmt[] = [];
  const body: Stmt[] = [];
  for (const s of regroup(loop.body, all, writes, vars, liveAfter)) {
    if (s.kind === 'assign' && invariantOp(s, vars) && writes.get(s.target) === 1 && !readSoFar.has(s.target)
      && !readOutsideBody.has(s.target) && !liveAfter.has(s.target) && exprReads(s.expr).every((n) => !writes.has(n))) {
      hoisted.push(s); // for … { t = e; … } ==> t = e; for … { … }
      writes.delete(s.target); // no longer assigned in the loop: what reads it may follow
      continue;
    }
    for (const n of readIn([s])) readSoFar.add(n);
    body.push(s);
  }
  return { hoisted, loop: hoisted.length ? { ...loop, body } : loop };
}

/**
 * Integer sums regrouped so that their invariant terms come first:
 *   a = p + j; b = a - q; c = b - 1   ==>   a = p - q; b = a - 1; c = b + j
 * (p, q invariant, j not), so that `a` and `b` can move. Each intermediate is
 * assigned once and read once, by the next step of the chain, all at the top
 * level of the body; no term is assigned between the chain's first step and
 * its last, where the regrouped steps go. Integer addition is associative (in
 * JS exactly, below 2^53; in WebAssembly modulo 2^32), so the value is the same.
 */
function regroup(body: Stmt[], all: Stmt[], writes: Map<string, number>, vars: Map<string, Type>, liveAfter: NameSet): Stmt[] {
  type Term = { sign: 1 | -1; atom: Atom };
  const isSum = (s: Stmt): s is Assign => s.kind === 'assign' && vars.get(s.target) === 'i32' && s.expr.kind === 'binary'
    && (s.expr.op === '+' || s.expr.op === '-') && atomType(s.expr.left, vars) === 'i32' && atomType(s.expr.right, vars) === 'i32';
  const reads = new Map<string, number>();
  forEachStmt(all, (s) => { for (const n of stmtReads(s)) reads.set(n, (reads.get(n) ?? 0) + 1); });
  const at = new Map<string, number>();
  body.forEach((s, i) => { if (isSum(s)) at.set(s.target, i); });
  // A link: an intermediate of a chain (a sum read once, by a sum after it, and nowhere after the loop).
  const link = (n: string, user: number) => writes.get(n) === 1 && reads.get(n) === 1 && !liveAfter.has(n) && (at.get(n) ?? user) < user;
  const variant = (a: Atom) => a.kind === 'var' && writes.has(a.name);
  const out: Stmt[][] = body.map((s) => [s]);
  let changed = false;
  for (let i = body.length - 1; i >= 0; i--) {
    const root = body[i];
    if (!isSum(root) || !out[i].length) continue;
    const steps: number[] = [];
    const terms = (a: Atom, sign: 1 | -1, user: number): Term[] => {
      if (a.kind === 'var' && link(a.name, user)) {
        const k = at.get(a.name)!;
        const e = (body[k] as Assign).expr as Extract<Assign['expr'], { kind: 'binary' }>;
        steps.push(k);
        return [...terms(e.left, sign, k), ...terms(e.right, e.op === '-' ? (-sign as 1 | -1) : sign, k)];
      }
      return [{ sign, atom: a }];
    };
    const e = root.expr as Extract<Assign['expr'], { kind: 'binary' }>;
    const all2 = [...terms(e.left, 1, i), ...terms(e.right, e.op === '-' ? -1 : 1, i)];
    const fixed = all2.filter((t) => !variant(t.atom)), moving = all2.filter((t) => variant(t.atom));
    // Worth it when two or more invariant terms can be added up before the loop and are not already first.
    const lead = fixed.findIndex((t) => t.sign === 1);
    if (!moving.length || fixed.length < 2 || lead < 0 || all2.slice(0, fixed.length).every((t) => !variant(t.atom))) continue;
    const first = Math.min(...steps, i);
    const changedBetween = body.slice(first, i).some((s) => [...assignedIn([s])].some((n) => all2.some((t) => t.atom.kind === 'var' && t.atom.name === n)));
    if (changedBetween) continue;
    const ordered = [fixed[lead], ...fixed.filter((_, k) => k !== lead), ...moving];
    const names = [...steps.sort((a, b) => a - b).map((k) => (body[k] as Assign).target), root.target];
    const rebuilt: Stmt[] = [];
    let acc: Atom = ordered[0].atom;
    ordered.slice(1).forEach((t, k) => {
      rebuilt.push({ kind: 'assign', target: names[k], expr: { kind: 'binary', op: t.sign === 1 ? '+' : '-', left: acc, right: t.atom }, loc: root.loc });
      acc = { kind: 'var', name: names[k] };
    });
    for (const k of steps) out[k] = [];
    out[i] = rebuilt;
    changed = true;
  }
  return changed ? out.flat() : body;
}

function atomType(a: Atom, vars: Map<string, Type>): Type | undefined {
  return a.kind === 'var' ? vars.get(a.name) : a.type;
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
