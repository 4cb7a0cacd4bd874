// Decides, before reverse mode writes anything, how each value the adjoint
// sweep may need is kept: not at all, recomputed, pushed on the tape, or
// copied to a local. See reverse.ts for the strategy.
import type { Namer } from '../ir/names.js';
import type { Atom, Expr, IrFunction, Stmt, Type } from '../ir/nodes.js';
import { childBlocks, exprReads, forEachStmt, isPure, readBeforeAssigned, stmtReads, stmtWrites } from '../ir/walk.js';

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
  /**
   * Checkpointed loops: the adjoint of each iteration first runs the iteration again
   * from the variables it carries over from the previous one (pushed at its start),
   * so what its inner loops save lives on the tape for one iteration only.
   */
  checkpoints: Map<Stmt, Checkpoint>;
  /** Blocks of a checkpointed iteration outside its inner loops: their locals live from the re-run to their adjoint. */
  kept: Set<Stmt[]>;
}

export interface Checkpoint {
  /** What one iteration hands the next: pushed at the start of each iteration. */
  carried: { name: string; slot: number }[];
  /**
   * The primal sweep's copy of the loop works on its own names for what lives only in
   * the loop (scalars it assigns before reading, scratch arrays made with `length`),
   * so that when the derivative does not need its results, nothing else keeps it alive.
   */
  renamed: Map<string, string>;
  scratch: { name: string; length: Atom }[];
}

export function planSaves(fn: IrFunction, namer: Namer, vars: Map<string, Type>): Plan {
  const plan: Plan = { saves: new Map(), blockLocals: new Map(), localNames: new Map(), touched: new Map(), counters: new Map(), checkpoints: new Map(), kept: new Set() };
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

  /** Per loop body: the scalars each iteration assigns before reading, used nowhere else. */
  const ownScalars = new Map<Stmt[], Set<string>>();
  // Names assigned so far in program order: a first assignment outside loops overwrites nothing.
  let assigned = new Set<string>(fn.params.map((p) => p.name));
  const visit = (b: Stmt[], inLoop: boolean, loopBodies: Stmt[][]) => {
    const locals = localsOf(b);
    const assignedHere = inLoop ? assignedInBlock(b) : new Set<string>();
    const storedHere = inLoop ? storedInBlock(b) : new Set<string>();
    const available = new Set<string>();
    const entries: BlockLocal[] = [];
    const own = ownScalars.get(b);
    const mentioned = new Set<string>();
    for (const s of b) {
      const callee = s.kind === 'multi' || (s.kind === 'assign' && (s.expr.kind === 'call' || (s.expr.kind === 'prim' && s.expr.name.startsWith('np.'))));
      if (callee) {
        // An np operation's or a helper's adjoint reads its array arguments (a helper's VJP runs
        // its primal again): stores after it must be undone first.
        for (const n of stmtReads(s)) if (vars.get(n) === 'f64[]') { loadedByRecompute.add(n); recomputedLoads.add(s); }
      }
      if (s.kind === 'assign') {
        const x = s.target;
        if (locals.has(x)) {
          for (const body of loopBodies) plan.localNames.get(body)!.push(x);
          if (vars.get(x) === 'f64[]') arrayHome.set(x, b);
          if (inLoop) {
            const e = s.expr;
            const elementsRead = elementReads(e, vars);
            const ok = isPure(e) && exprReads(e).every((n) => (vars.get(n) === 'f64[]'
              ? !(elementsRead.includes(n) && storedHere.has(n))
              : !assignedHere.has(n) || available.has(n)));
            if (ok) {
              for (const a of elementsRead) loadedByRecompute.add(a);
              if (elementsRead.length) recomputedLoads.add(s);
              entries.push({ name: x, how: 'recompute', slot: -1, stmt: s });
            } else {
              const save: Save = { how: 'push-new', name: x, slot: slot++ };
              plan.saves.set(s, save);
              entries.push({ name: x, how: 'push-new', slot: save.slot, stmt: s });
            }
            available.add(x);
          }
        } else if (own?.has(x) && !mentioned.has(x)) {
          // An iteration's own scalar, assigned here first: nothing earlier is overwritten. Its value
          // at the end of the iteration is kept for the adjoint, which restores the earlier ones.
          const save: Save = { how: 'push-new', name: x, slot: slot++ };
          plan.saves.set(s, save);
          entries.push({ name: x, how: 'push-new', slot: save.slot, stmt: s });
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
        if (s.kind === 'for') {
          // A scalar that lives only in this loop and that each iteration assigns before it reads is
          // the iteration's own, however often it is assigned: its adjoint restarts at zero.
          const occ = occIn(body);
          const written = assignedInBlock(body);
          const carried = new Set(carriedIn(body, s.index, written, vars));
          const own = new Set([...written].filter((n) => n !== s.index && !carried.has(n) && vars.get(n) !== 'f64[]' && occ.get(n) === occurrences.get(n)));
          ownScalars.set(body, own);
          for (const n of own) for (const lb of [...loopBodies, body]) if (!plan.localNames.get(lb)!.includes(n)) plan.localNames.get(lb)!.push(n);
        }
        visit(body, true, [...loopBodies, body]);
        continue;
      }
      for (const [n] of occIn([s])) mentioned.add(n);
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

  for (const [k, s] of fn.body.entries()) {
    if (s.kind !== 'for') continue;
    const cp = checkpointOf(s, fn.body.slice(k + 1), plan, vars, refilled, (a, n) => {
      // The array was made once, before the loop, with length n, which nothing changes; outside
      // the loop nothing but its length is used (the primal sweep fills a copy of it).
      let made = false, used = false;
      forEachStmt(fn.body.slice(0, k), (x) => { if (x.kind === 'assign' && x.target === a && x.expr.kind === 'alloc' && sameAtom(x.expr.length, n)) made = true; });
      forEachStmt(fn.body.filter((x) => x !== s), (x) => {
        if (x.kind === 'assign' && (x.expr.kind === 'length' || (x.target === a && x.expr.kind === 'alloc'))) return;
        if (stmtReads(x).includes(a) || stmtWrites(x).includes(a)) used = true;
      });
      return made && !used && assignCount.get(a) === 1 && (n.kind === 'const' || assignCount.get(n.name) === 1);
    });
    if (!cp) continue;
    const elsewhere = new Set<string>();
    forEachStmt(fn.body.filter((x) => x !== s), (x) => { for (const n of [...stmtReads(x), ...stmtWrites(x)]) elsewhere.add(n); });
    const renamed = new Map<string, string>();
    const scratch: Checkpoint['scratch'] = [];
    for (const n of assignedInBlock(s.body)) {
      if (elsewhere.has(n) || cp.carried.includes(n)) continue;
      renamed.set(n, namer.fresh(n));
      vars.set(renamed.get(n)!, vars.get(n)!);
    }
    for (const a of cp.fills) {
      renamed.set(a.name, namer.fresh(a.name));
      vars.set(renamed.get(a.name)!, 'f64[]');
      scratch.push({ name: renamed.get(a.name)!, length: a.length });
    }
    // Besides what an iteration reads before assigning, what it assigns that code outside the
    // loop uses must start each re-run from its value then: restores after the last re-run
    // then leave it as it was before the loop.
    const carried = new Set(cp.carried);
    for (const n of assignedInBlock(s.body)) if (n !== s.index && elsewhere.has(n) && vars.get(n) !== 'f64[]') carried.add(n);
    plan.checkpoints.set(s, { carried: [...carried].map((name) => ({ name, slot: slot++ })), renamed, scratch });
    // The iteration's own blocks (its body and the branches of its ifs, not inner loops) run once
    // per re-run, right before their adjoint: what they compute is still at hand, nothing is saved.
    const ownBlocks = (b: Stmt[]) => { plan.kept.add(b); for (const x of b) if (x.kind === 'if') { ownBlocks(x.then); ownBlocks(x.else); } };
    ownBlocks(s.body);
    // Inside a re-run iteration the tape holds one iteration's values, so costly primitives in its
    // inner loops are kept rather than computed a third time (as a person writing the gradient would).
    forEachStmt(s.body, (x) => {
      for (const c of childBlocks(x)) {
        if (plan.kept.has(c)) continue;
        for (const l of plan.blockLocals.get(c) ?? []) {
          const e = l.stmt.kind === 'assign' ? l.stmt.expr : undefined;
          if (l.how !== 'recompute' || !e || !((e.kind === 'prim' && COSTLY.test(e.name)) || (e.kind === 'binary' && e.op === '**'))) continue;
          l.how = 'push-new';
          l.slot = slot++;
          plan.saves.set(l.stmt, { how: 'push-new', name: l.name, slot: l.slot });
        }
      }
    });
    // An iteration's first assignment to what lives only in it overwrites nothing the adjoint needs.
    const seen = new Set<string>();
    for (const x of s.body) {
      if (x.kind === 'assign' && renamed.has(x.target) && !seen.has(x.target) && plan.saves.get(x)?.how === 'push-old') plan.saves.delete(x);
      forEachStmt([x], (y) => { for (const n of [...stmtReads(y), ...stmtWrites(y)]) seen.add(n); });
    }
  }

  // An element must be restored only if a recomputed load could see a later value. For an
  // array of its own block whose loads all come after its stores there, none can.
  const contains = (root: Stmt, pred: (x: Stmt) => boolean) => { let f = false; forEachStmt([root], (x) => { if (pred(x)) f = true; }); return f; };
  const storesBeforeLoads = (a: string): boolean => {
    const home = arrayHome.get(a);
    if (!home) return false;
    let lastStore = -1, firstLoad = Infinity;
    home.forEach((top, i) => {
      if (contains(top, (x) => x.kind === 'store' && x.array === a)) lastStore = i;
      if (firstLoad === Infinity && contains(top, (x) => recomputedLoads.has(x) && stmtReads(x).includes(a))) firstLoad = i;
    });
    return lastStore < firstLoad;
  };
  for (const { s } of stores) {
    if (!loadedByRecompute.has(s.array) || storesBeforeLoads(s.array) || refilled.has(s.array)) continue;
    const copy = namer.fresh(`${s.array}_old`);
    vars.set(copy, 'f64');
    plan.saves.set(s, { how: 'push-element', name: s.array, slot: slot++, copy });
  }
  readBackStored(fn, plan, assignCount);
  return plan;
}

/**
 * A value an iteration computes and then stores at the loop's index of an array stored nowhere
 * else is read back from there by the iteration's adjoint instead of going on the tape (an MLP's
 * `h[j] = Math.tanh(a)`). Only for loops whose adjoint runs before anything could run the store
 * again: loops at the top of the function, or in a checkpointed iteration outside its inner loops.
 */
function readBackStored(fn: IrFunction, plan: Plan, assignCount: Map<string, number>): void {
  const storeSites = new Map<string, number>();
  const handedOn = new Set<string>();
  forEachStmt(fn.body, (x) => {
    if (x.kind === 'store') storeSites.set(x.array, (storeSites.get(x.array) ?? 0) + 1);
    const args = x.kind === 'multi' ? x.args : x.kind === 'assign' && x.expr.kind === 'call' ? x.expr.args : [];
    for (const a of args) if (a.kind === 'var') handedOn.add(a.name);
  });
  const readBack = (loop: Extract<Stmt, { kind: 'for' }>) => {
    for (const l of plan.blockLocals.get(loop.body) ?? []) {
      const def = l.stmt;
      if (l.how !== 'push-new' || def.kind !== 'assign' || fn.vars.get(l.name) !== 'f64') continue;
      const at = loop.body.indexOf(def);
      const store = loop.body.slice(at + 1).find((x): x is Extract<Stmt, { kind: 'store' }> => x.kind === 'store' && !x.accumulate
        && x.value.kind === 'var' && x.value.name === l.name && x.index.kind === 'var' && x.index.name === loop.index);
      if (!store || storeSites.get(store.array) !== 1 || assignCount.get(store.array) !== 1 || handedOn.has(store.array)) continue;
      plan.saves.delete(def);
      l.how = 'recompute';
      l.stmt = { kind: 'assign', target: l.name, expr: { kind: 'load', array: store.array, index: store.index }, loc: def.loc };
    }
  };
  const visit = (b: Stmt[]) => {
    for (const x of b) {
      if (x.kind === 'for') readBack(x);
      if (x.kind === 'if') { visit(x.then); visit(x.else); }
    }
  };
  visit(fn.body);
  for (const b of plan.kept) visit(b);
}

/**
 * Whether a top-level counted loop is worth checkpointing, and can be: some loop
 * inside it saves values per inner iteration, or it saves values and calls no
 * helper; every array it stores into is its
 * own scratch (made in it, or filled whole before it is read in each iteration);
 * no array it reads is changed after it. Returns the scalars an iteration reads
 * before it assigns them (what it carries over), or undefined.
 */
function checkpointOf(loop: Extract<Stmt, { kind: 'for' }>, after: Stmt[], plan: Plan, vars: Map<string, Type>, refilled: Set<string>,
  scratchOf: (a: string, n: Atom) => boolean): { carried: string[]; fills: { name: string; length: Atom }[] } | undefined {
  const body = loop.body;
  const taped = (b: Stmt[]) => {
    let t = false;
    forEachStmt(b, (x) => { if (plan.saves.has(x) || x.kind === 'while') t = true; for (const c of childBlocks(x)) if (plan.blockLocals.get(c)?.some((l) => l.how === 'push-new')) t = true; });
    return t || !!plan.blockLocals.get(b)?.some((l) => l.how === 'push-new');
  };
  // Worth it when inner loops save per inner iteration, or when the iteration saves values at all and
  // re-running it costs no helper calls: then the primal sweep keeps only what iterations carry (often
  // nothing the derivative needs, and the sweep goes), and the re-run keeps its values in locals.
  let worth = false, calls = false;
  forEachStmt(body, (x) => {
    if ((x.kind === 'for' || x.kind === 'while') && taped(x.body)) worth = true;
    if (x.kind === 'multi' || (x.kind === 'assign' && x.expr.kind === 'call')) calls = true;
  });
  if (!worth && (calls || !taped(body))) return undefined;
  const assignedHere = new Set<string>();
  forEachStmt(body, (x) => { for (const n of stmtWrites(x)) assignedHere.add(n); });
  for (const a of [loop.start, loop.end]) if (a.kind === 'var' && assignedHere.has(a.name)) return undefined;
  // Names used only inside the loop.
  const outside = new Set<string>();
  forEachStmt(after, (x) => { for (const n of [...stmtReads(x), ...stmtWrites(x)]) outside.add(n); if (x.kind === 'store') outside.add(x.array); });
  let ok = true;
  const stored = new Set<string>(), loaded = new Set<string>();
  forEachStmt(body, (x) => {
    if (x.kind === 'store') stored.add(x.array);
    if (x.kind === 'assign') for (const a of elementReads(x.expr, vars)) loaded.add(a);
    // Helpers may write the arrays they are given; array references must not change.
    if ((x.kind === 'assign' && x.expr.kind === 'call') || x.kind === 'multi') {
      const args = x.kind === 'multi' ? x.args : (x.expr as Extract<Expr, { kind: 'call' }>).args;
      if (args.some((a) => a.kind === 'var' && vars.get(a.name) === 'f64[]')) ok = false;
    }
    if (x.kind === 'assign' && vars.get(x.target) === 'f64[]' && (x.expr.kind !== 'alloc' || outside.has(x.target))) ok = false;
  });
  if (!ok) return undefined;
  const madeHere = new Set<string>();
  forEachStmt(body, (x) => { if (x.kind === 'assign' && x.expr.kind === 'alloc') madeHere.add(x.target); });
  const fills: { name: string; length: Atom }[] = [];
  for (const a of stored) {
    if (madeHere.has(a)) continue;
    const length = filledWhole(a, body, scratchOf, vars);
    if (!length) return undefined;
    fills.push({ name: a, length });
  }
  // Arrays the loop reads must still hold the same elements when its adjoint runs.
  const storedAfter = new Set<string>();
  forEachStmt(after, (x) => {
    if (x.kind === 'store') storedAfter.add(x.array);
    if ((x.kind === 'assign' && x.expr.kind === 'call') || x.kind === 'multi') {
      const args = x.kind === 'multi' ? x.args : (x.expr as Extract<Expr, { kind: 'call' }>).args;
      for (const a of args) if (a.kind === 'var') storedAfter.add(a.name);
    }
  });
  for (const a of loaded) if (storedAfter.has(a)) return undefined;
  for (const a of fills) refilled.add(a.name);
  return { carried: carriedIn(body, loop.index, assignedHere, vars), fills };
}

/**
 * Array `a` is stored only by one loop `for (j = 0; j < n; j++) { ... a[j] = ... }` (n the
 * length `a` was made with, the store unconditional), and every load of `a` comes after
 * that loop in the same block: each run of the block fills `a` whole before reading it.
 */
function filledWhole(a: string, root: Stmt[], scratchOf: (a: string, n: Atom) => boolean, vars: Map<string, Type>): Atom | undefined {
  let made: Atom | undefined;
  let stores = 0, loads = 0;
  const reads = (y: Stmt) => y.kind === 'assign' && elementReads(y.expr, vars).includes(a);
  forEachStmt(root, (x) => {
    if (x.kind === 'store' && x.array === a) stores++;
    if (reads(x)) loads++;
  });
  const find = (b: Stmt[]): boolean => {
    for (const [k, x] of b.entries()) {
      if (x.kind === 'for' && x.step === 1 && !x.inclusive && x.start.kind === 'const' && x.start.value === 0
        && x.body.some((y) => y.kind === 'store' && y.array === a && !y.accumulate && y.index.kind === 'var' && y.index.name === x.index)) {
        made = x.end;
        let loadsAfter = 0, storesIn = 0;
        forEachStmt(b.slice(k + 1), (y) => { if (reads(y)) loadsAfter++; });
        forEachStmt(x.body, (y) => { if (y.kind === 'store' && y.array === a) storesIn++; });
        return storesIn === stores && loadsAfter === loads;
      }
      for (const c of childBlocks(x)) if (find(c)) return true;
    }
    return false;
  };
  if (!find(root) || !made) return undefined;
  return scratchOf(a, made) ? made : undefined;
}

/** The arrays whose elements an expression reads (a load, an np operation); a length never changes. */
function elementReads(e: Expr, vars: Map<string, Type>): string[] {
  return e.kind === 'length' ? [] : exprReads(e).filter((n) => vars.get(n) === 'f64[]');
}

/** Primitives that cost far more than a push and a pop. */
const COSTLY = /^Math\.(exp|expm1|log|log1p|log2|log10|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|hypot|cbrt|pow)$/;

const sameAtom = (x: Atom, y: Atom) => (x.kind === 'var' ? y.kind === 'var' && x.name === y.name : y.kind === 'const' && x.value === y.value);

/** Scalars a loop body may read before it assigns them in the same iteration: the state one iteration hands the next. */
function carriedIn(body: Stmt[], index: string, assignedHere: Set<string>, vars: Map<string, Type>): string[] {
  return [...readBeforeAssigned(body, new Set([...assignedHere].filter((n) => n !== index && vars.get(n) !== 'f64[]')))];
}
