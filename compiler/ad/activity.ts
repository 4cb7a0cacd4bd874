// Activity analysis: which variables depend on the differentiated inputs.
// Only these get adjoints (or tangents); everything else is a constant to the
// derivative. Flow-insensitive and conservative: a name is active if any
// assignment to it reads an active name (arrays: if any store writes an active value).
import type { Atom, IrFunction, Stmt } from '../ir/nodes.js';
import { exprReads, forEachStmt } from '../ir/walk.js';

export function activity(fn: IrFunction, seeds: Set<string>, functions: ReadonlyMap<string, IrFunction> = new Map()): Set<string> {
  const writes = arrayWrites(functions);
  const differentiable = (n: string) => { const t = fn.vars.get(n); return t === 'f64' || t === 'f64[]'; };
  // A pop gives back what the push of its slot saved: active if that was.
  const pushed = new Map<number, string[]>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'push' && s.value.kind === 'var') (pushed.get(s.slot) ?? pushed.set(s.slot, []).get(s.slot)!).push(s.value.name);
  });
  // Each statement as a rule: once any of its inputs is active, its outputs are. Generated callees (VJPs)
  // accumulate into some of their array arguments, so those are outputs too.
  const written = (callee: string, args: Atom[]) => {
    const w = writes.get(callee);
    return args.flatMap((a, i) => (a.kind === 'var' && w?.has(i) ? [a.name] : []));
  };
  const rules: { outputs: string[]; fired: boolean }[] = [];
  const uses = new Map<string, number[]>();
  const rule = (inputs: string[], outputs: string[]) => {
    const k = rules.push({ outputs, fired: false }) - 1;
    for (const n of inputs) (uses.get(n) ?? uses.set(n, []).get(n)!).push(k);
  };
  forEachStmt(fn.body, (s: Stmt) => {
    if (s.kind === 'assign') {
      if (s.expr.kind === 'length' || s.expr.kind === 'alloc') return;
      if (s.expr.kind === 'pop') rule(pushed.get(s.expr.slot) ?? [], [s.target]);
      else rule(exprReads(s.expr), s.expr.kind === 'call' ? [s.target, ...written(s.expr.callee, s.expr.args)] : [s.target]);
    } else if (s.kind === 'multi') {
      rule(s.args.flatMap((a) => (a.kind === 'var' ? [a.name] : [])), [...s.targets, ...written(s.callee, s.args)]);
    } else if (s.kind === 'store') {
      if (s.value.kind === 'var') rule([s.value.name], [s.array]);
    }
  });
  // Propagate from the seeds, each rule once (the least fixpoint, in time linear in the function).
  const active = new Set(seeds);
  const work = [...seeds];
  while (work.length) {
    for (const k of uses.get(work.pop()!) ?? []) {
      const r = rules[k];
      if (r.fired) continue;
      r.fired = true;
      for (const n of r.outputs) if (!active.has(n) && differentiable(n)) { active.add(n); work.push(n); }
    }
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
