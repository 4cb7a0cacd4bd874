// Activity analysis: which variables depend on the differentiated inputs.
// Only these get adjoints (or tangents); everything else is a constant to the
// derivative. Flow-insensitive and conservative: a name is active if any
// assignment to it reads an active name (arrays: if any store writes an active value).
import type { IrFunction, Stmt } from '../ir/nodes.js';
import { exprReads, forEachStmt } from '../ir/walk.js';

export function activity(fn: IrFunction, seeds: Set<string>): Set<string> {
  const active = new Set(seeds);
  const differentiable = (n: string) => { const t = fn.vars.get(n); return t === 'f64' || t === 'f64[]'; };
  let changed = true;
  const mark = (n: string) => { if (!active.has(n) && differentiable(n)) { active.add(n); changed = true; } };
  // A pop gives back what the push of its slot saved: active if that was.
  const pushed = new Map<number, string[]>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'push' && s.value.kind === 'var') pushed.set(s.slot, [...(pushed.get(s.slot) ?? []), s.value.name]);
  });
  while (changed) {
    changed = false;
    forEachStmt(fn.body, (s: Stmt) => {
      if (s.kind === 'assign') {
        if (s.expr.kind === 'length' || s.expr.kind === 'alloc') return;
        if (s.expr.kind === 'pop') {
          if ((pushed.get(s.expr.slot) ?? []).some((n) => active.has(n))) mark(s.target);
          return;
        }
        if (exprReads(s.expr).some((n) => active.has(n))) {
          mark(s.target);
          // Generated callees (VJPs) accumulate into their array arguments.
          if (s.expr.kind === 'call') for (const a of s.expr.args) if (a.kind === 'var' && fn.vars.get(a.name) === 'f64[]') mark(a.name);
        }
      } else if (s.kind === 'multi') {
        if (s.args.some((a) => a.kind === 'var' && active.has(a.name))) {
          s.targets.forEach(mark);
          for (const a of s.args) if (a.kind === 'var' && fn.vars.get(a.name) === 'f64[]') mark(a.name);
        }
      } else if (s.kind === 'store') {
        if (s.value.kind === 'var' && active.has(s.value.name)) mark(s.array);
      }
    });
  }
  return active;
}
