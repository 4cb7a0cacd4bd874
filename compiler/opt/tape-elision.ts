// tape-elision: removes tape traffic the derivative does not need.
//
// 1. A slot whose every pop is dead (the popped value is never read): the
//    pushes and pops of that slot go together.
//        push #k x ... y = pop #k   (y dead)   ==>   (nothing)
// 2. A slot pushed at one place with a literal, or with a variable that is
//    assigned nowhere between the push and each pop: the pop merely gets the
//    value back, so it becomes a copy (or nothing, if it restores the same
//    variable) and the push goes.
//        push #k x ... y = pop #k   ==>   ... y = x
//        push #k x ... x = pop #k   ==>   ...
// 3. A slot that holds at most one value at a time becomes a local variable:
//    pushed only outside loops (one value per call), or pushed and popped
//    in one iteration of the same loop (a checkpointed iteration's re-run
//    and its adjoint).
//        push #k x ... y = pop #k   ==>   x_saved = x ... y = x_saved
//    Push and pop inside two `if`s on the same condition, as reverse mode
//    writes them, need nothing more (the validator follows the condition);
//    where the push does not provably come first, `x_saved = 0` at entry
//    keeps the IR defined on every path.
//
// Arrays on the tape (references to arrays allocated in loops) take part in
// rule 1 only.
//
// Assumes: valid IR with a well-formed tape (pops undo pushes of the same
// slot, in stack order). Removing both ends of every push/pop of a slot keeps
// the order of the other slots intact, so the stack stays well formed.
// Guarantees: every remaining pop reads what it read before.
import type { Atom, IrFunction, Scalar, Stmt, TapeKind, Type } from '../ir/nodes.js';
import { Namer } from '../ir/names.js';
import { childBlocks, forEachStmt, mapBlocks, WriteIndex } from '../ir/walk.js';
import { liveness, type Liveness, type PassContext } from './analysis.js';
import { maybeUndefined } from '../ir/validate.js';

export function tapeElision(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  const popped = new Set<string>();
  forEachStmt(fn.body, (s) => { if (s.kind === 'assign' && s.expr.kind === 'pop') popped.add(s.target); });
  // Without pops there is no tape to elide (and no liveness to compute); rule 1 asks only about what pops assign.
  if (!popped.size) return fn;
  return localizeLoopFree(forwardUnchanged(removeDeadTapePairs(fn, liveness(fn, { strong: false, ctx, only: popped }))));
}

/**
 * Where a statement sits: for each level, [child block of the enclosing statement, index, number of the
 * statement there]; statements are numbered depth first in program order, as WriteIndex numbers them.
 */
interface Site { stmt: Stmt; path: [number, number, number][]; inLoop: boolean; loop?: Stmt }
interface Slot { tape: TapeKind; pushes: Site[]; pops: Site[] }

function slots(fn: IrFunction): Map<number, Slot> {
  const out = new Map<number, Slot>();
  const get = (k: number, tape: TapeKind) => { let s = out.get(k); if (!s) { s = { tape, pushes: [], pops: [] }; out.set(k, s); } return s; };
  let next = 0;
  const walk = (body: Stmt[], path: [number, number, number][], which: number, loop: Stmt | undefined) => body.forEach((s, i) => {
    const here: [number, number, number][] = [...path, [which, i, next++]];
    const inLoop = loop !== undefined;
    if (s.kind === 'push') get(s.slot, s.tape).pushes.push({ stmt: s, path: here, inLoop, loop });
    if (s.kind === 'assign' && s.expr.kind === 'pop') get(s.expr.slot, s.expr.tape).pops.push({ stmt: s, path: here, inLoop, loop });
    childBlocks(s).forEach((b, w) => walk(b, here, w, s.kind === 'for' || s.kind === 'while' ? s : loop));
  });
  walk(fn.body, [], -1, undefined);
  return out;
}

/** Rebuilds a block, replacing statements (by identity) with lists of statements. */
function replace(body: Stmt[], m: Map<Stmt, Stmt[]>): Stmt[] {
  return body.flatMap((s) => m.get(s) ?? [mapBlocks(s, (b) => replace(b, m))]);
}

const popTarget = (s: Stmt) => (s.kind === 'assign' ? s.target : '');

/** Rule 1: slots whose popped values are all dead lose their pushes and pops. */
export function removeDeadTapePairs(fn: IrFunction, live: Liveness): IrFunction {
  const m = new Map<Stmt, Stmt[]>();
  for (const slot of slots(fn).values()) {
    if (!slot.pops.length || !slot.pops.every((p) => !live.after.get(p.stmt)?.has(popTarget(p.stmt)))) continue;
    for (const site of [...slot.pushes, ...slot.pops]) m.set(site.stmt, []);
  }
  return m.size ? { ...fn, body: replace(fn.body, m) } : fn;
}

/**
 * Slots whose pushes and pops can all go: every value popped from them is dead when
 * what is pushed there is read by nothing but their own pops. A greatest fixpoint, so
 * cycles go too (`push x … x = pop`, where the popped x only feeds the next push).
 * Empty when it does not settle within a few rounds (each round is one liveness).
 */
export function idleSlots(fn: IrFunction, ctx: PassContext = {}): Set<number> {
  const all = slots(fn);
  const idle = new Set([...all].filter(([, s]) => s.tape !== 'f64[]').map(([k]) => k));
  for (let round = 0; round < 6 && idle.size; round++) {
    const live = liveness(fn, { ctx, idle });
    const busy = [...idle].filter((k) => all.get(k)!.pops.some((p) => live.after.get(p.stmt)?.has(popTarget(p.stmt))));
    if (!busy.length) return idle;
    for (const k of busy) idle.delete(k);
  }
  return idle.size ? new Set() : idle;
}

/** Rule 2: pops of a literal, or of a variable unchanged since its push, become copies. */
function forwardUnchanged(fn: IrFunction): IrFunction {
  const m = new Map<Stmt, Stmt[]>();
  let writes: WriteIndex | undefined;
  for (const slot of slots(fn).values()) {
    // Arrays stay on the tape: a copy would alias them, which the IR allows only right after a definition.
    if (slot.pushes.length !== 1 || !slot.pops.length || slot.tape === 'f64[]') continue;
    const push = slot.pushes[0];
    const value = (push.stmt as Extract<Stmt, { kind: 'push' }>).value;
    const ok = slot.pops.every((pop) => canHold(fn.vars.get(popTarget(pop.stmt)), value, fn.vars)
      && (value.kind === 'const' || unchangedBetween(writes ??= new WriteIndex(fn.body), push, pop, value.name, new Set(slot.pops.map(at)))));
    if (!ok) continue;
    m.set(push.stmt, []);
    for (const pop of slot.pops) {
      const target = popTarget(pop.stmt);
      const copy = retype(value, fn.vars.get(target));
      // x = pop #k  (x unchanged since push #k x) ==> nothing;   y = pop #k ==> y = x
      m.set(pop.stmt, copy.kind === 'var' && copy.name === target ? [] : [{ ...(pop.stmt as Extract<Stmt, { kind: 'assign' }>), expr: { kind: 'atom', value: copy } }]);
    }
  }
  return m.size ? { ...fn, body: replace(fn.body, m) } : fn;
}

/** Rule 3: slots pushed only outside loops become local variables. */
function localizeLoopFree(fn: IrFunction): IrFunction {
  const m = new Map<Stmt, Stmt[]>();
  const vars = new Map(fn.vars);
  const namer = new Namer(vars.keys());
  const made: [string, Scalar][] = [];
  for (const slot of slots(fn).values()) {
    // Array references stay on the tape (a local copy would need an array-typed saved variable).
    if (!slot.pushes.length || !slot.pops.length || !oneAtATime(slot) || slot.tape === 'f64[]') continue;
    const first = (slot.pushes[0].stmt as Extract<Stmt, { kind: 'push' }>).value;
    const saved = namer.fresh(`${first.kind === 'var' ? first.name : 'tape'}_saved`);
    // The saved variable has the pushed value's type (reverse mode pushes bools on the i32 tape).
    const pushedType = first.kind === 'var' ? fn.vars.get(first.name) : first.type;
    const type: Scalar = pushedType === 'bool' || pushedType === 'i32' || pushedType === 'f64' ? pushedType : (slot.tape as Scalar);
    if (slot.pushes.some((p) => typeOfAtom((p.stmt as Extract<Stmt, { kind: 'push' }>).value, fn.vars) !== type)) continue;
    vars.set(saved, type);
    made.push([saved, type]);
    for (const p of slot.pushes) {
      // push #k x ==> x_saved = x
      m.set(p.stmt, [{ kind: 'assign', target: saved, expr: { kind: 'atom', value: (p.stmt as Extract<Stmt, { kind: 'push' }>).value } }]);
    }
    for (const p of slot.pops) {
      // y = pop #k ==> y = x_saved
      m.set(p.stmt, [{ ...(p.stmt as Extract<Stmt, { kind: 'assign' }>), expr: { kind: 'atom', value: { kind: 'var', name: saved } } }]);
    }
  }
  if (!m.size) return fn;
  const out = { ...fn, vars, body: replace(fn.body, m) };
  const undef = maybeUndefined(out);
  const inits: Stmt[] = made.filter(([n]) => undef.has(n))
    .map(([target, type]): Stmt => ({ kind: 'assign', target, expr: { kind: 'atom', value: { kind: 'const', value: 0, type } } }));
  return inits.length ? { ...out, body: [...inits, ...out.body] } : out;
}

/**
 * A slot that holds at most one value at a time: pushed only outside loops, or
 * pushed and popped in one loop's body (not in loops inside it), every push
 * before every pop, so each iteration pops what it pushed (a checkpointed
 * iteration saving in its re-run what its adjoint restores).
 */
function oneAtATime(slot: Slot): boolean {
  if (!slot.pushes.some((p) => p.inLoop)) return true;
  const loop = slot.pushes[0].loop;
  const sites = [...slot.pushes, ...slot.pops];
  if (sites.some((s) => s.loop !== loop)) return false;
  const order = (s: Site) => s.path[s.path.length - 1][2];
  return Math.max(...slot.pushes.map(order)) < Math.min(...slot.pops.map(order));
}

/**
 * True if nothing assigns `name` on the way from the push to the pop, the
 * slot's own pops aside: they give back what was pushed, the value `name`
 * keeps anyway.
 */
function unchangedBetween(writes: WriteIndex, push: Site, pop: Site, name: string, ownPops: Set<number>): boolean {
  for (let level = 0; ; level++) {
    const [bp, ip, kp] = push.path[level], [bq, iq, kq] = pop.path[level];
    if (bp !== bq) return false; // different branches of an if, or different parts of a loop
    if (ip === iq) {
      if (level + 1 >= push.path.length || level + 1 >= pop.path.length) return false;
      const [nb, nq] = [push.path[level + 1][0], pop.path[level + 1][0]];
      if (nb !== nq) return false;
      continue;
    }
    if (ip > iq) return false;
    // The statements from the push's (or the one holding it) to the pop's (or the one holding it).
    const deeperPush = push.path.length > level + 1, deeperPop = pop.path.length > level + 1;
    const from = deeperPush ? kp : writes.end(kp), to = deeperPop ? writes.end(kq) : kq;
    return writes.writers(name, from, to).every((k) => ownPops.has(k));
  }
}

/** The number of the statement at a site. */
const at = (site: Site) => site.path[site.path.length - 1][2];

function typeOfAtom(a: Atom, vars: Map<string, Type>): Type | undefined {
  return a.kind === 'const' ? a.type : vars.get(a.name);
}

function canHold(T: Type | undefined, a: Atom, vars: Map<string, Type>): boolean {
  const t = a.kind === 'const' ? a.type : vars.get(a.name);
  return t === T || (T === 'f64' && t === 'i32');
}

function retype(a: Atom, T: Type | undefined): Atom {
  return a.kind === 'const' && T === 'f64' && a.type === 'i32' ? { ...a, type: 'f64' } : a;
}
