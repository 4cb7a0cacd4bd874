// Definite assignment, as TypeScript checks it: a variable declared without a
// value (`let y;`) must be assigned on every path that reaches a read of it.
// JavaScript would read `undefined` there, which is never a number, so such a
// read is refused rather than differentiated. Runs on the freshly lowered IR,
// whose control flow is still the source's (structured; do…while is a
// `while (true)` that ends in `if (!c) break`).
import { exprAtoms } from './walk.js';
import { assertNever, type Atom, type Stmt } from './nodes.js';

/** The names assigned on every path so far; null where no path reaches (after return, break, continue). */
type State = ReadonlySet<string> | null;

interface LoopExits { breaks: State; continues: State }

/** Where a path merges: assigned on both. */
function meet(a: State, b: State): State {
  if (a === null) return b;
  if (b === null) return a;
  return new Set([...a].filter((n) => b.has(n)));
}

/**
 * Calls `unassigned` for the first read (in program order) of a `tracked`
 * variable that some path reaches without assigning it.
 */
export function checkDefiniteAssignment(
  body: Stmt[],
  tracked: ReadonlySet<string>,
  unassigned: (name: string, read: Atom | undefined, stmt: Stmt) => never,
): void {
  if (!tracked.size) return;
  const need = (st: State, s: Stmt, atoms: Atom[], arrays: string[] = []) => {
    if (st === null) return;
    for (const a of atoms) if (a.kind === 'var' && tracked.has(a.name) && !st.has(a.name)) unassigned(a.name, a, s);
    for (const n of arrays) if (tracked.has(n) && !st.has(n)) unassigned(n, undefined, s);
  };
  const assign = (st: State, names: string[]): State => {
    if (st === null) return st;
    const fresh = names.filter((n) => tracked.has(n) && !st.has(n));
    return fresh.length ? new Set([...st, ...fresh]) : st;
  };

  const block = (stmts: Stmt[], st: State, loop: LoopExits | undefined): State => {
    for (const s of stmts) {
      if (st === null) return null; // unreachable code reads nothing
      st = stmt(s, st, loop);
    }
    return st;
  };

  const stmt = (s: Stmt, st: ReadonlySet<string>, loop: LoopExits | undefined): State => {
    switch (s.kind) {
      case 'assign': {
        const e = s.expr;
        need(st, s, exprAtoms(e), e.kind === 'load' || e.kind === 'length' ? [e.array] : []);
        return assign(st, [s.target]);
      }
      case 'multi': need(st, s, s.args); return assign(st, s.targets);
      case 'store': need(st, s, [s.index, s.value], [s.array]); return st;
      case 'push': need(st, s, [s.value]); return st;
      case 'comment': return st;
      case 'return': need(st, s, s.values); return null;
      case 'break': loop!.breaks = meet(loop!.breaks, st); return null;
      case 'continue': loop!.continues = meet(loop!.continues, st); return null;
      case 'if': {
        need(st, s, [s.cond]);
        return meet(block(s.then, st, loop), block(s.else, st, loop));
      }
      case 'for': {
        need(st, s, [s.start, s.end]);
        // Later iterations only add assignments, so the first one is the one to check.
        block(s.body, assign(st, [s.index]), { breaks: null, continues: null });
        return st; // the body may run no times
      }
      case 'while': {
        const tested = block(s.test, st, loop);
        if (tested === null) return null;
        need(tested, s, [s.cond]);
        const exits: LoopExits = { breaks: null, continues: null };
        const end = block(s.body, tested, exits);
        block(s.update, meet(end, exits.continues), exits);
        // Left when the condition is false (never, for `while (true)`) or by a break.
        const always = s.cond.kind === 'const' && s.cond.value !== 0;
        return always ? exits.breaks : meet(tested, exits.breaks);
      }
      default: return assertNever(s, 'statement');
    }
  };

  block(body, new Set(), undefined);
}
