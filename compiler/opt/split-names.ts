// split-names: a variable that is really several (one per block that
// assigns it before using it) gets a name for each.
//
//   for i … { sum = i + 1; … sum … }          for i … { sum = i + 1; … sum … }
//   for i … { sum = i + 1; … sum … }   ==>    for i … { sum2 = i + 1; … sum2 … }
//
// Reverse mode produces this shape all the time: the adjoint loop recomputes
// the primal loop's temporaries under the same names. Split, each is assigned
// once in its block, so the emitter can declare it `const` there and fold it
// into its use instead of hoisting a `let` to the top of the function.
//
// A region is the rest of a block from a statement that assigns v (that
// statement included). v is split when every occurrence of it lies in exactly
// one region, each region holds exactly one assignment of v, and that
// assignment does not read v. Nothing is computed differently.
//
// Assumes: valid IR. Guarantees: the same function, with more names.
//
// Cost: one numbering of the statements, then for each candidate only the
// statements that hold an occurrence of it (found by binary search), and
// one rebuild for all the renames together.
import { Namer } from '../ir/names.js';
import type { IrFunction, Stmt } from '../ir/nodes.js';
import { childBlocks, forEachStmt, mapBlocks, renameStmt, stmtReads, stmtWrites } from '../ir/walk.js';

/** A region: the rest of a block (by number) from statement `start` of it. */
interface Region { block: number; start: number }

export function splitNames(fn: IrFunction): IrFunction {
  const assigns = new Map<string, number>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'for') return;
    for (const n of stmtWrites(s)) assigns.set(n, (assigns.get(n) ?? 0) + 1);
  });
  const params = new Set(fn.params.map((p) => p.name));
  const candidates = [...assigns].filter(([n, c]) => c >= 2 && !params.has(n) && fn.vars.get(n) !== 'f64[]').map(([n]) => n);
  if (!candidates.length) return fn;
  const code = new Numbered(fn.body, new Set(candidates));
  const namer = new Namer(fn.vars.keys());
  const vars = new Map(fn.vars);
  const named = new Set(fn.named ?? []);
  // Block number → statement index → renames that start there.
  const renames = new Map<number, Map<number, [string, string][]>>();
  for (const v of candidates) {
    const regions = regionsOf(code, v);
    if (!regions || regions.length < 2) continue;
    // The first region keeps the name; the others get fresh ones.
    for (const r of regions.slice(1)) {
      const name = namer.fresh(v);
      vars.set(name, vars.get(v)!);
      if (named.has(v)) named.add(name);
      const at = renames.get(r.block) ?? renames.set(r.block, new Map()).get(r.block)!;
      (at.get(r.start) ?? at.set(r.start, []).get(r.start)!).push([v, name]);
    }
  }
  if (!renames.size) return { ...fn, vars, named: fn.named ? named : undefined };
  return { ...fn, body: renameRegions(fn.body, renames), vars, named: fn.named ? named : undefined };
}

/**
 * The statements numbered depth first in program order, the blocks in the
 * order the walk enters them, and where each candidate occurs.
 */
class Numbered {
  readonly stmts: Stmt[] = [];
  /** For each block: the numbers of its statements, then one past the last statement nested in it. */
  readonly blocks: number[][] = [];
  /** For each statement: the numbers of its child blocks. */
  readonly children: number[][] = [];
  /** Per candidate: where it is read or assigned (a for's index aside), once per occurrence. */
  readonly all = new Map<string, number[]>();
  /** Per candidate: where it is assigned (not as a for's index), once per occurrence. */
  readonly writes = new Map<string, number[]>();
  /** Per candidate: the for loops whose index it is. */
  readonly indices = new Map<string, number[]>();

  constructor(body: Stmt[], candidates: ReadonlySet<string>) {
    const note = (m: Map<string, number[]>, n: string, k: number) => {
      if (candidates.has(n)) (m.get(n) ?? m.set(n, []).get(n)!).push(k);
    };
    const walk = (b: Stmt[]): number => {
      const id = this.blocks.length;
      const starts: number[] = [];
      this.blocks.push(starts);
      for (const s of b) {
        const k = this.stmts.push(s) - 1;
        starts.push(k);
        const reads = stmtReads(s);
        const writes = s.kind === 'for' ? [] : stmtWrites(s);
        // In program order: a statement's own reads and writes come before anything nested in it.
        for (const n of reads) note(this.all, n, k);
        for (const n of writes) { note(this.all, n, k); note(this.writes, n, k); }
        if (s.kind === 'for') note(this.indices, s.index, k);
        this.children[k] = [];
        for (const c of childBlocks(s)) this.children[k].push(walk(c));
      }
      starts.push(this.stmts.length);
      return id;
    };
    walk(body);
  }
}

/** The regions of v, or undefined if v is not split that way. */
function regionsOf(code: Numbered, v: string): Region[] | undefined {
  const all = code.all.get(v) ?? [], writes = code.writes.get(v) ?? [], indices = code.indices.get(v) ?? [];
  const regions: Region[] = [];
  /** Walks a block; false if an occurrence outside any region makes the split impossible. */
  const walk = (block: number): boolean => {
    const starts = code.blocks[block];
    const end = starts[starts.length - 1];
    for (let i = 0; i < starts.length - 1;) {
      // The next statement of this block that holds an occurrence (or is a loop over v); the others hold none.
      const p = Math.min(first(all, starts[i]), first(indices, starts[i]));
      if (p >= end) return true;
      const k = upperBound(starts, p) - 1;
      const at = starts[k], s = code.stmts[at];
      if (s.kind !== 'for' && stmtWrites(s).includes(v) && !code.children[at].length) {
        // The region holds only this assignment, which does not read v.
        if (countIn(writes, at, end) !== 1 || stmtReads(s).includes(v)) return false;
        regions.push({ block, start: k });
        return true; // everything after belongs to this region
      }
      if (stmtReads(s).includes(v) || (s.kind === 'for' && s.index === v)) return false;
      for (const c of code.children[at]) if (!walk(c)) return false;
      i = k + 1;
    }
    return true;
  };
  if (!walk(0)) return undefined;
  // Every occurrence must be inside a region.
  const inRegions = regions.reduce((n, r) => {
    const starts = code.blocks[r.block];
    return n + countIn(all, starts[r.start], starts[starts.length - 1]);
  }, 0);
  return inRegions === all.length ? regions : undefined;
}

/** Renames, in one rebuild, every region's variable (inherited by the blocks nested in it). */
function renameRegions(body: Stmt[], renames: Map<number, Map<number, [string, string][]>>): Stmt[] {
  let next = 0;
  const walk = (block: Stmt[], inherited: ReadonlyMap<string, string>): Stmt[] => {
    const here = renames.get(next++);
    let m = inherited;
    return block.map((s, k) => {
      const starting = here?.get(k);
      if (starting) m = new Map([...m, ...starting]);
      if (!m.size) return mapBlocks(s, (b) => walk(b, m));
      const to = m;
      return renameStmt(s, (n) => to.get(n) ?? n, (b) => walk(b, to));
    });
  };
  return walk(body, new Map());
}

/** The first entry of a sorted list at or after x (Infinity if none). */
function first(list: number[], x: number): number {
  const i = lowerBound(list, x);
  return i < list.length ? list[i] : Infinity;
}

/** How many entries of a sorted list lie in [from, to). */
function countIn(list: number[], from: number, to: number): number {
  return lowerBound(list, to) - lowerBound(list, from);
}

function lowerBound(list: number[], x: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (list[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

function upperBound(list: number[], x: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (list[mid] <= x) lo = mid + 1; else hi = mid; }
  return lo;
}
