// tidy-names: a generated name with a number on it takes its plain form once
// nothing else in the function goes by it.
//
//   acc2 = neg_k2 * pos      (no `acc`, no `neg_k` left)   ==>   acc = neg_k * pos
//
// An adjoint or tangent follows its value: `tsq2` becomes `tsq` only with `sq2`.
//
// Numbers are how names stay distinct while the transformations run (the
// primal sweep's copy of a checkpointed loop, a recomputed temporary); once
// dead-code has removed the original, the number only makes the reader look
// for a twin that is not there. The user's own names (and their adjoints),
// parameters, the module's functions (and any the body calls) and reserved
// words are never taken or given: `x2` written by the user stays `x2`.
//
// Assumes: valid IR. Guarantees: the same function under other local names.
import { Namer } from '../ir/names.js';
import type { IrFunction } from '../ir/nodes.js';
import { forEachStmt, renameStmts, stmtReads, stmtWrites } from '../ir/walk.js';
import type { PassContext } from './analysis.js';

export function tidyNames(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  const keep = new Set([...fn.params.map((p) => p.name), ...(fn.named ?? [])]);
  const order: string[] = [];
  const seen = new Set<string>();
  const taken = new Namer([...fn.vars.keys(), ...(ctx.functions ?? [])]);
  forEachStmt(fn.body, (s) => {
    for (const n of [...stmtWrites(s), ...stmtReads(s)]) if (!seen.has(n)) { seen.add(n); order.push(n); }
    // A local must not shadow a function the body calls.
    if (s.kind === 'multi') taken.claim(s.callee);
    if (s.kind === 'assign' && s.expr.kind === 'call') taken.claim(s.expr.callee);
    if (s.kind === 'assign' && s.hook) taken.claim(s.hook);
  });
  const rename = new Map<string, string>();
  const give = (n: string, to: string) => { if (!taken.has(to)) { taken.claim(to); rename.set(n, to); } };
  // An adjoint or tangent (`dsq2`, `tsq2`) keeps its value's name (`sq2`): it follows it, below.
  const partner = (n: string) => (/^[dt]./.test(n) && fn.vars.has(n.slice(1)) ? n.slice(1) : undefined);
  for (const n of order) {
    if (keep.has(n) || !fn.vars.has(n) || partner(n)) continue;
    const m = /^(.*[A-Za-z])\d+$/.exec(n) ?? /^(.*\d)_\d+$/.exec(n);
    if (m) give(n, m[1]);
  }
  for (const n of order) {
    const p = partner(n);
    if (p && !keep.has(n) && rename.has(p)) give(n, n[0] + rename.get(p)!);
  }
  if (!rename.size) return fn;
  const to = (n: string) => rename.get(n) ?? n;
  return { ...fn, body: renameStmts(fn.body, to), vars: new Map([...fn.vars].map(([n, t]) => [to(n), t])) };
}
