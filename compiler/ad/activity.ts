// Activity analysis: which variables depend on the differentiated inputs.
// Only these get adjoints (or tangents); everything else is a constant to the
// derivative. Flow-insensitive and conservative: a name is active if any
// assignment to it reads an active name (arrays: if any store writes an active value).
import type { Atom, IrFunction, Stmt } from '../ir/nodes.js';
import { exprReads, forEachStmt } from '../ir/walk.js';

export function activity(fn: IrFunction, seeds: Set<string>, functions: ReadonlyMap<string, IrFunction> = new Map()): Set<string> {
  const writes = arrayWrites(functions);
  const active = new Set(seeds);
  const differentiable = (n: string) => { const t = fn.vars.get(n); return t === 'f64' || t === 'f64[]'; };
  let changed = true;
  const mark = (n: string) => { if (!active.has(n) && differentiable(n)) { active.add(n); changed = true; } };
  const markWritten = (callee: string, args: Atom[]) => {
    const w = writes.get(callee);
    args.forEach((a, i) => { if (a.kind === 'var' && w?.has(i)) mark(a.name); });
  };
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
          // Generated callees (VJPs) accumulate into some of their array arguments.
          if (s.expr.kind === 'call') markWritten(s.expr.callee, s.expr.args);
        }
      } else if (s.kind === 'multi') {
        if (s.args.some((a) => a.kind === 'var' && active.has(a.name))) {
          s.targets.forEach(mark);
          markWritten(s.callee, s.args);
        }
      } else if (s.kind === 'store') {
        if (s.value.kind === 'var' && active.has(s.value.name)) mark(s.array);
      }
    });
  }
  return active;
}

/** For each function, the positions of the array parameters it may write (itself or through its callees). */
export function arrayWrites(functions: ReadonlyMap<string, IrFunction>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const name of functions.keys()) out.set(name, new Set());
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, fn] of functions) {
      const index = new Map(fn.params.map((p, i) => [p.name, i]));
      const w = out.get(name)!;
      const add = (n: string) => { const i = index.get(n); if (i !== undefined && !w.has(i)) { w.add(i); changed = true; } };
      forEachStmt(fn.body, (s) => {
        if (s.kind === 'store') add(s.array);
        const call = s.kind === 'multi' ? { callee: s.callee, args: s.args } : s.kind === 'assign' && s.expr.kind === 'call' ? s.expr : undefined;
        if (call) {
          const cw = out.get(call.callee);
          call.args.forEach((a, i) => { if (a.kind === 'var' && cw?.has(i)) add(a.name); });
        }
      });
    }
  }
  return out;
}
