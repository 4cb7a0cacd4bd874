// combine-adds: what is added into one array element twice in a row is added
// up first, so the element is read and written once.
//
//   dx[i] += u            t = u + v
//   ...             ==>   ...
//   dx[i] += v            dx[i] += t
//
// Reverse mode writes one `+=` per use of an element (x[i] * x[i] makes two);
// a person writes one. Combined only within a run of simple statements of one
// block, when nothing in between reads the array's elements (through any
// alias), stores into it other than by adding, may write it through a call,
// or changes the index, u, or the array variable itself. The element then
// gets the same sum added in another order (equal up to rounding).
//
// Assumes: valid IR. Guarantees: every element ends with the same additions.
import { Namer } from '../ir/names.js';
import type { Atom, IrFunction, Stmt } from '../ir/nodes.js';
import { childBlocks, exprReads, mapBlocks, stmtReads, stmtWrites } from '../ir/walk.js';
import { aliases, writtenArrays, type Aliases, type PassContext } from './analysis.js';

type AddStore = Extract<Stmt, { kind: 'store' }>;

export function combineAdds(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  const alias = aliases(fn);
  const vars = new Map(fn.vars);
  const namer = new Namer(vars.keys());
  let changed = false;
  const block = (body: Stmt[]): Stmt[] => {
    const out: Stmt[] = [];
    // Open adds: element key → position in `out` of the last `+=` into it.
    const open = new Map<string, number>();
    for (const s0 of body) {
      const s = mapBlocks(s0, block);
      if (childBlocks(s).length) { open.clear(); out.push(s); continue; }
      if (s.kind === 'store' && s.accumulate) {
        const key = elementKey(s);
        const at = open.get(key);
        if (at !== undefined) {
          const first = out[at] as AddStore;
          const t = namer.fresh(`${s.array}_add`);
          vars.set(t, 'f64');
          out.splice(at, 1);
          for (const [k, p] of open) if (p > at) open.set(k, p - 1);
          out.push({ kind: 'assign', target: t, expr: { kind: 'binary', op: '+', left: first.value, right: s.value }, loc: s.loc });
          out.push({ ...s, value: { kind: 'var', name: t } });
          open.set(key, out.length - 1);
          changed = true;
          continue;
        }
        kill(open, out, s, fn, ctx, alias);
        out.push(s);
        open.set(key, out.length - 1);
        continue;
      }
      kill(open, out, s, fn, ctx, alias);
      out.push(s);
    }
    return out;
  };
  const body = block(fn.body);
  return changed ? { ...fn, body, vars } : fn;
}

const atomKey = (a: Atom) => (a.kind === 'var' ? a.name : `#${a.value}`);
const elementKey = (s: AddStore) => `${s.array}[${atomKey(s.index)}]`;

/** Closes the open adds that statement `s` (simple, about to follow them) interferes with. */
function kill(open: Map<string, number>, out: Stmt[], s: Stmt, fn: IrFunction, ctx: PassContext, alias: Aliases): void {
  if (!open.size) return;
  const written = new Set(stmtWrites(s));
  const touched = new Set<string>();
  for (const a of writtenArrays(s, fn, ctx)) for (const n of alias(a)) touched.add(n);
  if (s.kind === 'store' && s.accumulate) touched.clear(); // adding into other elements commutes
  // Elements read: loads, arrays given to primitives and calls, arrays pushed.
  const reads = s.kind === 'assign' ? (s.expr.kind === 'length' ? [] : exprReads(s.expr)) : s.kind === 'store' ? [] : stmtReads(s);
  for (const n of reads) if (fn.vars.get(n) === 'f64[]') for (const m of alias(n)) touched.add(m);
  for (const [key, at] of open) {
    const add = out[at] as AddStore;
    const names = [add.array, add.index, add.value].map((a) => (typeof a === 'string' ? a : a.kind === 'var' ? a.name : ''));
    if (touched.has(add.array) || names.some((n) => n && written.has(n))) open.delete(key);
  }
}
