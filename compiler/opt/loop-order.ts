// Loop order: an adjoint loop runs its primal's indices backwards, which reads
// memory against the direction caches prefetch in. Where no iteration depends
// on another, it runs forwards instead, the way a person writes the gradient.
//
// A backward loop marked `mirror` (made by reverse mode) is turned when every
// iteration is independent of the others, up to the order of additions:
// - each scalar it assigns is either the iteration's own (assigned before it
//   is read in every iteration, dead after the loop) or a sum (touched only
//   by `s = s + a` / `s = s - a`);
// - each array it writes is either its own (made in each iteration), only
//   added into (`a[k] += v`) and not otherwise read in the loop, or touched
//   only at the loop's index (`t = a[i]; a[i] = 0`: each iteration its own
//   element);
// - what it pushes on the tape it pops in the same iteration (a checkpointed
//   iteration's re-run and its adjoint): every push and pop of those slots is
//   in the loop, pushes first;
// - nothing leaves the loop early.
// Sums are then added up in the other order: the same values up to rounding.
import type { Atom, Expr, IrFunction, Stmt } from '../ir/nodes.js';
import { exprReads, forEachStmt, mapBlocks, readBeforeAssigned, stmtReads, stmtWrites } from '../ir/walk.js';
import { aliases, liveness, writtenArrays, type Aliases, type Liveness, type PassContext } from './analysis.js';

export function loopOrder(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  let candidates = false;
  forEachStmt(fn.body, (s) => { if (s.kind === 'for' && s.mirror && s.step === -1 && s.inclusive) candidates = true; });
  if (!candidates) return fn;
  const live = liveness(fn, { strong: false, ctx });
  const alias = aliases(fn);
  const slots = new Map<string, number>();
  forEachStmt(fn.body, (s) => { const k = tapeKey(s); if (k) slots.set(k, (slots.get(k) ?? 0) + 1); });
  // `last = n - 1` with n fixed: the forward loop is `i < n`, the primal loop's own header.
  const writes = new Map<string, number>();
  const defs = new Map<string, Expr>();
  forEachStmt(fn.body, (s) => {
    for (const n of stmtWrites(s)) writes.set(n, (writes.get(n) ?? 0) + 1);
    if (s.kind === 'assign') defs.set(s.target, s.expr);
  });
  const fixed = (a: Atom) => a.kind === 'const' || (writes.get(a.name) ?? 0) <= 1;
  const below = (a: Atom): Atom | undefined => {
    if (a.kind !== 'var' || writes.get(a.name) !== 1 || fn.vars.get(a.name) !== 'i32') return undefined;
    const e = defs.get(a.name);
    return e?.kind === 'binary' && e.op === '-' && e.right.kind === 'const' && e.right.value === 1 && fixed(e.left) ? e.left : undefined;
  };
  const visit = (b: Stmt[]): Stmt[] => b.map((s) => {
    const inner = mapBlocks(s, visit);
    if (inner.kind !== 'for' || s.kind !== 'for' || !s.mirror || s.step !== -1 || !s.inclusive) return inner;
    if (!independent(s, fn, ctx, live, alias, slots)) return inner;
    const n = below(s.start);
    return n ? { ...inner, start: s.end, end: n, step: 1, inclusive: false } : { ...inner, start: s.end, end: s.start, step: 1 };
  });
  return { ...fn, body: visit(fn.body) };
}

/** `f64:3` for a push or pop of slot 3 on the f64 tape. */
function tapeKey(s: Stmt): string | undefined {
  if (s.kind === 'push') return `${s.tape}:${s.slot}`;
  if (s.kind === 'assign' && s.expr.kind === 'pop') return `${s.expr.tape}:${s.expr.slot}`;
  return undefined;
}

function independent(loop: Extract<Stmt, { kind: 'for' }>, fn: IrFunction, ctx: PassContext, live: Liveness,
  alias: Aliases, slots: Map<string, number>): boolean {
  const body = loop.body;
  const isArray = (n: string) => fn.vars.get(n) === 'f64[]';
  let ok = true;
  const assigned = new Set<string>();
  const written = new Set<string>();
  const tape = new Map<string, { count: number; popped: boolean }>();
  forEachStmt(body, (s) => {
    if (s.kind === 'break' || s.kind === 'return') ok = false;
    for (const n of stmtWrites(s)) assigned.add(n);
    for (const a of writtenArrays(s, fn, ctx)) written.add(a);
    const k = tapeKey(s);
    if (k) {
      const t = tape.get(k) ?? { count: 0, popped: false };
      if (s.kind === 'push' && t.popped) ok = false;
      if (s.kind !== 'push') t.popped = true;
      t.count++;
      tape.set(k, t);
    }
  });
  if (!ok) return false;
  for (const [k, t] of tape) if (slots.get(k) !== t.count) return false;
  const afterLoop = live.after.get(loop);
  const early = readBeforeAssigned(body, assigned);
  const own = (n: string) => !early.has(n) && !afterLoop?.has(n);
  for (const n of assigned) {
    if (n === loop.index) continue;
    if (isArray(n)) { if (!own(n)) return false; continue; }
    if (!own(n) && !isSum(n, body)) return false;
  }
  // Arrays written: made afresh in each iteration (every name for it assigned here, by an
  // allocation, and the iteration's own), or only added into and never read here.
  for (const a of written) {
    const names = alias(a);
    const fresh = names.every((n) => assigned.has(n) && own(n) && allocatedOnly(n, body));
    if (fresh) continue;
    const set = new Set(names);
    // Only added into, or touched only at the loop's index (each iteration its own element).
    let addOnly = true, ownElement = true;
    const atIndex = (a: Atom) => a.kind === 'var' && a.name === loop.index;
    forEachStmt(body, (s) => {
      if (s.kind === 'store' && set.has(s.array)) {
        if (!s.accumulate) addOnly = false;
        if (!atIndex(s.index)) ownElement = false;
        return;
      }
      if (writtenArrays(s, fn, ctx).some((w) => set.has(w))) addOnly = ownElement = false;
      if (s.kind === 'assign' && s.expr.kind === 'load' && set.has(s.expr.array)) {
        addOnly = false;
        if (!atIndex(s.expr.index)) ownElement = false;
        return;
      }
      const reads = s.kind === 'assign' ? (s.expr.kind === 'length' ? [] : exprReads(s.expr)) : s.kind === 'store' ? [] : stmtReads(s);
      if (reads.some((n) => set.has(n))) addOnly = ownElement = false;
    });
    if (!addOnly && !ownElement) return false;
  }
  return true;
}

/** Every statement of the loop that mentions `n` is `n = n ± a` (or `n = a + n`) with `a` another value. */
function isSum(n: string, body: Stmt[]): boolean {
  let ok = true;
  forEachStmt(body, (s) => {
    const reads = stmtReads(s), writes = stmtWrites(s);
    if (!reads.includes(n) && !writes.includes(n)) return;
    if (s.kind !== 'assign' || s.target !== n || s.expr.kind !== 'binary') { ok = false; return; }
    const { op, left, right } = s.expr;
    const self = (x: typeof left) => x.kind === 'var' && x.name === n;
    if (!((op === '+' || op === '-') && self(left) && !self(right)) && !(op === '+' && self(right) && !self(left))) ok = false;
  });
  return ok;
}

function allocatedOnly(n: string, body: Stmt[]): boolean {
  let ok = true;
  forEachStmt(body, (s) => { if (s.kind === 'assign' && s.target === n && s.expr.kind !== 'alloc') ok = false; });
  return ok;
}
