// Before reverse mode: rewrites `break`, `continue` and early `return` into
// structured code, so that the reverse sweep only meets `if`, loops that run
// to their condition, and one final `return`.
//
//   if (c) return a; rest            ==>  if (c) { result = a } else { rest' }   (outside loops)
//   loop { ...; break; ... }         ==>  loop while (cond && !stop) { ... stop = true ... }
//   loop { ...; continue; rest }     ==>  loop { ...; skip = true; if (!skip) { rest } }
//   return inside a loop             ==>  result = a; done = true; every enclosing loop stops
//
// Counted `for` loops that lose their fixed trip count become `while` loops.
import type { Namer } from '../ir/names.js';
import { bool, i32, v, type Atom, type IrFunction, type Stmt, type Type } from '../ir/nodes.js';
import { alwaysReturns } from '../ir/program.js';

interface Flags { done?: string; brk?: string; cont?: string }

export function normalizeExits(fn: IrFunction, namer: Namer): IrFunction {
  if (!needsWork(fn.body, true)) return fn;
  const vars = new Map(fn.vars);
  const result = namer.fresh('result');
  vars.set(result, fn.results[0] as Type);
  let done: string | undefined;
  const flag = (hint: string) => { const n = namer.fresh(hint); vars.set(n, 'bool'); return n; };
  const getDone = () => (done ??= flag('done'));

  const notAny = (names: (string | undefined)[], out: Stmt[]): Atom => {
    let acc: Atom | undefined;
    for (const n of names) {
      if (!n) continue;
      const t = flag(`not_${n}`);
      out.push({ kind: 'assign', target: t, expr: { kind: 'unary', op: 'not', arg: v(n) } });
      if (acc) {
        const both = flag('go_on');
        out.push({ kind: 'assign', target: both, expr: { kind: 'binary', op: '&&', left: acc, right: v(t) } });
        acc = v(both);
      } else acc = v(t);
    }
    return acc ?? bool(true);
  };

  const block = (stmts: Stmt[], f: Flags, inLoop: boolean, nested = true): Stmt[] => {
    const out: Stmt[] = [];
    for (let k = 0; k < stmts.length; k++) {
      const s = stmts[k];
      const rest = stmts.slice(k + 1);
      switch (s.kind) {
        case 'return':
          out.push({ kind: 'assign', target: result, expr: { kind: 'atom', value: s.values[0] }, loc: s.loc });
          if (inLoop || nested) out.push({ kind: 'assign', target: getDone(), expr: { kind: 'atom', value: bool(true) } });
          return out;
        case 'break':
          out.push({ kind: 'assign', target: f.brk!, expr: { kind: 'atom', value: bool(true) } });
          return out;
        case 'continue':
          out.push({ kind: 'assign', target: f.cont!, expr: { kind: 'atom', value: bool(true) } });
          return out;
        case 'if': {
          if (!inLoop && (alwaysReturns(s.then) || alwaysReturns(s.else)) && rest.length) {
            // Outside loops an early return just moves the rest into the other branch.
            const [exits, other] = alwaysReturns(s.then) ? [s.then, s.else] : [s.else, s.then];
            const merged = block([...other, ...rest], f, inLoop, nested);
            const ex = block(exits, f, inLoop, nested);
            out.push({ ...s, then: alwaysReturns(s.then) ? ex : merged, else: alwaysReturns(s.then) ? merged : ex });
            return out;
          }
          out.push({ ...s, then: block(s.then, f, inLoop), else: block(s.else, f, inLoop) });
          if (exitsFrom(s, inLoop) && rest.length) return guardRest(out, rest, f, inLoop);
          break;
        }
        case 'for': case 'while': {
          const loopStmts = loop(s, f);
          out.push(...loopStmts);
          if (done && containsReturn(s) && rest.length) return guardRest(out, rest, f, inLoop);
          break;
        }
        default: out.push(s);
      }
    }
    return out;
  };

  const guardRest = (out: Stmt[], rest: Stmt[], f: Flags, inLoop: boolean): Stmt[] => {
    const cond = notAny([done, f.brk, f.cont], out);
    out.push({ kind: 'if', cond, then: block(rest, f, inLoop), else: [] });
    return out;
  };

  const loop = (s: Extract<Stmt, { kind: 'for' | 'while' }>, _outer: Flags): Stmt[] => {
    const body = s.body;
    const hasBrk = containsDirect(body, 'break');
    const hasCont = containsDirect(body, 'continue');
    const hasRet = containsReturn(s);
    if (!hasBrk && !hasCont && !hasRet) {
      return [s.kind === 'for' ? { ...s, body: block(s.body, { done }, true) } : { ...s, body: block(s.body, { done }, true), update: s.update }];
    }
    const f: Flags = { done: hasRet ? getDone() : undefined, brk: hasBrk ? flag('stop') : undefined, cont: hasCont ? flag('skip') : undefined };
    if (hasRet) f.done = getDone();
    const pre: Stmt[] = [];
    if (f.brk) pre.push({ kind: 'assign', target: f.brk, expr: { kind: 'atom', value: bool(false) } });
    const startBody: Stmt[] = f.cont ? [{ kind: 'assign', target: f.cont, expr: { kind: 'atom', value: bool(false) } }] : [];
    const newBody = [...startBody, ...block(s.body, f, true)];
    // The loop goes on while its own condition holds and no exit flag is set.
    const test: Stmt[] = [];
    let cond: Atom;
    let update: Stmt[];
    if (s.kind === 'for') {
      pre.push({ kind: 'assign', target: s.index, expr: { kind: 'atom', value: s.start } });
      const c = namer.fresh('more');
      vars.set(c, 'bool');
      const op = s.step === 1 ? (s.inclusive ? '<=' : '<') : (s.inclusive ? '>=' : '>');
      test.push({ kind: 'assign', target: c, expr: { kind: 'binary', op, left: v(s.index), right: s.end } });
      cond = v(c);
      update = [{ kind: 'assign', target: s.index, expr: { kind: 'binary', op: '+', left: v(s.index), right: i32(s.step) } }];
    } else {
      test.push(...s.test);
      cond = s.cond;
      update = s.update;
    }
    const flagsOk = notAny([f.done, f.brk], test);
    if (!(flagsOk.kind === 'const')) {
      const go = flag('go');
      test.push({ kind: 'assign', target: go, expr: { kind: 'binary', op: '&&', left: cond, right: flagsOk } });
      cond = v(go);
    }
    return [...pre, { kind: 'while', test, cond, body: newBody, update, loc: s.loc }];
  };

  let body = block(fn.body, {}, false, false);
  const init: Stmt[] = [];
  if (done) init.push({ kind: 'assign', target: done, expr: { kind: 'atom', value: bool(false) } });
  body = [...init, ...body, { kind: 'return', values: [v(result)] }];
  return { ...fn, body, vars };
}

function needsWork(body: Stmt[], top: boolean): boolean {
  for (let k = 0; k < body.length; k++) {
    const s = body[k];
    if (s.kind === 'return' && !(top && k === body.length - 1)) return true;
    if (s.kind === 'break' || s.kind === 'continue') return true;
    if (s.kind === 'if' && (needsWork(s.then, false) || needsWork(s.else, false))) return true;
    if ((s.kind === 'for' || s.kind === 'while') && (needsWork(s.body, false) || containsReturn(s))) return true;
  }
  return false;
}

function containsReturn(s: Stmt): boolean {
  if (s.kind === 'return') return true;
  if (s.kind === 'if') return s.then.some(containsReturn) || s.else.some(containsReturn);
  if (s.kind === 'for') return s.body.some(containsReturn);
  if (s.kind === 'while') return s.body.some(containsReturn) || s.test.some(containsReturn);
  return false;
}

/** break/continue that belong to this loop (not to nested loops). */
function containsDirect(body: Stmt[], kind: 'break' | 'continue'): boolean {
  return body.some((s) => s.kind === kind || (s.kind === 'if' && (containsDirect(s.then, kind) || containsDirect(s.else, kind))));
}

function exitsFrom(s: Stmt, inLoop: boolean): boolean {
  if (s.kind === 'return') return true;
  if (s.kind === 'break' || s.kind === 'continue') return inLoop;
  if (s.kind === 'if') return s.then.some((x) => exitsFrom(x, inLoop)) || s.else.some((x) => exitsFrom(x, inLoop));
  if (s.kind === 'for' || s.kind === 'while') return containsReturn(s);
  return false;
}
