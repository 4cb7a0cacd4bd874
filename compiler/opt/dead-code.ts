// dead-code: removes what cannot affect the function's results.
//
// - Assignments to dead variables, by strong liveness (analysis.liveness):
//   the value is never read on any path, through branches and loops, so a
//   loop-carried accumulator that nothing after the loop reads goes too.
//   Every expression but `pop` is removable: primitives and calls of module
//   functions compute values only (callees never write their arguments).
//       t = e   (t dead) ==> nothing
// - Stores into arrays none of whose aliases is read afterwards (local
//   arrays from `alloc`, or fresh results); then the `alloc` itself. Array
//   parameters belong to the caller: what is written into them stays. A
//   call is kept while an array it may write is live (generated VJPs
//   accumulate into their array arguments; analysis.moduleEffects says which).
//       a[i] = v   (a dead) ==> nothing
// - Tape slots none of whose popped values is needed, assuming their pushes
//   are not (tape-elision's idleSlots): pairs whose popped value is dead, and
//   cycles (`push x … x = pop` where the popped x only feeds the next push).
// - Statements after `break`, `continue` or `return` in the same block, and
//   a `continue` that ends a loop body.
//       return x; s ==> return x        for … { s; continue } ==> for … { s }
// - `if`s with two empty branches, and counted loops with an empty body
//   (a counted loop always ends, so dropping it changes nothing). A `while`
//   with an empty body stays: whether it ends is its effect.
//       if c {} ==> nothing        for i = a; i < b { } ==> nothing
// - Comments that label nothing any more. A comment labels the statements
//   after it up to the next comment of its rank: section labels (no colon,
//   `// adjoint`) outrank item labels (`// grad of: y = x * x`). One whose
//   group is empty (followed by a comment of its rank or higher, by the end
//   of the block, or by `return`) goes.
//       // grad of: t = a * 1.0
//       // grad of: y = t      ==>   // grad of: y = t
// - Unused variables in fn.vars.
//
// Assumes: valid IR. Guarantees: same results and tape behaviour on every
// input; repeats until nothing changes (each round can only remove).
import type { IrFunction, Stmt, Type } from '../ir/nodes.js';
import { forEachStmt, mapBlocks, stmtReads, stmtWrites } from '../ir/walk.js';
import { countStmts, liveness, type Liveness, type PassContext } from './analysis.js';
import { idleSlots, removeDeadTapePairs } from './tape-elision.js';

const MAX_ROUNDS = 20;

export function deadCode(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = countStmts(fn.body);
    // Pops are never swept, so what was dead before the sweep is dead after it.
    const live = liveness(fn, { ctx, idle: idleSlots(fn, ctx) });
    const seen = { reads: false };
    const swept = { ...fn, body: sweep(fn.body, live, seen) };
    fn = removeDeadTapePairs(swept, live); // push #k x … y = pop #k (y dead) ==> nothing
    // Dead statements add nothing to what is live, so removing them leaves every other statement as live
    // as it was: another round finds more only if reads went too (a condition, a bound, a pushed value).
    if (!seen.reads && fn === swept) break;
    if (countStmts(fn.body) === before) break;
  }
  const vars = usedVars(fn);
  return { ...fn, vars, ...(fn.named ? { named: new Set([...fn.named].filter((n) => vars.has(n))) } : {}) };
}

/** Removes what is dead; `seen.reads` is set when statements that are not dead (and their reads) go too. */
function sweep(body: Stmt[], live: Liveness, seen: { reads: boolean }): Stmt[] {
  const out: Stmt[] = [];
  for (let k = 0; k < body.length; k++) {
    const s0 = body[k];
    if (live.isDead(s0)) continue; // t = e (t dead) ==> nothing;  a[i] = v (a dead) ==> nothing
    let s = mapBlocks(s0, (b) => sweep(b, live, seen));
    // loop { ...; continue } ==> loop { ... }
    if (s.kind === 'for' || s.kind === 'while') {
      const body = dropTrailingContinue(s.body);
      if (body !== s.body) { seen.reads = true; s = { ...s, body }; }
    }
    if ((s.kind === 'if' && !s.then.length && !s.else.length) || (s.kind === 'for' && !s.body.length)) {
      seen.reads = true;
      continue; // if c {} ==> nothing;  for i = a; i < b {} ==> nothing
    }
    out.push(s);
    if (s.kind === 'break' || s.kind === 'continue' || s.kind === 'return') { // return x; s ==> return x
      if (k < body.length - 1) seen.reads = true;
      break;
    }
  }
  return dropEmptyLabels(out);
}

function dropTrailingContinue(body: Stmt[]): Stmt[] {
  return body.length && body[body.length - 1].kind === 'continue' ? body.slice(0, -1) : body;
}

const rank = (text: string) => (text.includes(':') ? 1 : 0);

function dropEmptyLabels(body: Stmt[]): Stmt[] {
  // Built back to front, then reversed.
  const out: Stmt[] = [];
  for (let i = body.length - 1; i >= 0; i--) {
    const s = body[i];
    const next = out[out.length - 1];
    // A label whose group is empty ==> nothing
    if (s.kind === 'comment' && (!next || next.kind === 'return' || (next.kind === 'comment' && rank(next.text) <= rank(s.text)))) continue;
    out.push(s);
  }
  return out.reverse();
}

function usedVars(fn: IrFunction): Map<string, Type> {
  const used = new Set(fn.params.map((p) => p.name));
  forEachStmt(fn.body, (s) => {
    for (const n of stmtReads(s)) used.add(n);
    for (const n of stmtWrites(s)) used.add(n);
  });
  const vars = new Map<string, Type>();
  for (const [n, t] of fn.vars) if (used.has(n)) vars.set(n, t);
  return vars;
}
