// Reverse mode: IR → IR. For each function, a vector-Jacobian product made of
// a primal sweep (the function itself, saving what it overwrites) and an
// adjoint sweep (the statements backwards, each one's adjoint from the rule
// table, restoring what the primal overwrote).
//
// What is saved, and how (see plan.ts):
// - a variable assigned once, outside loops: nothing (it keeps its value);
// - a variable local to a block that runs many times (a loop body): its
//   statement is recomputed at the start of that block's adjoint when it is
//   pure and its operands are still there, else its value is pushed after it
//   is computed and popped at the start of the block's adjoint;
// - any other overwrite: the old value is pushed (in loops) or copied to a
//   local (outside loops) and restored after the statement's adjoint;
// - while loops count their iterations; the adjoint loop runs that many times;
//   counted `for` loops run backwards over the same indices;
// - a checkpointed loop (a top-level loop whose inner loops save values) saves
//   only the state its iterations carry; the adjoint of each iteration runs the
//   iteration again first (docs/tape.md).
//
// Adjoints start as symbolic zeros: the first contribution assigns
// (`dx = e`), later ones add; nothing is materialised until it must be.
import { CompileError } from '../diagnostics.js';
import { Namer, adjointHint } from '../ir/names.js';
import { bool, f64, i32, v, assertNever, type Atom, type Expr, type IrFunction, type IrModule, type Loc, type Stmt, type TapeKind, type Type } from '../ir/nodes.js';
import { printAtom, printExpr } from '../ir/print.js';
import { assignedIn, exprReads, forEachStmt, renameStmts, stmtWrites } from '../ir/walk.js';
import { normalizeExits } from './normalize.js';
import { planSaves, type Plan, type Save } from './plan.js';
import { activity } from './activity.js';
import { instantiate } from './template.js';
import { arrayRuleByName, ruleArgs, scalarRule, type ArrayRule } from '../rules/index.js';

export interface ReverseOptions {
  /** Entry parameters to differentiate with respect to. */
  wrt: number[];
  /** Also return the function's value after the gradients. */
  preserveResult?: boolean;
}

/** Builds the gradient module: the entry's gradient function plus a VJP for every helper it reaches. */
export function reverseModule(mod: IrModule, opts: ReverseOptions): IrModule {
  const byName = new Map(mod.functions.map((f) => [f.name, f]));
  // Generated function names avoid every name in the module: a local `vjp_h` would shadow the function.
  const namer = new Namer(mod.functions.flatMap((f) => [f.name, ...f.vars.keys()]));
  const out: IrFunction[] = [];
  const vjps = new Map<string, string>();
  /** The VJP of `callee` for a pattern of active parameters; generated once each. */
  const vjpOf = (callee: string, active: boolean[]): string => {
    const key = `${callee}:${active.map(Number).join('')}`;
    let name = vjps.get(key);
    if (name) return name;
    name = namer.fresh(`vjp_${callee}`);
    vjps.set(key, name);
    const fn = byName.get(callee)!;
    out.push(new Reverser(fn, active, { kind: 'vjp', name }, vjpOf, byName).run());
    return name;
  };
  const entry = byName.get(mod.entry)!;
  const active = entry.params.map((_, i) => opts.wrt.includes(i));
  if (entry.results[0] !== 'f64') throw new CompileError('CT1201', { name: entry.name, got: 'a Float64Array' });
  const name = namer.fresh(`d${entry.name}_d${opts.wrt.map((i) => entry.params[i].name).join('_')}`);
  const grad = new Reverser(entry, active, { kind: 'grad', name, wrt: opts.wrt, preserveResult: !!opts.preserveResult }, vjpOf, byName).run();
  // Primal sweeps still call the user's helpers themselves.
  const helpers = mod.functions.filter((f) => f.name !== mod.entry);
  return pruneModule({ functions: [...helpers, ...out, grad], entry: name });
}

/** Drops the functions the entry cannot reach; keeps callees before callers. */
export function pruneModule(mod: IrModule): IrModule {
  const byName = new Map(mod.functions.map((f) => [f.name, f]));
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    forEachStmt(byName.get(name)!.body, (s) => {
      if (s.kind === 'assign' && s.expr.kind === 'call') visit(s.expr.callee);
      if (s.kind === 'multi') visit(s.callee);
    });
  };
  visit(mod.entry);
  return { ...mod, functions: mod.functions.filter((f) => reached.has(f.name)) };
}

type Mode = { kind: 'grad'; name: string; wrt: number[]; preserveResult: boolean } | { kind: 'vjp'; name: string };

/** An array a tape slot's values go in instead, indexed by a loop (and by the loop around it: `row`). */
interface SlotArray { array: string; index: string; row?: { index: string; trips: Atom } }

class Reverser {
  private readonly namer: Namer;
  private readonly vars: Map<string, Type>;
  private fn: IrFunction;
  private adj = new Map<string, string>();
  /**
   * Scalar adjoints that currently hold a real value. Every other adjoint is a
   * symbolic zero: never read, and its next contribution assigns instead of adding.
   */
  private nonzero = new Set<string>();
  /** Tape slots kept in arrays indexed by a loop instead (loopArrays). */
  private readonly slotArrays = new Map<number, SlotArray>();
  /** How many times each counted loop runs at most (tripsOf), computed once. */
  private readonly trips = new Map<Stmt, Atom>();
  /** How often each name is assigned in the function (loops' indices aside), counted once when first needed. */
  private assignCounts: Map<string, number> | undefined;
  private plan!: Plan;
  private active!: Set<string>;
  /** In a VJP returning an array: that array, whose adjoint is the seed parameter. */
  private seededArray: string | undefined;

  constructor(fn: IrFunction, private readonly activeParams: boolean[], private readonly mode: Mode,
    private readonly vjpOf: (callee: string, active: boolean[]) => string,
    private readonly functions: ReadonlyMap<string, IrFunction>) {
    this.namer = new Namer(fn.vars.keys());
    const normalized = normalizeExits(fn, this.namer);
    const vars = new Map(normalized.vars);
    this.fn = { ...normalized, vars, body: freezeConditions(mergeUpdates(normalized.body), this.namer, vars) };
    this.vars = new Map(this.fn.vars);
  }

  run(): IrFunction {
    const fn = this.fn;
    const seeds = fn.params.filter((_, i) => this.activeParams[i]).map((p) => p.name);
    const varied = activity(fn, new Set(seeds), this.functions);
    // Only what reaches the result needs an adjoint: a variable that does not would only carry
    // zeros, and 0 · ∞ along the way would make the gradient NaN where it is 0.
    const reaches = useful(fn);
    this.active = new Set([...varied].filter((n) => reaches.has(n)));
    this.plan = planSaves(fn, this.namer, this.vars);
    const body = fn.body;
    const ret = body[body.length - 1];
    if (ret?.kind !== 'return') throw new Error('internal error: normalized function must end in return');
    const resultAtom = ret.values[0];
    // A VJP's array seed is the adjoint of the array it returns: given, not allocated.
    if (this.mode.kind === 'vjp' && resultAtom.kind === 'var' && fn.results[0] === 'f64[]') this.seededArray = resultAtom.name;
    const primal = this.primalBlock(body.slice(0, -1));
    const params = [...fn.params];
    const adjointInit: Stmt[] = [];
    // Adjoint arrays of active array parameters.
    const arrayAdjParams: string[] = [];
    fn.params.forEach((p, i) => {
      if (!this.activeParams[i] || p.type !== 'f64[]') return;
      const d = this.adjName(p.name);
      if (this.mode.kind === 'grad') {
        const len = this.temp(`${p.name}_len`, 'i32');
        adjointInit.push({ kind: 'assign', target: len, expr: { kind: 'length', array: p.name } });
        adjointInit.push({ kind: 'assign', target: d, expr: { kind: 'alloc', length: v(len) } });
      } else arrayAdjParams.push(d);
    });
    // The seed.
    const seedStmts: Stmt[] = [];
    let seedParam: string | undefined;
    if (resultAtom.kind === 'var' && this.active.has(resultAtom.name)) {
      const d = this.adjName(resultAtom.name);
      if (this.mode.kind === 'grad') {
        seedStmts.push({ kind: 'assign', target: d, expr: { kind: 'atom', value: f64(1) } });
      } else {
        seedParam = d;
      }
      this.nonzero.add(d);
    } else if (this.mode.kind === 'vjp') {
      seedParam = this.namer.fresh('dresult');
      this.vars.set(seedParam, fn.results[0]);
    }
    const adjoint = this.adjointBlock(body.slice(0, -1));
    // Results: adjoints of the active scalar parameters (and arrays, for the entry).
    const results: Atom[] = [];
    const resultTypes: Type[] = [];
    fn.params.forEach((p, i) => {
      if (!this.activeParams[i]) return;
      if (p.type === 'f64[]' && this.mode.kind === 'vjp') return;
      const d = this.adjName(p.name);
      if (p.type !== 'f64[]' && !this.nonzero.has(d)) {
        results.push(f64(0));
      } else results.push(v(d));
      resultTypes.push(p.type);
    });
    if (this.mode.kind === 'grad' && this.mode.preserveResult) {
      // The adjoint sweep restores overwritten variables, so the value is kept aside before it starts.
      if (resultAtom.kind === 'var') {
        const value = this.temp('value', 'f64');
        primal.push({ kind: 'assign', target: value, expr: { kind: 'atom', value: resultAtom } });
        results.push(v(value));
      } else results.push(resultAtom);
      resultTypes.push('f64');
    }
    if (seedParam) {
      params.push({ name: seedParam, type: fn.results[0] });
      this.vars.set(seedParam, fn.results[0]);
    }
    for (const d of arrayAdjParams) params.push({ name: d, type: 'f64[]' });
    const out: IrFunction = {
      name: this.mode.name,
      params,
      results: resultTypes,
      body: [
        { kind: 'comment', text: 'primal' },
        ...primal,
        { kind: 'comment', text: 'adjoint' },
        ...adjointInit,
        ...seedStmts,
        ...adjoint,
        { kind: 'return', values: results },
      ],
      vars: this.vars,
      named: new Set([...(fn.named ?? []), ...[...this.adj].filter(([x]) => fn.named?.has(x) || fn.params.some((p) => p.name === x)).map(([, d]) => d)]),
      origin: { kind: 'vjp', of: fn.name },
      source: fn.source,
    };
    return out;
  }

  // ---- names --------------------------------------------------------------

  private adjName(x: string): string {
    let d = this.adj.get(x);
    if (!d) {
      d = this.namer.fresh(adjointHint(x));
      this.adj.set(x, d);
      this.vars.set(d, this.fn.vars.get(x) === 'f64[]' ? 'f64[]' : 'f64');
    }
    return d;
  }

  private temp(hint: string, type: Type): string {
    const n = this.namer.fresh(hint);
    this.vars.set(n, type);
    return n;
  }

  private isActive(a: Atom): a is { kind: 'var'; name: string } {
    return a.kind === 'var' && this.active.has(a.name);
  }

  // ---- the primal sweep ---------------------------------------------------

  private primalBlock(stmts: Stmt[], ownLocals = !this.plan.kept.has(stmts)): Stmt[] {
    const out: Stmt[] = [];
    for (const s of stmts) {
      const checkpoint = this.plan.checkpoints.get(s);
      if (checkpoint && s.kind === 'for') {
        // Only the state carried between iterations is saved; the adjoint re-runs each iteration.
        // The f64 values it carries go in arrays indexed by it (`xs[t] = x`), as a person would keep them.
        this.loopArrays(s, checkpoint.carried.filter((c) => this.vars.get(c.name) === 'f64'), (name) => `${name}_at`, out);
        const pushes = checkpoint.carried.flatMap((c) => this.keep(c.name, c.slot));
        for (const a of checkpoint.scratch) out.push({ kind: 'assign', target: a.name, expr: { kind: 'alloc', length: a.length } });
        out.push({ ...s, body: [...pushes, ...renameStmts(s.body, (n) => checkpoint.renamed.get(n) ?? n)] });
        continue;
      }
      const save = this.plan.saves.get(s);
      if (save?.how === 'push-old') {
        out.push(...this.keep(save.name, save.slot));
      } else if (save?.how === 'copy-old') {
        out.push({ kind: 'assign', target: save.copy!, expr: { kind: 'atom', value: v(save.name) } });
      } else if (save?.how === 'push-element' && s.kind === 'store') {
        const old = save.copy!;
        out.push({ kind: 'assign', target: old, expr: { kind: 'load', array: s.array, index: s.index } });
        out.push({ kind: 'push', tape: 'f64', value: v(old), slot: save.slot });
      }
      switch (s.kind) {
        case 'if': out.push({ ...s, then: this.primalBlock(s.then), else: this.primalBlock(s.else) }); break;
        case 'for': out.push({ ...s, body: this.primalBlock(s.body) }); break;
        case 'while': {
          const counter = this.plan.counters.get(s)!;
          out.push({ kind: 'assign', target: counter.name, expr: { kind: 'atom', value: i32(0) } });
          const body = [...this.primalBlock(s.body),
            { kind: 'assign', target: counter.name, expr: { kind: 'binary', op: '+', left: v(counter.name), right: i32(1) } } as Stmt];
          out.push({ ...s, body, update: [] });
          if (counter.slot !== undefined) out.push({ kind: 'push', tape: 'i32', value: v(counter.name), slot: counter.slot });
          break;
        }
        default: out.push(s);
      }
      if (s.kind === 'assign' && this.vars.get(s.target) === 'f64[]' && this.active.has(s.target) && s.expr.kind !== 'atom' && s.target !== this.seededArray) {
        // Every array the derivative flows through gets its adjoint, allocated where it is made.
        const d = this.adjName(s.target);
        let length: Atom;
        if (s.expr.kind === 'alloc') length = s.expr.length;
        else {
          const len = this.temp(`${s.target}_len`, 'i32');
          out.push({ kind: 'assign', target: len, expr: { kind: 'length', array: s.target } });
          length = v(len);
        }
        out.push({ kind: 'assign', target: d, expr: { kind: 'alloc', length } });
      }
      if (s.kind === 'assign' && s.expr.kind === 'atom' && this.vars.get(s.target) === 'f64[]' && s.expr.value.kind === 'var' && this.active.has(s.target)) {
        out.push({ kind: 'assign', target: this.adjName(s.target), expr: { kind: 'atom', value: v(this.adjName(s.expr.value.name)) } });
      }
    }
    // Values local to this block are pushed when it ends, so they are the first popped when its adjoint starts.
    for (const l of ownLocals ? this.plan.blockLocals.get(stmts) ?? [] : []) {
      if (l.how !== 'push-new') continue;
      out.push(...this.keep(l.name, l.slot));
      if (this.vars.get(l.name) === 'f64[]' && this.active.has(l.name)) {
        out.push({ kind: 'push', tape: 'f64[]', value: v(this.adjName(l.name)), slot: this.adjointSlot(l.slot) });
      }
    }
    return out;
  }

  /** Saves a value for the adjoint: on the tape, or in the slot's array (see loopArrays). */
  private keep(name: string, slot: number): Stmt[] {
    const a = this.slotArrays.get(slot);
    if (!a) return [{ kind: 'push', tape: this.tapeKind(name), value: v(name), slot }];
    const { at, index } = this.slotIndex(a);
    return [...at, { kind: 'store', array: a.array, index, value: v(name), accumulate: false }];
  }

  private takeBack(name: string, slot: number): Stmt[] {
    const a = this.slotArrays.get(slot);
    if (!a) return [{ kind: 'assign', target: name, expr: { kind: 'pop', tape: this.tapeKind(name), slot } }];
    const { at, index } = this.slotIndex(a);
    return [...at, { kind: 'assign', target: name, expr: { kind: 'load', array: a.array, index } }];
  }

  /** Where a value sits in its slot's array: the loop's index, or `row * trips + index` for a loop in a loop. */
  private slotIndex(a: SlotArray): { at: Stmt[]; index: Atom } {
    if (!a.row) return { at: [], index: v(a.index) };
    const base = this.temp(`${a.row.index}_row`, 'i32');
    const at = this.temp(`${a.index}_at`, 'i32');
    return {
      at: [
        { kind: 'assign', target: base, expr: { kind: 'binary', op: '*', left: v(a.row.index), right: a.row.trips } },
        { kind: 'assign', target: at, expr: { kind: 'binary', op: '+', left: v(base), right: v(a.index) } },
      ],
      index: v(at),
    };
  }

  /**
   * Values saved once per iteration of a counted loop (from a constant ≥ 0, step 1) and taken back
   * in the same iteration of its mirror go in arrays indexed by the loop instead of on the tape: no
   * capacity check or stack pointer per value. Each array (named by `hint`) is allocated in `out`,
   * with ceil(max(end, 0)) elements, where the loop's bound has the value the loop runs with.
   */
  private loopArrays(loop: Extract<Stmt, { kind: 'for' }>, saved: { name: string; slot: number }[], hint: (name: string) => string, out: Stmt[],
    row?: { index: string; trips: () => Atom | undefined }): void {
    if (!saved.length) return;
    const trips = this.tripsOf(loop, out);
    if (!trips) return;
    let length = trips;
    let rowTrips: Atom | undefined;
    if (row) {
      // One row of `trips` values per iteration of the loop around.
      rowTrips = row.trips();
      if (!rowTrips) return;
      length = v(this.temp('cells', 'i32'));
      out.push({ kind: 'assign', target: length.name, expr: { kind: 'binary', op: '*', left: rowTrips, right: trips } });
    }
    for (const { name, slot } of saved) {
      const a = this.temp(hint(name), 'f64[]');
      out.push({ kind: 'assign', target: a, expr: { kind: 'alloc', length } });
      this.slotArrays.set(slot, { array: a, index: loop.index, row: row && rowTrips ? { index: row.index, trips: trips } : undefined });
    }
  }

  /** ceil(max(end, 0)): how many times a counted loop from a constant ≥ 0, step 1, runs at most; undefined for other loops. */
  private tripsOf(loop: Extract<Stmt, { kind: 'for' }>, out: Stmt[]): Atom | undefined {
    if (loop.step !== 1 || loop.inclusive || loop.start.kind !== 'const' || !(Number.isInteger(loop.start.value) && loop.start.value >= 0)
      || this.vars.get(loop.index) !== 'i32') return undefined;
    const cached = this.trips.get(loop);
    if (cached) return cached;
    const f = (h: string, expr: Expr, type: Type) => { const t = this.temp(h, type); out.push({ kind: 'assign', target: t, expr }); return v(t); };
    const trips = f('trips', { kind: 'prim', name: 'Math.ceil', args: [f('span', { kind: 'prim', name: 'Math.max', args: [loop.end, f64(0)] }, 'f64')] }, 'f64');
    const length = f('trips_int', { kind: 'unary', op: 'toInt', arg: trips }, 'i32');
    this.trips.set(loop, length);
    return length;
  }

  /**
   * In a checkpointed iteration, the counted loops directly in it whose bound is fixed for the whole
   * call save per iteration, in their re-run, what the mirrored loop takes back in the same
   * iteration: loopArrays, allocated once before the checkpointed loop's adjoint.
   */
  private innerLoopArrays(s: Extract<Stmt, { kind: 'for' }>, out: Stmt[]): void {
    if (!this.assignCounts) {
      const counts = new Map<string, number>();
      forEachStmt(this.fn.body, (x) => { for (const n of stmtWrites(x)) if (x.kind !== 'for') counts.set(n, (counts.get(n) ?? 0) + 1); });
      this.assignCounts = counts;
    }
    const counts = this.assignCounts;
    const inside = assignedIn(s.body);
    // Fixed for the whole call: not the iteration's own index (a triangle: `k < i`), nor assigned in it.
    const fixed = (a: Atom) => a.kind === 'const' || (a.name !== s.index && (counts.get(a.name) ?? 0) <= 1 && !inside.has(a.name));
    // Loops directly in the iteration, and loops directly in those (a row of values per outer iteration).
    const visit = (b: Stmt[], row?: { index: string; trips: () => Atom | undefined }) => {
      for (const x of b) {
        if (x.kind === 'if') { visit(x.then, row); visit(x.else, row); }
        if (x.kind !== 'for' || !fixed(x.end)) continue;
        const loop = x;
        const saved: { name: string; slot: number }[] = [];
        for (const y of loop.body) {
          const save = this.plan.saves.get(y);
          if (save?.how === 'push-old' && this.vars.get(save.name) === 'f64') saved.push(save);
        }
        for (const l of this.plan.blockLocals.get(loop.body) ?? []) if (l.how === 'push-new' && this.vars.get(l.name) === 'f64') saved.push(l);
        this.loopArrays(loop, saved, () => `saved_${loop.index}`, out, row);
        if (row) continue;
        // Its trip count is computed only if a loop in it keeps values.
        visit(loop.body, { index: loop.index, trips: () => this.tripsOf(loop, out) });
      }
    };
    visit(s.body);
  }

  private tapeKind(name: string): TapeKind {
    const t = this.vars.get(name);
    return t === 'f64' ? 'f64' : t === 'f64[]' ? 'f64[]' : 'i32';
  }

  /** The adjoint of a local array travels with it: pushed after it, popped before it. */
  private adjointSlot = (slot: number) => slot + 500_000;

  // ---- the adjoint sweep --------------------------------------------------

  private adjointBlock(stmts: Stmt[], ownLocals = !this.plan.kept.has(stmts)): Stmt[] {
    const out: Stmt[] = [];
    // Values local to this block come back first: popped (last pushed first), then recomputed in order.
    const locals = ownLocals ? this.plan.blockLocals.get(stmts) ?? [] : [];
    for (const l of [...locals].reverse()) {
      if (l.how !== 'push-new') continue;
      if (this.vars.get(l.name) === 'f64[]' && this.active.has(l.name)) {
        out.push({ kind: 'assign', target: this.adjName(l.name), expr: { kind: 'pop', tape: 'f64[]', slot: this.adjointSlot(l.slot) } });
      }
      out.push(...this.takeBack(l.name, l.slot));
    }
    for (const l of locals) {
      if (l.how !== 'recompute') continue;
      out.push(l.stmt);
      if (this.vars.get(l.name) === 'f64[]' && this.active.has(l.name)) {
        // A recomputed array gets a fresh adjoint each time its block's adjoint runs.
        const len = this.temp(`${l.name}_len`, 'i32');
        out.push({ kind: 'assign', target: len, expr: { kind: 'length', array: l.name } });
        out.push({ kind: 'assign', target: this.adjName(l.name), expr: { kind: 'alloc', length: v(len) } });
      }
    }
    for (let k = stmts.length - 1; k >= 0; k--) this.adjointStmt(stmts[k], out);
    return out;
  }

  /** The adjoint of one statement; what it writes points at the user's statement (for source maps). */
  private adjointStmt(s: Stmt, out: Stmt[]): void {
    const start = out.length;
    this.adjointStmtInner(s, out);
    const loc = 'loc' in s ? s.loc : undefined;
    if (loc) for (let k = start; k < out.length; k++) setLoc(out[k], loc);
  }

  private adjointStmtInner(s: Stmt, out: Stmt[]): void {
    const save = this.plan.saves.get(s);
    if (s.kind === 'assign' && (save?.how === 'push-old' || save?.how === 'copy-old') && exprReads(s.expr).includes(s.target)) {
      // y = f(y, ...): the partials need the old y (restored first) and maybe the new one (kept aside).
      const y = s.target;
      const kept = this.temp(`${y}_out`, this.vars.get(y)!);
      out.push({ kind: 'assign', target: kept, expr: { kind: 'atom', value: v(y) } });
      this.restore(save, out);
      this.adjointAssign(s, out, kept);
      return;
    }
    switch (s.kind) {
      case 'assign': this.adjointAssign(s, out); break;
      case 'multi': throw new Error('internal error: multi-result calls are not differentiated');
      case 'store': this.adjointStore(s, out); break;
      case 'if': this.adjointIf(s, out); break;
      case 'for': this.adjointFor(s, out); break;
      case 'while': this.adjointWhile(s, out); break;
      case 'comment': case 'push': break;
      case 'break': case 'continue': case 'return': throw new Error(`internal error: ${s.kind} after normalization`);
      default: assertNever(s, 'statement');
    }
    if (save) this.restore(save, out, s);
  }

  /** Undoes what the primal overwrote at this statement. */
  private restore(save: Save, out: Stmt[], s?: Stmt): void {
    if (save.how === 'push-old') out.push(...this.takeBack(save.name, save.slot));
    if (save.how === 'copy-old') out.push({ kind: 'assign', target: save.name, expr: { kind: 'atom', value: v(save.copy!) } });
    if (save.how === 'push-element' && s?.kind === 'store') {
      // Popped into the same name it was pushed from, so later transformations see one value.
      out.push({ kind: 'assign', target: save.copy, expr: { kind: 'pop', tape: 'f64', slot: save.slot } });
      out.push({ kind: 'store', array: s.array, index: s.index, value: v(save.copy), accumulate: false });
    }
  }

  /** Labels the adjoint of a user statement once, however many IR statements it lowered to. */
  private lastComment: string | undefined;
  private comment(src: string, out: Stmt[]): void {
    if (src === this.lastComment && out.some((s) => s.kind === 'comment' && s.text === `grad of: ${src}`)) return;
    this.lastComment = src;
    out.push({ kind: 'comment', text: `grad of: ${src}` });
  }

  /** dx += value (or dx = value when dx is a symbolic zero). */
  private accumulate(x: string, value: Atom, out: Stmt[], negate = false): void {
    const d = this.adjName(x);
    if (!this.nonzero.has(d)) {
      this.nonzero.add(d);
      out.push({ kind: 'assign', target: d, expr: negate ? { kind: 'unary', op: 'neg', arg: value } : { kind: 'atom', value } });
    } else {
      out.push({ kind: 'assign', target: d, expr: { kind: 'binary', op: negate ? '-' : '+', left: v(d), right: value } });
    }
  }

  /** After its definition, a variable's adjoint is zero again: marked, and materialised only where control flow joins need it. */
  private reset(x: string): void {
    this.nonzero.delete(this.adjName(x));
  }

  private adjointAssign(s: Extract<Stmt, { kind: 'assign' }>, out: Stmt[], outName = s.target): void {
    const y = s.target;
    const type = this.vars.get(y);
    if (!this.active.has(y) || type === 'i32' || type === 'bool') return;
    if (type === 'f64[]') {
      // Arrays made by a helper or an np operation send their adjoint back; alloc and alias carry none.
      if (s.expr.kind === 'call' || s.expr.kind === 'prim') {
        const contributions: { x: string; value: Atom; negate?: boolean }[] = [];
        this.comment(s.src ?? `${y} = ${printExpr(s.expr)}`, out);
        if (s.expr.kind === 'call') this.callContributions(s.expr, y, this.adjName(y), contributions, out);
        else this.ruleContributions(s.expr.name, s.expr.args, y, this.adjName(y), contributions, out);
        for (const c of contributions) this.accumulate(c.x, c.value, out, c.negate);
      }
      return;
    }
    let dy = this.adjName(y);
    if (!this.nonzero.has(dy)) return;
    this.comment(s.src ?? `${y} = ${printExpr(s.expr)}`, out);
    if (exprReads(s.expr).includes(y)) {
      // y = f(y, ...): the contributions read the adjoint of the new y, which is about to be reset.
      const old = this.temp(`${dy}_new`, 'f64');
      out.push({ kind: 'assign', target: old, expr: { kind: 'atom', value: v(dy) } });
      dy = old;
      // Reset now: a rule written as adjoint statements (min, max) adds into the old y's adjoint as it goes.
      this.reset(y);
    }
    const selfRead = dy !== this.adjName(y);
    const contributions: { x: string; value: Atom; negate?: boolean }[] = [];
    const e = s.expr;
    switch (e.kind) {
      case 'atom':
        if (!this.isActive(e.value)) break;
        if (s.hook) {
          // Gradient surgery: the adjoint passes through the user's hook.
          const t = this.temp(`${dy}_hooked`, 'f64');
          out.push({ kind: 'assign', target: t, expr: { kind: 'call', callee: s.hook, args: [v(dy), e.value] } });
          contributions.push({ x: e.value.name, value: v(t) });
        } else contributions.push({ x: e.value.name, value: v(dy) });
        break;
      case 'unary':
        if (e.op === 'neg' && this.isActive(e.arg)) contributions.push({ x: e.arg.name, value: v(dy), negate: true });
        break;
      case 'binary': this.ruleContributions(e.op, [e.left, e.right], outName, dy, contributions, out); break;
      case 'prim': this.ruleContributions(e.name, e.args, outName, dy, contributions, out); break;
      case 'load':
        if (this.active.has(e.array)) {
          out.push({ kind: 'store', array: this.adjName(e.array), index: e.index, value: v(dy), accumulate: true });
        }
        break;
      case 'call': this.callContributions(e, outName, dy, contributions, out); break;
      case 'length': case 'alloc': case 'pop': break;
      default: assertNever(e, 'expression');
    }
    if (!selfRead) this.reset(y);
    for (const c of contributions) this.accumulate(c.x, c.value, out, c.negate);
    // A statement whose operands are all constants contributes nothing: no label either.
    if (out[out.length - 1]?.kind === 'comment') { out.pop(); this.lastComment = undefined; }
  }

  private ruleContributions(name: string, args: Atom[], y: string, dy: string, acc: { x: string; value: Atom; negate?: boolean }[], out: Stmt[]): void {
    const arrayRule = arrayRuleByName.get(name);
    if (arrayRule) { this.arrayContributions(arrayRule, args, y, dy, acc, out); return; }
    const rule = scalarRule(name);
    if (!rule) throw new Error(`internal error: no rule for ${name}`);
    const activeArgs = args.map((a) => this.isActive(a));
    if (!activeArgs.some(Boolean)) return;
    const shape = ruleArgs(rule, args.length);
    if (shape.partials) {
      shape.partials.forEach((p, i) => {
        const a = args[i];
        if (!activeArgs[i] || p === '0') return;
        if (p === '1' || p === '-1') { acc.push({ x: (a as { name: string }).name, value: v(dy), negate: p === '-1' }); return; }
        const partial = instantiate(p, this.env(shape.names, args, y), this.namer, this.vars, out);
        const t = this.temp(`${dy}_${(a as { name: string }).name}`, 'f64');
        out.push({ kind: 'assign', target: t, expr: { kind: 'binary', op: '*', left: v(dy), right: partial } });
        acc.push({ x: (a as { name: string }).name, value: v(t) });
      });
      return;
    }
    // A rule written as adjoint statements: `da += ...` become contributions.
    const env = this.env(rule.args, args, y);
    env.set('dout', v(dy));
    const targets = new Map<string, string | undefined>();
    rule.args.forEach((n, i) => targets.set(`d${n}`, activeArgs[i] ? (args[i] as { name: string }).name : undefined));
    instantiate(rule.reverse!, env, this.namer, this.vars, out, (target, value) => {
      const x = targets.get(target);
      if (x) {
        // Contributions inside the rule's own branches must not leave symbolic zeros behind.
        const d = this.adjName(x);
        if (!this.nonzero.has(d)) { this.nonzero.add(d); this.materialize([d], out); }
        return { kind: 'assign', target: d, expr: { kind: 'binary', op: '+', left: v(d), right: value } };
      }
      return undefined;
    });
  }

  /** An np operation: each active argument's adjoint contribution from the rule's template. */
  private arrayContributions(rule: ArrayRule, args: Atom[], y: string, dy: string, acc: { x: string; value: Atom; negate?: boolean }[], out: Stmt[]): void {
    const env = new Map<string, Atom>();
    rule.args.forEach((a, i) => { if (i < args.length) env.set(a.name, args[i]); });
    env.set('out', v(y));
    env.set('dout', v(dy));
    rule.reverse.forEach((template, i) => {
      const a = args[i];
      if (!template || !a || !this.isActive(a)) return;
      const c = instantiate(template, env, this.namer, this.vars, out);
      if (this.vars.get(a.name) === 'f64[]') this.accumulateArray(this.adjName(a.name), c, out);
      else acc.push({ x: a.name, value: c });
    });
  }

  /** d[i] += c[i] for every i: an array contribution into a materialised adjoint. */
  private accumulateArray(d: string, c: Atom, out: Stmt[]): void {
    const cName = (c as { name: string }).name;
    const n = this.temp(`${cName}_len`, 'i32');
    const i = this.temp('i', 'i32');
    const t = this.temp(`${cName}_i`, 'f64');
    out.push({ kind: 'assign', target: n, expr: { kind: 'length', array: cName } });
    out.push({
      kind: 'for', index: i, start: i32(0), end: v(n), step: 1, inclusive: false,
      body: [
        { kind: 'assign', target: t, expr: { kind: 'load', array: cName, index: v(i) } },
        { kind: 'store', array: d, index: v(i), value: v(t), accumulate: true },
      ],
    });
  }

  private env(names: string[], args: Atom[], y: string): Map<string, Atom> {
    const env = new Map<string, Atom>();
    names.forEach((n, i) => env.set(n, args[i]));
    env.set('out', v(y));
    return env;
  }

  private callContributions(e: Extract<Expr, { kind: 'call' }>, y: string, dy: string, acc: { x: string; value: Atom }[], out: Stmt[]): void {
    const activeArgs = e.args.map((a) => this.isActive(a));
    if (!activeArgs.some(Boolean)) return;
    const custom = this.functions.get(e.callee)?.custom;
    if (custom) {
      // A user-supplied derivative: dargᵢ += dy * partialᵢ(args…, out).
      e.args.forEach((a, i) => {
        if (!activeArgs[i]) return;
        const p = this.temp(`${e.callee}_d${(a as { name: string }).name}`, 'f64');
        out.push({ kind: 'assign', target: p, expr: { kind: 'call', callee: custom.partials[i], args: [...e.args, v(y)] } });
        const t = this.temp(`${dy}_${(a as { name: string }).name}`, 'f64');
        out.push({ kind: 'assign', target: t, expr: { kind: 'binary', op: '*', left: v(dy), right: v(p) } });
        acc.push({ x: (a as { name: string }).name, value: v(t) });
      });
      return;
    }
    const vjp = this.vjpOf(e.callee, activeArgs);
    const arrayAdjs: Atom[] = [];
    const scalarTargets: string[] = [];
    e.args.forEach((a, i) => {
      if (!activeArgs[i]) return;
      const name = (a as { name: string }).name;
      if (this.vars.get(name) === 'f64[]') arrayAdjs.push(v(this.adjName(name)));
      else {
        const t = this.temp(`${this.adjName(name)}_${e.callee}`, 'f64');
        scalarTargets.push(t);
        acc.push({ x: name, value: v(t) });
      }
    });
    const args = [...e.args, v(dy), ...arrayAdjs];
    if (scalarTargets.length === 1) out.push({ kind: 'assign', target: scalarTargets[0], expr: { kind: 'call', callee: vjp, args } });
    else out.push({ kind: 'multi', targets: scalarTargets, callee: vjp, args });
  }

  private adjointStore(s: Extract<Stmt, { kind: 'store' }>, out: Stmt[]): void {
    if (!this.active.has(s.array)) return;
    const da = this.adjName(s.array);
    const t = this.temp(`${da}_${s.index.kind === 'var' ? s.index.name : 'k'}`, 'f64');
    this.comment(s.src ?? `${s.array}[${printAtom(s.index)}] ${s.accumulate ? '+=' : '='} ${printAtom(s.value)}`, out);
    out.push({ kind: 'assign', target: t, expr: { kind: 'load', array: da, index: s.index } });
    if (!s.accumulate) out.push({ kind: 'store', array: da, index: s.index, value: f64(0), accumulate: false });
    if (this.isActive(s.value)) this.accumulate(s.value.name, v(t), out);
  }

  /** Emits `dx = 0` for adjoints that are symbolic zeros but must hold a real value. */
  private materialize(ds: Iterable<string>, out: Stmt[]): void {
    for (const d of ds) out.push({ kind: 'assign', target: d, expr: { kind: 'atom', value: f64(0) } });
  }

  /** Materialises, at the end of `out`, the adjoints that `target` holds real but this path left zero. */
  private reconcile(target: Set<string>, out: Stmt[]): void {
    this.materialize([...target].filter((d) => !this.nonzero.has(d)), out);
    this.nonzero = new Set(target);
  }

  private adjointIf(s: Extract<Stmt, { kind: 'if' }>, out: Stmt[]): void {
    const before = new Set(this.nonzero);
    const thenB = this.adjointBlock(s.then);
    const nThen = this.nonzero;
    this.nonzero = new Set(before);
    const elseB = this.adjointBlock(s.else);
    const nElse = this.nonzero;
    const joined = new Set([...nThen, ...nElse]);
    this.nonzero = nThen; this.reconcile(joined, thenB);
    this.nonzero = nElse; this.reconcile(joined, elseB);
    if (thenB.length || elseB.length) out.push({ ...s, then: thenB, else: elseB });
  }

  /** The adjoint of a loop body runs many times: everything it touches must be a real value, except its own locals. */
  private loopBody(body: Stmt[], out: Stmt[], checkpoint?: Plan['checkpoints'] extends Map<Stmt, infer C> ? C : never): Stmt[] {
    const touched = this.plan.touched.get(body)!;
    const locals = new Set(this.plan.localNames.get(body) ?? []);
    const mustBeReal = [...touched]
      .filter((x) => this.active.has(x) && this.vars.get(x) === 'f64' && !locals.has(x))
      .map((x) => this.adjName(x));
    this.materialize(mustBeReal.filter((d) => !this.nonzero.has(d)), out);
    const inv = new Set([...this.nonzero, ...mustBeReal]);
    for (const x of locals) { const d = this.adj.get(x); if (d) inv.delete(d); }
    this.nonzero = new Set(inv);
    // A checkpointed iteration is run again first (with its saves): its own locals are then all at hand.
    const rerun: Stmt[] = [];
    if (checkpoint) {
      for (const c of [...checkpoint.carried].reverse()) rerun.push(...this.takeBack(c.name, c.slot));
      rerun.push(...this.primalBlock(body, false));
    }
    const b = this.adjointBlock(body, !checkpoint);
    this.reconcile(inv, b);
    return b.length ? [...rerun, ...b] : b;
  }

  private adjointFor(s: Extract<Stmt, { kind: 'for' }>, out: Stmt[]): void {
    const checkpoint = this.plan.checkpoints.get(s);
    if (checkpoint) {
      // What lives only in the loop was computed under other names in the primal sweep; where
      // the re-run saves such a value before assigning it, it must hold something already.
      const saved = new Set<string>();
      forEachStmt(s.body, (x) => { const save = this.plan.saves.get(x); if (save?.how === 'push-old' && checkpoint.renamed.has(save.name)) saved.add(save.name); });
      for (const n of saved) {
        const type = this.vars.get(n);
        out.push({ kind: 'assign', target: n, expr: { kind: 'atom', value: type === 'f64' ? f64(0) : type === 'bool' ? bool(false) : i32(0) } });
      }
      this.innerLoopArrays(s, out);
    }
    const body = this.loopBody(s.body, out, checkpoint);
    if (!body.length) return;
    const last = this.lastIndex(s, out);
    out.push({ kind: 'for', index: s.index, start: last, end: s.start, step: s.step === 1 ? -1 : 1, inclusive: true, body, loc: s.loc, mirror: true });
  }

  /** The last index a counted loop ran with (below its start when it ran none), so its adjoint runs the same indices backwards. */
  private lastIndex(s: Extract<Stmt, { kind: 'for' }>, out: Stmt[]): Atom {
    const isInt = (a: Atom) => (a.kind === 'const' ? Number.isInteger(a.value) : this.vars.get(a.name) === 'i32');
    const shift = s.inclusive ? 0 : -s.step;
    if (isInt(s.start) && isInt(s.end)) {
      // i < n  ==>  last = n - 1  (integers: the loop ends exactly there)
      if (shift === 0) return s.end;
      if (s.end.kind === 'const') return i32(s.end.value + shift);
      const t = this.temp(`${s.index}_last`, 'i32');
      out.push({ kind: 'assign', target: t, expr: { kind: 'binary', op: '+', left: s.end, right: i32(shift) } });
      return v(t);
    }
    // A real bound (or start): the loop ran trips = ceil(|end - start|) times (floor + 1 if inclusive),
    // so last = start + step·(trips - 1).
    const f = (hint: string, expr: Expr, type: Type = 'f64') => { const t = this.temp(hint, type); out.push({ kind: 'assign', target: t, expr }); return v(t); };
    const span = f('span', { kind: 'binary', op: '-', left: s.step === 1 ? s.end : s.start, right: s.step === 1 ? s.start : s.end });
    const trips = s.inclusive
      ? f('trips', { kind: 'binary', op: '+', left: f('floor', { kind: 'prim', name: 'Math.floor', args: [span] }), right: f64(1) })
      : f('trips', { kind: 'prim', name: 'Math.ceil', args: [span] });
    if (s.step === 1 && s.start.kind === 'const' && s.start.value === 0 && this.vars.get(s.index) === 'i32') {
      // From 0 upwards the last index is trips - 1, taken in integers: a NaN bound ran no trips
      // (toInt(NaN) = 0), and NaN - 1 would have run one.
      const t = f('trips_int', { kind: 'unary', op: 'toInt', arg: trips }, 'i32');
      return f(`${s.index}_last`, { kind: 'binary', op: '-', left: t, right: i32(1) }, 'i32');
    }
    const back = f('back', { kind: 'binary', op: '-', left: trips, right: f64(1) });
    // from 0 upwards the last index is just trips - 1
    const lastF = s.step === 1 && s.start.kind === 'const' && s.start.value === 0 ? back
      : f(`${s.index}_last`, { kind: 'binary', op: s.step === 1 ? '+' : '-', left: s.start, right: back });
    return this.vars.get(s.index) === 'i32' ? f(`${s.index}_last`, { kind: 'unary', op: 'toInt', arg: lastF }, 'i32') : lastF;
  }

  private adjointWhile(s: Extract<Stmt, { kind: 'while' }>, out: Stmt[]): void {
    const counter = this.plan.counters.get(s)!;
    const body = this.loopBody(s.body, out);
    if (counter.slot !== undefined) {
      out.push({ kind: 'assign', target: counter.name, expr: { kind: 'pop', tape: 'i32', slot: counter.slot } });
    }
    if (!body.length) return;
    const k = this.temp('iter', 'i32');
    out.push({ kind: 'for', index: k, start: v(counter.name), end: i32(0), step: -1, inclusive: false, body, loc: s.loc });
  }
}

/**
 * Names whose values may reach the function's results (flow-insensitive, conservative):
 * what a result reads, what is assigned from them, what is stored into an array that
 * reaches them, and everything a call reads when its results or array arguments do
 * (callees may write the arrays they are given, so array parameters count as results).
 */
function useful(fn: IrFunction): Set<string> {
  const names = (as: Atom[]) => as.flatMap((a) => (a.kind === 'var' ? [a.name] : []));
  const isArray = (n: string) => fn.vars.get(n) === 'f64[]';
  // Per name: what becomes useful once it is (a worklist: each rule fires once).
  const rules = new Map<string, string[][]>();
  const rule = (triggers: string[], reads: string[]) => {
    for (const t of triggers) (rules.get(t) ?? rules.set(t, []).get(t)!).push(reads);
  };
  const out = new Set<string>();
  const work: string[] = [];
  const add = (n: string) => { if (!out.has(n)) { out.add(n); work.push(n); } };
  for (const p of fn.params) if (p.type === 'f64[]') add(p.name);
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'return') names(s.values).forEach(add);
    else if (s.kind === 'assign') {
      const args = s.expr.kind === 'call' ? names(s.expr.args).filter(isArray) : [];
      rule([s.target, ...args], exprReads(s.expr));
    } else if (s.kind === 'multi') rule([...s.targets, ...names(s.args).filter(isArray)], names(s.args));
    else if (s.kind === 'store') rule([s.array], names([s.value]));
  });
  while (work.length) for (const reads of rules.get(work.pop()!) ?? []) reads.forEach(add);
  return out;
}

/** After normalization no `continue` remains, so a while's update block is just the end of its body. */
function mergeUpdates(body: Stmt[]): Stmt[] {
  return body.map((s) => {
    if (s.kind === 'while') return { ...s, body: mergeUpdates([...s.body, ...s.update]), update: [] };
    if (s.kind === 'for') return { ...s, body: mergeUpdates(s.body) };
    if (s.kind === 'if') return { ...s, then: mergeUpdates(s.then), else: mergeUpdates(s.else) };
    return s;
  });
}

/**
 * The adjoint of `if (c)` tests c again, with the value c had on entry: where a
 * branch assigns c itself (`c1 && c2` lowers to `t = c1; if (t) { t = c2 }`), the
 * test reads a copy taken before the branch instead.
 */
function freezeConditions(body: Stmt[], namer: Namer, vars: Map<string, Type>): Stmt[] {
  const out: Stmt[] = [];
  for (const s of body) {
    if (s.kind === 'while') { out.push({ ...s, test: freezeConditions(s.test, namer, vars), body: freezeConditions(s.body, namer, vars) }); continue; }
    if (s.kind === 'for') { out.push({ ...s, body: freezeConditions(s.body, namer, vars) }); continue; }
    if (s.kind !== 'if') { out.push(s); continue; }
    const then = freezeConditions(s.then, namer, vars), otherwise = freezeConditions(s.else, namer, vars);
    const c = s.cond;
    if (c.kind === 'var' && (assignedIn(s.then).has(c.name) || assignedIn(s.else).has(c.name))) {
      const copy = namer.fresh(`${c.name}_on_entry`);
      vars.set(copy, vars.get(c.name)!);
      out.push({ kind: 'assign', target: copy, expr: { kind: 'atom', value: c }, loc: s.loc });
      out.push({ ...s, cond: v(copy), then, else: otherwise });
    } else out.push({ ...s, then, else: otherwise });
  }
  return out;
}

/** Gives a generated statement the user's position, unless it has one. */
export function setLoc(s: Stmt, loc: Loc): void {
  if (s.kind !== 'comment' && s.kind !== 'push') s.loc ??= loc;
}
