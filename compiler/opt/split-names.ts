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
import { Namer } from '../ir/names.js';
import type { IrFunction, Stmt } from '../ir/nodes.js';
import { childBlocks, forEachStmt, mapBlocks, renameStmt, stmtReads, stmtWrites } from '../ir/walk.js';

interface Region { block: Stmt[]; start: number }

export function splitNames(fn: IrFunction): IrFunction {
  const assigns = new Map<string, number>();
  forEachStmt(fn.body, (s) => {
    if (s.kind === 'for') return;
    for (const n of stmtWrites(s)) assigns.set(n, (assigns.get(n) ?? 0) + 1);
  });
  const params = new Set(fn.params.map((p) => p.name));
  const candidates = [...assigns].filter(([n, c]) => c >= 2 && !params.has(n) && fn.vars.get(n) !== 'f64[]').map(([n]) => n);
  if (!candidates.length) return fn;
  const namer = new Namer(fn.vars.keys());
  const vars = new Map(fn.vars);
  const named = new Set(fn.named ?? []);
  let body = fn.body;
  for (const v of candidates) {
    const regions = regionsOf(body, v);
    if (!regions || regions.length < 2) continue;
    // The first region keeps the name; the others get fresh ones.
    const renames = new Map<Stmt[], { start: number; name: string }>();
    for (const r of regions.slice(1)) {
      const name = namer.fresh(v);
      vars.set(name, vars.get(v)!);
      if (named.has(v)) named.add(name);
      renames.set(r.block, { start: r.start, name });
    }
    body = renameRegions(body, v, renames);
  }
  return { ...fn, body, vars, named: fn.named ? named : undefined };
}

/** The regions of v, or undefined if v is not split that way. */
function regionsOf(body: Stmt[], v: string): Region[] | undefined {
  const regions: Region[] = [];
  let ok = true;
  const count = (ss: Stmt[], what: 'reads' | 'writes' | 'all') => {
    let n = 0;
    forEachStmt(ss, (s) => {
      if (what !== 'writes') n += stmtReads(s).filter((x) => x === v).length;
      if (what !== 'reads' && s.kind !== 'for') n += stmtWrites(s).filter((x) => x === v).length;
    });
    return n;
  };
  /** Walks a block; occurrences outside any region make the split impossible. */
  const walk = (block: Stmt[]) => {
    for (let k = 0; k < block.length && ok; k++) {
      const s = block[k];
      const assignsHere = s.kind !== 'for' && stmtWrites(s).includes(v) && childBlocks(s).length === 0;
      if (assignsHere) {
        const rest = block.slice(k);
        // The region holds only this assignment, which does not read v.
        if (count(rest, 'writes') !== 1 || stmtReads(s).includes(v)) { ok = false; return; }
        regions.push({ block, start: k });
        return; // everything after belongs to this region
      }
      if (stmtReads(s).includes(v) || (s.kind === 'for' && s.index === v)) { ok = false; return; }
      for (const c of childBlocks(s)) walk(c);
    }
  };
  walk(body);
  if (!ok) return undefined;
  // Every occurrence must be inside a region.
  const inRegions = regions.reduce((n, r) => n + count(r.block.slice(r.start), 'all'), 0);
  return inRegions === count(body, 'all') ? regions : undefined;
}

function renameRegions(body: Stmt[], v: string, renames: Map<Stmt[], { start: number; name: string }>): Stmt[] {
  const rename = (n: string, to: string) => (n === v ? to : n);
  const walk = (block: Stmt[]): Stmt[] => {
    const r = renames.get(block);
    return block.map((s, k) => {
      if (r && k >= r.start) return renameStmt(s, (n) => rename(n, r.name));
      return mapBlocks(s, walk);
    });
  };
  return walk(body);
}

