// Which array accesses are provably in range, so that the AssemblyScript
// emitter can leave out their bounds checks.
//
// JS reads `undefined` (NaN in arithmetic) outside a Float64Array and ignores
// writes there; linear memory would give garbage or corrupt the arena. Every
// access the analysis cannot prove in range is checked (prelude.ts: `atc`,
// `putc`, `accumc`), so this analysis only decides speed, never results.
//
// One forward pass over the structured IR with facts of the form
//   v ∈ [lo, hi]        an i32 variable's bounds, each `sym + c`
//   len(a) = sym + c    an array's length
//   c = (x < y)         a condition's definition (any comparison, &&, ||, !)
// where `sym` is nothing (a constant), an i32 variable's current value, or
// `#len:a`, the length of array `a`'s current value. Assigning a variable
// drops every fact that mentions it; a loop drops, on entry, the facts of every
// variable its body assigns (so what is left holds at the start of every
// iteration), except the lower bound of a variable the loop only increases
// (`i = i + 1`) and the upper bound of one it only decreases, and gives a
// counted loop's index its range. A branch taken on a comparison of integers
// (an `if`, a while loop's condition) narrows their bounds; after an `if`
// whose one side always leaves (break, continue, return) the other side's
// facts hold, else only what neither side assigns. An access a[i] is in range
// when lo(i) ≥ 0 and hi(i) ≤ len(a) − 1 with the same symbol.
//
// Arithmetic is read as exact: the symbols are lengths (0 … 2^29) or values that
// an allocation has accepted as a length, offsets are small constants, so no
// i32 sum that the proof relies on can wrap.
import type { Atom, Expr, IrFunction, Stmt } from '../../ir/nodes.js';
import { assignedIn, childBlocks, exprReads, stmtWrites } from '../../ir/walk.js';

/** `sym + c`; `sym` null for a constant. */
interface Lin { sym: string | null; c: number }
interface Range { lo?: Lin; hi?: Lin }

/** Offsets larger than this are not tracked (keeps every sum far from i32 overflow). */
const MAX_OFFSET = 1 << 20;

const lenSym = (a: string) => `#len:${a}`;
const mentions = (l: Lin | undefined, v: string) => !!l && (l.sym === v || l.sym === lenSym(v));
const shift = (l: Lin | undefined, d: number): Lin | undefined => {
  if (!l) return undefined;
  const c = l.c + d;
  return Math.abs(c) <= MAX_OFFSET ? { sym: l.sym, c } : undefined;
};

class Facts {
  constructor(
    public vals = new Map<string, Range>(),
    public lens = new Map<string, Lin>(),
    public conds = new Map<string, Expr>(),
    /** x = base + c between i32 variables, so that bounding x bounds base too. */
    public rels = new Map<string, { base: string; c: number }>(),
  ) {}

  clone(): Facts {
    return new Facts(new Map(this.vals), new Map(this.lens), new Map(this.conds), new Map(this.rels));
  }

  /** Takes over another set of facts (the one branch of an `if` that falls through). */
  become(o: Facts): void {
    this.vals = o.vals;
    this.lens = o.lens;
    this.conds = o.conds;
    this.rels = o.rels;
  }

  /** Forgets `v`'s facts and every fact that mentions `v` (or its length). */
  kill(v: string): void {
    this.vals.delete(v);
    this.lens.delete(v);
    for (const [k, r] of this.vals) {
      if (!mentions(r.lo, v) && !mentions(r.hi, v)) continue;
      const lo = mentions(r.lo, v) ? undefined : r.lo, hi = mentions(r.hi, v) ? undefined : r.hi;
      if (lo || hi) this.vals.set(k, { lo, hi });
      else this.vals.delete(k);
    }
    for (const [k, l] of this.lens) if (mentions(l, v)) this.lens.delete(k);
    this.conds.delete(v);
    for (const [k, e] of this.conds) if (exprReads(e).includes(v)) this.conds.delete(k);
    this.rels.delete(v);
    for (const [k, r] of this.rels) if (r.base === v) this.rels.delete(k);
  }

  killAll(vs: Iterable<string>): void {
    for (const v of vs) this.kill(v);
  }
}

export class BoundsAnalysis {
  /** Loads (their `assign` statements) and stores whose index is always in range. */
  proven = new Set<Stmt>();

  constructor(readonly fn: IrFunction) {
    this.block(fn.body, new Facts());
  }

  private isI32(a: Atom): boolean {
    return a.kind === 'const' ? a.type !== 'bool' && Number.isInteger(a.value) && Math.abs(a.value) <= MAX_OFFSET : this.fn.vars.get(a.name) === 'i32';
  }

  private range(a: Atom, f: Facts): Range {
    if (a.kind === 'const') {
      if (!this.isI32(a)) return {};
      const l = { sym: null, c: a.value };
      return { lo: l, hi: l };
    }
    if (this.fn.vars.get(a.name) !== 'i32') return {};
    const r = f.vals.get(a.name);
    if (r) return r;
    const l = { sym: a.name, c: 0 };
    return { lo: l, hi: l };
  }

  /** An exact value, if the facts give one. */
  private exact(a: Atom, f: Facts): Lin | undefined {
    const r = this.range(a, f);
    return r.lo && r.hi && r.lo.sym === r.hi.sym && r.lo.c === r.hi.c ? r.lo : undefined;
  }

  private lengthOf(array: string, f: Facts): Lin {
    return f.lens.get(array) ?? { sym: lenSym(array), c: 0 };
  }

  private nonNegative(l: Lin | undefined, f: Facts): boolean {
    if (!l) return false;
    if (l.sym === null || l.sym.startsWith('#len:')) return l.c >= 0;
    // sym + c ≥ 0 if some array's length is sym + c0 with c0 ≤ c
    for (const len of f.lens.values()) if (len.sym === l.sym && len.c <= l.c) return true;
    return false;
  }

  private inRange(array: string, index: Atom, f: Facts): boolean {
    const r = this.range(index, f);
    if (!this.nonNegative(r.lo, f) || !r.hi) return false;
    const len = this.lengthOf(array, f);
    return r.hi.sym === len.sym && r.hi.c <= len.c - 1;
  }

  /** The range of an i32 expression's value. */
  private exprRange(e: Expr, f: Facts): Range {
    switch (e.kind) {
      case 'atom': return this.range(e.value, f);
      case 'length': { const l = this.lengthOf(e.array, f); return { lo: l, hi: l }; }
      case 'binary': {
        if (e.op !== '+' && e.op !== '-') return {};
        const l = this.range(e.left, f), r = this.range(e.right, f);
        const k = this.exact(e.right, f);
        if (k && k.sym === null) {
          const d = e.op === '+' ? k.c : -k.c;
          return { lo: shift(l.lo, d), hi: shift(l.hi, d) };
        }
        const k2 = this.exact(e.left, f);
        if (e.op === '+' && k2 && k2.sym === null) return { lo: shift(r.lo, k2.c), hi: shift(r.hi, k2.c) };
        return {};
      }
      default: return {};
    }
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>, f: Facts): void {
    const e = s.expr, t = s.target, type = this.fn.vars.get(t);
    if (e.kind === 'load' && this.inRange(e.array, e.index, f)) this.proven.add(s);
    let val: Range | undefined;
    let len: Lin | undefined;
    const cond = type === 'bool' && (e.kind === 'binary' || (e.kind === 'unary' && e.op === 'not')) && !exprReads(e).includes(t);
    if (type === 'i32') val = this.exprRange(e, f);
    else if (type === 'f64[]') {
      if (e.kind === 'alloc' && this.isI32(e.length)) len = this.exact(e.length, f);
      else if (e.kind === 'atom' && e.value.kind === 'var') len = this.lengthOf(e.value.name, f);
    }
    f.kill(t);
    if (val) {
      const lo = mentions(val.lo, t) ? undefined : val.lo, hi = mentions(val.hi, t) ? undefined : val.hi;
      if (lo || hi) f.vals.set(t, { lo, hi });
    }
    if (len && !mentions(len, t)) f.lens.set(t, len);
    if (cond) f.conds.set(t, e);
    if (type === 'i32') {
      const rel = this.relation(e);
      if (rel && rel.base !== t) f.rels.set(t, rel);
    }
  }

  /** `e` as base + c with base an i32 variable. */
  private relation(e: Expr): { base: string; c: number } | undefined {
    const int = (a: Atom) => a.kind === 'const' && Number.isInteger(a.value) && Math.abs(a.value) <= MAX_OFFSET;
    const isVar = (a: Atom): a is { kind: 'var'; name: string } => a.kind === 'var' && this.fn.vars.get(a.name) === 'i32';
    if (e.kind === 'atom' && isVar(e.value)) return { base: e.value.name, c: 0 };
    if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-')) return undefined;
    if (isVar(e.left) && int(e.right)) return { base: e.left.name, c: e.op === '+' ? (e.right as { value: number }).value : -(e.right as { value: number }).value };
    if (e.op === '+' && int(e.left) && isVar(e.right)) return { base: e.right.name, c: (e.left as { value: number }).value };
    return undefined;
  }

  /** Narrows the facts to the paths where `c` is `truth`. */
  private refine(c: Atom, truth: boolean, f: Facts, depth = 0): void {
    if (c.kind !== 'var' || depth > 8) return;
    const e = f.conds.get(c.name);
    if (!e) return;
    if (e.kind === 'unary') return this.refine(e.arg, !truth, f, depth + 1);
    if (e.kind !== 'binary') return;
    if (e.op === '&&' || e.op === '||') {
      if ((e.op === '&&') === truth) { this.refine(e.left, truth, f, depth + 1); this.refine(e.right, truth, f, depth + 1); }
      return;
    }
    if (!this.isI32(e.left) || !this.isI32(e.right)) return;
    const negated: Record<string, string> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' };
    const op = truth ? e.op : negated[e.op];
    // as x < y or x <= y (strict: y - x ≥ 1)
    let [x, y, gap] = [e.left, e.right, 0];
    if (op === '<' || op === '<=') gap = op === '<' ? 1 : 0;
    else if (op === '>' || op === '>=') { [x, y] = [e.right, e.left]; gap = op === '>' ? 1 : 0; }
    else if (op === '==') {
      this.narrow(e.left, this.range(e.right, f), f);
      this.narrow(e.right, this.range(e.left, f), f);
      return;
    } else return;
    const rx = this.range(x, f), ry = this.range(y, f);
    this.narrow(x, { hi: shift(ry.hi, -gap) }, f);
    this.narrow(y, { lo: shift(rx.lo, gap) }, f);
  }

  /** Adds bounds to an i32 variable's range, keeping the more useful of two bounds. */
  private narrow(a: Atom, r: Range, f: Facts, depth = 0): void {
    if (a.kind !== 'var' || this.fn.vars.get(a.name) !== 'i32' || depth > 4) return;
    const rel = f.rels.get(a.name);
    if (rel) this.narrow({ kind: 'var', name: rel.base }, { lo: shift(r.lo, -rel.c), hi: shift(r.hi, -rel.c) }, f, depth + 1);
    const old = f.vals.get(a.name) ?? {};
    const self = (l?: Lin) => (mentions(l, a.name) ? undefined : l);
    const pick = (o: Lin | undefined, n: Lin | undefined, upper: boolean): Lin | undefined => {
      if (!n) return o;
      if (!o) return n;
      if (o.sym === n.sym) return (upper ? n.c < o.c : n.c > o.c) ? n : o;
      // a length (upper) or a constant (lower) is what proofs compare with
      const useful = (l: Lin) => (upper ? l.sym?.startsWith('#len:') ?? false : l.sym === null);
      return useful(n) && !useful(o) ? n : o;
    };
    const lo = pick(self(old.lo), self(r.lo), false), hi = pick(self(old.hi), self(r.hi), true);
    if (lo || hi) f.vals.set(a.name, { lo, hi });
  }

  /**
   * Variables a while loop may keep a bound of: every write to them in the loop
   * is `v = v + d` (d a constant of one sign), in the body or update (after the
   * condition), none in a nested loop, and together less than MAX_OFFSET per
   * iteration. Increasing ones keep their lower bound, decreasing ones their
   * upper bound, provided the loop's condition bounds them on the other side
   * (checked by the caller): then they cannot wrap around.
   */
  private monotone(s: Extract<Stmt, { kind: 'while' }>): Map<string, 'up' | 'down'> {
    const steps = new Map<string, number[]>();
    const note = (v: string, d: number) => { const l = steps.get(v) ?? []; l.push(d); steps.set(v, l); };
    const walk = (b: Stmt[], ok: boolean) => {
      for (const x of b) {
        if (x.kind === 'assign') {
          const e = x.expr, t = x.target;
          const step = ok && e.kind === 'binary' && (e.op === '+' || e.op === '-') && e.left.kind === 'var' && e.left.name === t
            && e.right.kind === 'const' && Number.isInteger(e.right.value) ? (e.op === '+' ? e.right.value : -e.right.value) : NaN;
          note(t, step);
        } else for (const n of stmtWrites(x)) note(n, NaN);
        const nested = x.kind === 'for' || x.kind === 'while';
        for (const c of childBlocks(x)) walk(c, ok && !nested);
      }
    };
    walk(s.test, false);
    walk(s.body, true);
    walk(s.update, true);
    const out = new Map<string, 'up' | 'down'>();
    for (const [v, ds] of steps) {
      if (this.fn.vars.get(v) !== 'i32' || ds.some(Number.isNaN)) continue;
      const total = ds.reduce((a, d) => a + Math.abs(d), 0);
      if (total >= MAX_OFFSET) continue;
      if (ds.every((d) => d >= 0)) out.set(v, 'up');
      else if (ds.every((d) => d <= 0)) out.set(v, 'down');
    }
    return out;
  }

  /**
   * On entering a loop: drops the facts of what the loop assigns (so that what
   * is left holds at the start of every iteration), except the bounds `keep`
   * allows when they mention nothing the loop assigns.
   */
  private enterLoop(blocks: Stmt[][], f: Facts, keep = new Map<string, 'up' | 'down'>()): void {
    const assigned = new Set<string>();
    for (const b of blocks) for (const n of assignedIn(b)) assigned.add(n);
    const kept = new Map<string, Range>();
    const fixed = (l?: Lin) => (l && !(l.sym && (assigned.has(l.sym) || assigned.has(l.sym.replace(/^#len:/, '')))) ? l : undefined);
    for (const [v, dir] of keep) {
      const r = f.vals.get(v) ?? this.range({ kind: 'var', name: v }, f);
      const lo = dir === 'up' ? fixed(r.lo) : undefined, hi = dir === 'down' ? fixed(r.hi) : undefined;
      if (lo || hi) kept.set(v, { lo, hi });
    }
    f.killAll(assigned);
    for (const [v, r] of kept) f.vals.set(v, r);
  }

  private whileLoop(s: Extract<Stmt, { kind: 'while' }>, f: Facts): void {
    const blocks = [s.test, s.body, s.update];
    let keep = this.monotone(s);
    for (;;) {
      const saved = new Set(this.proven);
      const g = f.clone();
      this.enterLoop(blocks, g, keep);
      const top = g.clone();
      this.block(s.test, top);
      this.refine(s.cond, true, top);
      // A kept bound holds only if the condition bounds the variable on its other side (no wrap-around).
      const small = (l?: Lin) => !!l && (l.sym === null || l.sym.startsWith('#len:'));
      const bad = [...keep].filter(([v, dir]) => !small(dir === 'up' ? top.vals.get(v)?.hi : top.vals.get(v)?.lo));
      if (bad.length) {
        this.proven = saved;
        keep = new Map([...keep].filter(([v]) => !bad.some(([b]) => b === v)));
        continue;
      }
      // `continue` skips the rest of the body: the update sees only what the test established
      this.block(s.body, top.clone());
      this.block(s.update, top);
      f.become(g);
      return;
    }
  }

  private block(body: Stmt[], f: Facts): void {
    for (const s of body) this.stmt(s, f);
  }

  private stmt(s: Stmt, f: Facts): void {
    switch (s.kind) {
      case 'assign': return this.assign(s, f);
      case 'multi': f.killAll(s.targets); return;
      case 'store':
        if (this.inRange(s.array, s.index, f)) this.proven.add(s);
        return;
      case 'if': {
        const ft = f.clone(), fe = f.clone();
        this.refine(s.cond, true, ft);
        this.refine(s.cond, false, fe);
        this.block(s.then, ft);
        this.block(s.else, fe);
        const tj = leaves(s.then), ej = leaves(s.else);
        if (tj && !ej) f.become(fe);
        else if (ej && !tj) f.become(ft);
        else {
          f.killAll(assignedIn(s.then));
          f.killAll(assignedIn(s.else));
        }
        return;
      }
      case 'for': {
        this.enterLoop([s.body], f);
        f.kill(s.index);
        const inner = f.clone();
        const idx = this.loopRange(s, f);
        if (idx.lo || idx.hi) inner.vals.set(s.index, idx);
        this.block(s.body, inner);
        return;
      }
      case 'while': return this.whileLoop(s, f);
      default: return;
    }
  }

  /** A counted loop index's range from its start and end (neither is assigned in the body). */
  private loopRange(s: Extract<Stmt, { kind: 'for' }>, f: Facts): Range {
    if (this.fn.vars.get(s.index) !== 'i32') return {};
    const start = this.range(s.start, f);
    let end = this.range(s.end, f);
    if (s.end.kind === 'const' && !Number.isInteger(s.end.value)) {
      // the emitter compares with the i32 bound this gives (emit.ts `bound`)
      const v = s.end.value;
      const b = s.step === 1 ? (s.inclusive ? Math.floor(v) + 1 : Math.ceil(v)) : (s.inclusive ? Math.ceil(v) - 1 : Math.floor(v));
      if (Math.abs(b) > MAX_OFFSET) return {};
      end = { lo: { sym: null, c: b }, hi: { sym: null, c: b } };
      return s.step === 1 ? { lo: start.lo, hi: shift(end.hi, -1) } : { lo: shift(end.lo, 1), hi: start.hi };
    }
    if (s.step === 1) return { lo: start.lo, hi: s.inclusive ? end.hi : shift(end.hi, -1) };
    return { lo: s.inclusive ? end.lo : shift(end.lo, 1), hi: start.hi };
  }
}

/** Whether a block always leaves it by `break`, `continue` or `return`. */
function leaves(body: Stmt[]): boolean {
  const last = body[body.length - 1];
  if (!last) return false;
  if (last.kind === 'break' || last.kind === 'continue' || last.kind === 'return') return true;
  return last.kind === 'if' && leaves(last.then) && leaves(last.else);
}

/** Loads and stores of `fn` whose index is provably in range. */
export function provenInRange(fn: IrFunction): Set<Stmt> {
  return new BoundsAnalysis(fn).proven;
}
