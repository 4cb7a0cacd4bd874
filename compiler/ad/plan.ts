// Decides, before reverse mode writes anything, how each value the adjoint
// sweep may need is kept: not at all, recomputed, pushed on the tape, or
// copied to a local. See reverse.ts for the strategy.
import type { Namer } from '../ir/names.js';
import type { IrFunction, Stmt, Type } from '../ir/nodes.js';
import { childBlocks, exprReads, forEachStmt, isPure, stmtReads, stmtWrites } from '../ir/walk.js';

export type Save =
  | { how: 'push-old'; name: string; slot: number; copy?: undefined }
  | { how: 'copy-old'; name: string; slot: number; copy: string }
  | { how: 'push-new'; name: string; slot: number; copy?: undefined }
  | { how: 'push-element'; name: string; slot: number; copy: string };

export interface BlockLocal { name: string; how: 'push-new' | 'recompute' | 'none'; slot: number; stmt: Stmt }

export interface Plan {
  saves: Map<Stmt, Save>;
  /** Per block that runs many times: its locals, in program order. */
  blockLocals: Map<Stmt[], BlockLocal[]>;
  /** Per loop body: names of all block-locals inside it (their adjoints restart at zero each iteration). */
  localNames: Map<Stmt[], string[]>;
  /** Per loop body: every name it reads or assigns. */
  touched: Map<Stmt[], Set<string>>;
  /** Per while loop: its iteration counter, and the slot that saves it when the loop is itself in a loop. */
  counters: Map<Stmt, { name: string; slot?: number }>;
}

export function planSaves(fn: IrFunction, namer: Namer, vars: Map<string, Type>): Plan {
  const plan: Plan = { saves: new Map(), blockLocals: new Map(), localNames: new Map(), touched: new Map(), counters: new Map() };
  let slot = 0;
  const assignCount = new Map<string, number>();
  for (const p of fn.params) assignCount.set(p.name, 1);
  const occurrences = new Map<string, number>();
  const countBlock = (b: Stmt[]) => {
    for (const s of b) {
      for (const n of stmtWrites(s)) {
        if (s.kind !== 'for') assignCount.set(n, (assignCount.get(n) ?? 0) + 1);
        occurrences.set(n, (occurrences.get(n) ?? 0) + 1);
      }
      for (const n of stmtReads(s)) occurrences.set(n, (occurrences.get(n) ?? 0) + 1);
      childBlocks(s).forEach(countBlock);
    }
  };
  countBlock(fn.body);

  const occIn = (b: Stmt[], out = new Map<string, number>()) => {
    for (const s of b) {
      for (const n of [...stmtWrites(s), ...stmtReads(s)]) out.set(n, (out.get(n) ?? 0) + 1);
      for (const c of childBlocks(s)) occIn(c, out);
    }
    return out;
  };
  const assignedInBlock = (b: Stmt[], out = new Set<string>()) => {
    for (const s of b) { for (const n of stmtWrites(s)) out.add(n); childBlocks(s).forEach((c) => assignedInBlock(c, out)); }
    return out;
  };
  const storedInBlock = (b: Stmt[], out = new Set<string>()) => {
    for (const s of b) { if (s.kind === 'store') out.add(s.array); childBlocks(s).forEach((c) => storedInBlock(c, out)); }
    return out;
  };

  /** Names assigned once, directly in `b`, never read before that in `b`, and used nowhere else. */
  const localsOf = (b: Stmt[]): Set<string> => {
    const occ = occIn(b);
    const locals = new Set<string>();
    const seen = new Map<string, number>();
    for (const s of b) {
      const arrayDef = s.kind === 'assign' && vars.get(s.target) === 'f64[]';
      if (s.kind === 'assign' && assignCount.get(s.target) === 1 && !seen.has(s.target)
        && occ.get(s.target) === occurrences.get(s.target) && (!arrayDef || s.expr.kind !== 'atom')) {
        locals.add(s.target);
      }
      for (const [n] of occIn([s])) seen.set(n, 1);
    }
    return locals;
  };

  const loadedByRecompute = new Set<string>();
  /** Arrays a recomputed loop fills again before the adjoint reads them. */
  const refilled = new Set<string>();
  /** Every load of each array in the function, to check a refilled array is read only where the refill reaches. */
  const loadsOf = (a: string, root: Stmt[]) => { let k = 0; forEachStmt(root, (x) => { if (x.kind === 'assign' && x.expr.kind === 'load' && x.expr.array === a) k++; }); return k; };
  const storesOf = (a: string, root: Stmt[]) => { let k = 0; forEachStmt(root, (x) => { if (x.kind === 'store' && x.array === a) k++; }); return k; };
  /**
   * A counted loop `for j … { t = pure…; a[j'] = pure… }` at the top of block b that is the only
   * writer of array a, whose bounds and operands b does not change, and after which (in b) come
   * all reads of a: re-running it restores a. Returns a, or undefined.
   */
  const refillLoop = (loop: Extract<Stmt, { kind: 'for' }>, b: Stmt[], assignedHere: Set<string>, storedHere: Set<string>): string | undefined => {
    let array: string | undefined;
    const own = new Set<string>([loop.index]);
    for (const x of loop.body) {
      if (x.kind === 'assign' && isPure(x.expr) && vars.get(x.target) !== 'f64[]') { own.add(x.target); continue; }
      if (x.kind === 'store' && !x.accumulate && (array === undefined || array === x.array)) { array = x.array; continue; }
      return undefined;
    }
    if (!array || vars.get(array) !== 'f64[]') return undefined;
    for (const a of [loop.start, loop.end]) if (a.kind === 'var' && assignedHere.has(a.name)) return undefined;
    let ok = true;
    forEachStmt(loop.body, (x) => {
      for (const n of stmtReads(x)) {
        if (own.has(n) || n === array) continue;
        if (vars.get(n) === 'f64[]' ? storedHere.has(n) : assignedHere.has(n)) ok = false;
      }
    });
    const at = b.indexOf(loop);
    const after = b.slice(at + 1);
    if (!ok || storesOf(array, fn.body) !== storesOf(array, loop.body) || loadsOf(array, fn.body) !== loadsOf(array, after)) return undefined;
    return array;
  };
  const recomputedLoads = new Set<Stmt>();
  /** Arrays made in a block and used only there: the block they belong to. */
  const arrayHome = new Map<string, Stmt[]>();
  const stores: { s: Extract<Stmt, { kind: 'store' }> }[] = [];

  // Names assigned so far in program order: a first assignment outside loops overwrites nothing.
  let assigned = new Set<string>(fn.params.map((p) => p.name));
  const visit = (b: Stmt[], inLoop: boolean, loopBodies: Stmt[][]) => {
    const locals = localsOf(b);
    const assignedHere = inLoop ? assignedInBlock(b) : new Set<string>();
    const storedHere = inLoop ? storedInBlock(b) : new Set<string>();
    const available = new Set<string>();
    const entries: BlockLocal[] = [];
    for (const s of b) {
      if (s.kind === 'assign') {
        const x = s.target;
        if (locals.has(x)) {
          for (const body of loopBodies) plan.localNames.get(body)!.push(x);
          if (vars.get(x) === 'f64[]') arrayHome.set(x, b);
          if (inLoop) {
            const e = s.expr;
            const ok = isPure(e) && exprReads(e).every((n) => (vars.get(n) === 'f64[]'
              ? !(e.kind === 'load' && storedHere.has(n))
              : !assignedHere.has(n) || available.has(n)));
            if (ok) {
              if (e.kind === 'load') { loadedByRecompute.add(e.array); recomputedLoads.add(s); }
              entries.push({ name: x, how: 'recompute', slot: -1, stmt: s });
            } else {
              const save: Save = { how: 'push-new', name: x, slot: slot++ };
              plan.saves.set(s, save);
              entries.push({ name: x, how: 'push-new', slot: save.slot, stmt: s });
            }
            available.add(x);
          }
        } else if (vars.get(x) !== 'f64[]' && (inLoop || assigned.has(x))) {
          if (inLoop) plan.saves.set(s, { how: 'push-old', name: x, slot: slot++ });
          else {
            const copy = namer.fresh(`${x}_saved`);
            vars.set(copy, vars.get(x)!);
            plan.saves.set(s, { how: 'copy-old', name: x, slot: slot++, copy });
          }
        }
      } else if (s.kind === 'store') {
        stores.push({ s });
      } else if (s.kind === 'for' || s.kind === 'while') {
        const filled = s.kind === 'for' && inLoop ? refillLoop(s, b, assignedHere, storedHere) : undefined;
        if (filled) {
          // The loop fills an array afresh in every iteration of this block: re-running it at the
          // start of the block's adjoint restores the array, so its elements need no tape.
          entries.push({ name: '', how: 'recompute', slot: -1, stmt: s });
          refilled.add(filled);
        }
        for (const n of assignedInBlock([s])) assigned.add(n);
        if (s.kind === 'while') {
          const name = namer.fresh('iters');
          vars.set(name, 'i32');
          plan.counters.set(s, { name, slot: inLoop ? slot++ : undefined });
        }
        const body = s.body;
        plan.touched.set(body, occIn(body).size ? new Set(occIn(body).keys()) : new Set());
        plan.localNames.set(body, []);
        visit(body, true, [...loopBodies, body]);
        continue;
      }
      if (s.kind === 'if') {
        const start = assigned;
        assigned = new Set(start); visit(s.then, inLoop, loopBodies);
        const afterThen = assigned;
        assigned = new Set(start); visit(s.else, inLoop, loopBodies);
        for (const n of afterThen) assigned.add(n);
      }
      for (const n of stmtWrites(s)) assigned.add(n);
    }
    if (entries.length) plan.blockLocals.set(b, entries);
  };
  visit(fn.body, false, []);

  // An element must be restored only if a recomputed load could see a later value. For an
  // array of its own block whose loads all come after its stores there, none can.
  const contains = (root: Stmt, pred: (x: Stmt) => boolean) => { let f = false; forEachStmt([root], (x) => { if (pred(x)) f = true; }); return f; };
  const storesBeforeLoads = (a: string): boolean => {
    const home = arrayHome.get(a);
    if (!home) return false;
    let lastStore = -1, firstLoad = Infinity;
    home.forEach((top, i) => {
      if (contains(top, (x) => x.kind === 'store' && x.array === a)) lastStore = i;
      if (firstLoad === Infinity && contains(top, (x) => recomputedLoads.has(x) && x.kind === 'assign' && x.expr.kind === 'load' && x.expr.array === a)) firstLoad = i;
    });
    return lastStore < firstLoad;
  };
  for (const { s } of stores) {
    if (!loadedByRecompute.has(s.array) || storesBeforeLoads(s.array) || refilled.has(s.array)) continue;
    const copy = namer.fresh(`${s.array}_old`);
    vars.set(copy, 'f64');
    plan.saves.set(s, { how: 'push-element', name: s.array, slot: slot++, copy });
  }
  return plan;
}
