// scalar-replace: an array element that a loop reads or adds into at an index
// the loop never changes lives in a local for the length of the loop.
//
//   for j … {                     dx_l = dx[l]
//     dx[l] += u        ==>       for j … {
//     t = x[l]                      dx_l = dx_l + u
//   }                               t = x_l      (x_l = x[l] before the loop)
//                                 }
//                                 dx[l] = dx_l
//
// Engines cannot do this themselves: a store into any Float64Array may write
// the element (two arrays may share a buffer), so they reload it after every
// store. Here the arrays are known apart: an element is replaced when every
// statement of the loop that mentions its array (or any alias) is a load or a
// store at that one index, the loop assigns neither the index nor the array
// variable, and nothing in it returns (the store after the loop must run). The
// additions happen in the same order, so results are bit for bit the same;
// when the loop runs no times the element is written back unchanged.
//
// Assumes: valid IR. Guarantees: every element read or written holds what it held.
import { Namer } from '../ir/names.js';
import { v, type Atom, type Expr, type IrFunction, type Stmt } from '../ir/nodes.js';
import { assignedIn, exprReads, forEachStmt, mapBlocks, stmtReads } from '../ir/walk.js';
import { aliases, type Aliases } from './analysis.js';

type For = Extract<Stmt, { kind: 'for' }>;

export function scalarReplace(fn: IrFunction): IrFunction {
  const alias = aliases(fn);
  const vars = new Map(fn.vars);
  const namer = new Namer(vars.keys());
  let changed = false;
  // `around`: the index of the loop around this block, which names the element (`dx_l` for dx[base + l]).
  const block = (body: Stmt[], around?: string): Stmt[] => body.flatMap((s): Stmt[] => {
    if (s.kind !== 'for') return [mapBlocks(s, (b) => block(b, around))];
    const inner = (b: Stmt[]) => block(b, s.index);
    const found = elements(s, fn, alias);
    if (!found.length) return [mapBlocks(s, inner)];
    changed = true;
    const before: Stmt[] = [], after: Stmt[] = [];
    let loop: For = s;
    for (const { array, index, stored } of found) {
      const local = namer.fresh(`${array}_${index.kind === 'const' ? index.value : around ?? index.name}`);
      vars.set(local, 'f64');
      before.push({ kind: 'assign', target: local, expr: { kind: 'load', array, index } });
      if (stored) after.push({ kind: 'store', array, index, value: v(local), accumulate: false });
      loop = { ...loop, body: replaceIn(loop.body, array, local) };
    }
    return [...before, mapBlocks(loop, inner), ...after];
  });
  const body = block(fn.body);
  return changed ? { ...fn, body, vars } : fn;
}

interface Element { array: string; index: Atom; stored: boolean }

/** The elements loop `s` may keep in locals: arrays touched only by loads and stores at one index it does not change. */
function elements(s: For, fn: IrFunction, alias: Aliases): Element[] {
  const assigned = assignedIn(s.body);
  assigned.add(s.index);
  let returns = false;
  forEachStmt(s.body, (x) => { if (x.kind === 'return') returns = true; });
  if (returns) return [];
  const seen = new Map<string, Element | null>(); // array → its element, or null when it cannot be replaced
  const sameAtom = (a: Atom, b: Atom) => (a.kind === 'var' ? b.kind === 'var' && a.name === b.name : b.kind === 'const' && a.value === b.value);
  const access = (array: string, index: Atom, store: boolean) => {
    const prev = seen.get(array);
    if (prev === null) return;
    const fixed = index.kind === 'const' || !assigned.has(index.name);
    const names = alias(array);
    if (!fixed || names.length > 1 || assigned.has(array) || (prev && !sameAtom(prev.index, index))) { seen.set(array, null); return; }
    seen.set(array, { array, index, stored: store || (prev?.stored ?? false) });
  };
  const other = (n: string) => { if (fn.vars.get(n) === 'f64[]') for (const m of alias(n)) seen.set(m, null); };
  forEachStmt(s.body, (x) => {
    if (x.kind === 'store') { access(x.array, x.index, true); return; }
    if (x.kind === 'assign' && x.expr.kind === 'load') { access(x.expr.array, x.expr.index, false); return; }
    // `a.length` does not depend on the elements.
    const reads = x.kind === 'assign' && x.expr.kind === 'length' ? [] : x.kind === 'assign' ? exprReads(x.expr) : stmtReads(x);
    for (const n of reads) other(n);
    if (x.kind === 'assign' || x.kind === 'multi') for (const t of x.kind === 'assign' ? [x.target] : x.targets) other(t);
  });
  return [...seen.values()].filter((e): e is Element => e !== null);
}

/** Reads and writes of `array`'s one element in `body` become reads and writes of `local`. */
function replaceIn(body: Stmt[], array: string, local: string): Stmt[] {
  return body.map((x): Stmt => {
    if (x.kind === 'store' && x.array === array) {
      const expr: Expr = x.accumulate ? { kind: 'binary', op: '+', left: v(local), right: x.value } : { kind: 'atom', value: x.value };
      return { kind: 'assign', target: local, expr, loc: x.loc, src: x.src };
    }
    if (x.kind === 'assign' && x.expr.kind === 'load' && x.expr.array === array) return { ...x, expr: { kind: 'atom', value: v(local) } };
    return mapBlocks(x, (b) => replaceIn(b, array, local));
  });
}
