// constant-fold: evaluates operations on literals and applies the algebraic
// identities that hold exactly in IEEE-754 double arithmetic.
//
// What it does:
// - literal ⊕ literal for arithmetic, comparisons, logic and `Math.*`
//   primitives, computed with JavaScript's own operators, so the result is
//   what the unoptimised code would compute. Integer (i32) arithmetic is
//   folded only when the exact result is a 32-bit integer (no wrap-around,
//   no -0), so both backends agree; `/` into an i32 truncates (README).
// - identities that are exact for every input, NaN, ±Infinity and -0
//   included: x*1, x/1, x-0, x+(-0), x*-1, x/-1, -(-x), !!b, pow(x, 1),
//   pow(x, 2) (fdlibm's pow returns x*x for y = 2), and the boolean laws of
//   && and ||. On integers (which have no -0) also i+0 and 0+i.
// - branches on literals: `if true/false` keeps one branch, a `while` whose
//   condition is false runs its test once, a counted loop whose literal
//   range is empty disappears.
//
// What it never does: `x*0 ==> 0` (NaN and ±Infinity times 0 are NaN),
// `x+0 ==> x` on f64 (-0 + 0 is +0), `0-x ==> -x` (0 - 0 is +0, -0 is -0).
// Symbolic zeros are the AD's business, not this pass's.
//
// Assumes: valid IR. Guarantees: the same values on every input; types kept
// (a result is stored only into a variable that can hold it).
import type { Atom, Const, Expr, IrFunction, Scalar, Stmt, Type } from '../ir/nodes.js';
import { exprReads, mapBlocks } from '../ir/walk.js';
import { Facts, forwardRewrite, type ForwardVisitor } from './analysis.js';

/** Facts: the defining expression of a variable, while neither it nor its operands change. */
type Defs = Facts<Expr>;

export function constantFold(fn: IrFunction): IrFunction {
  const typeOf = (a: Atom): Type | undefined => (a.kind === 'const' ? a.type : fn.vars.get(a.name));
  const visitor: ForwardVisitor<Expr> = {
    simple(s, defs: Defs) {
      if (s.kind === 'multi') defs.kill(s.targets);
      if (s.kind !== 'assign') return s;
      const T = fn.vars.get(s.target)!;
      const expr = foldExpr(s.expr, T, typeOf, (n) => defs.get(n));
      defs.kill([s.target]);
      const reads = exprReads(expr);
      if (!reads.includes(s.target)) defs.set(s.target, expr, [s.target, ...reads]);
      return expr === s.expr ? s : { ...s, expr };
    },
    atom: (a) => a,
  };
  const body = foldControl(forwardRewrite(fn.body, new Facts<Expr>(), visitor));
  return { ...fn, body };
}

const num = (a: Atom, value: number) => a.kind === 'const' && a.type !== 'bool' && Object.is(a.value, value);
const isZero = (a: Atom) => a.kind === 'const' && a.type !== 'bool' && a.value === 0;
const atom = (value: Atom): Expr => ({ kind: 'atom', value });
const constOf = (value: number, type: Scalar): Expr => atom({ kind: 'const', value, type });
/** A negative literal other than -0 and NaN, whose negation is exact. */
const negative = (a: Atom): a is Const => a.kind === 'const' && a.type !== 'bool' && a.value < 0 && (a.type !== 'i32' || a.value !== -2147483648);
const negated = (c: Const): Const => ({ ...c, value: -c.value });
const isI32 = (v: number) => Number.isInteger(v) && v === (v | 0) && !Object.is(v, -0);

/** Folds one expression whose result goes into a variable of type T. */
export function foldExpr(e: Expr, T: Type, typeOf: (a: Atom) => Type | undefined, defOf: (n: string) => Expr | undefined): Expr {
  // The result may replace e only if a T variable can hold it.
  const fits = (a: Atom) => { const t = typeOf(a); return t === T || (T === 'f64' && t === 'i32'); };
  const numberConst = (value: number, operandsI32: boolean): Expr | undefined => {
    if (T === 'bool' || T === 'f64[]') return undefined;
    if (operandsI32 || T === 'i32') return isI32(value) ? constOf(value, T === 'i32' ? 'i32' : 'f64') : undefined;
    return constOf(value, 'f64');
  };
  switch (e.kind) {
    case 'unary': {
      const a = e.arg;
      if (a.kind === 'const') {
        // -c ==> the literal;  !c ==> the literal;  toInt(c) ==> c | 0
        if (e.op === 'not') return constOf(a.value ? 0 : 1, 'bool');
        if (e.op === 'toInt') return numberConst(a.value | 0, true) ?? e;
        return numberConst(-a.value, a.type === 'i32') ?? e;
      }
      const def = defOf(a.name);
      // -(-x) ==> x    !(!b) ==> b
      if (def?.kind === 'unary' && def.op === e.op && e.op !== 'toInt' && fits(def.arg)) return atom(def.arg);
      return e;
    }
    case 'binary': return reassociate(foldBinary(e, T, typeOf, fits, numberConst), T, defOf);
    case 'prim': {
      const f = e.name.startsWith('Math.') ? (Math as unknown as Record<string, unknown>)[e.name.slice(5)] : undefined;
      // Math.f(c1, c2) ==> the literal
      if (typeof f === 'function' && e.args.every((a) => a.kind === 'const') && T === 'f64') {
        return constOf((f as (...xs: number[]) => number)(...e.args.map((a) => a.value)), 'f64');
      }
      if (e.name === 'Math.pow' && e.args.length === 2) return powIdentity(e, e.args[0], e.args[1], typeOf, fits);
      return e;
    }
    default: return e;
  }
}

function powIdentity(e: Expr, x: Atom, y: Atom, typeOf: (a: Atom) => Type | undefined, fits: (a: Atom) => boolean): Expr {
  // pow(x, 1) ==> x
  if (num(y, 1) && fits(x)) return atom(x);
  // pow(x, 2) ==> x * x      (exact: fdlibm's pow returns x*x when y is 2)
  if (num(y, 2) && x.kind === 'var' && typeOf(x) === 'f64') return { kind: 'binary', op: '*', left: x, right: x };
  return e;
}

/**
 * Integer offsets chain into one: exact on integers (in JS numbers and in
 * wrapping i32 arithmetic alike), so only i32 results are touched.
 *   t = a + c1; u = t + c2  ==>  u = a + (c1 + c2)     (and with -)
 */
function reassociate(e: Expr, T: Type, defOf: (n: string) => Expr | undefined): Expr {
  if (T !== 'i32' || e.kind !== 'binary' || (e.op !== '+' && e.op !== '-') || e.left.kind !== 'var' || e.right.kind !== 'const') return e;
  const inner = defOf(e.left.name);
  if (!inner || inner.kind !== 'binary' || (inner.op !== '+' && inner.op !== '-') || inner.right.kind !== 'const' || inner.right.type !== 'i32') return e;
  if (inner.left.kind === 'var' && inner.left.name === e.left.name) return e;
  const c = (inner.op === '+' ? inner.right.value : -inner.right.value) + (e.op === '+' ? e.right.value : -e.right.value);
  if (!isI32(c) && c !== 0) return e;
  if (c === 0) return { kind: 'atom', value: inner.left };
  return { kind: 'binary', op: c < 0 ? '-' : '+', left: inner.left, right: { kind: 'const', value: Math.abs(c), type: 'i32' } };
}

function foldBinary(
  e: Extract<Expr, { kind: 'binary' }>, T: Type, typeOf: (a: Atom) => Type | undefined,
  fits: (a: Atom) => boolean, numberConst: (v: number, i32: boolean) => Expr | undefined,
): Expr {
  const { op, left: l, right: r } = e;
  if (l.kind === 'const' && r.kind === 'const') return foldLiterals(op, l, r, numberConst, T === 'i32') ?? e;
  const int = (a: Atom) => typeOf(a) === 'i32';
  switch (op) {
    case '*':
      if (num(r, 1) && fits(l)) return atom(l); // x * 1 ==> x
      if (num(l, 1) && fits(r)) return atom(r); // 1 * x ==> x
      if (num(r, -1) && fits(l)) return { kind: 'unary', op: 'neg', arg: l }; // x * -1 ==> -x
      if (num(l, -1) && fits(r)) return { kind: 'unary', op: 'neg', arg: r }; // -1 * x ==> -x
      return e;
    case '/':
      if (num(r, 1) && fits(l)) return atom(l); // x / 1 ==> x
      if (num(r, -1) && fits(l)) return { kind: 'unary', op: 'neg', arg: l }; // x / -1 ==> -x
      return e;
    case '-':
      if ((num(r, 0) || (isZero(r) && int(l))) && fits(l)) return atom(l); // x - 0 ==> x   (i - (-0) ==> i on integers)
      if (negative(r)) return { ...e, op: '+', right: negated(r) }; // x - (-c) ==> x + c   (IEEE defines x - y as x + (-y))
      return e;
    case '+':
      if ((num(r, -0) || (isZero(r) && int(l))) && fits(l)) return atom(l); // x + (-0) ==> x   (i + 0 ==> i on integers)
      if ((num(l, -0) || (isZero(l) && int(r))) && fits(r)) return atom(r); // (-0) + x ==> x   (0 + i ==> i on integers)
      if (negative(r)) return { ...e, op: '-', right: negated(r) }; // x + (-c) ==> x - c   (reads better; the same operation)
      return e;
    case '**':
      return powIdentity(e, l, r, typeOf, fits); // x ** 1 ==> x;  x ** 2 ==> x * x
    case '&&': case '||': {
      const [c, x] = l.kind === 'const' ? [l, r] : r.kind === 'const' ? [r, l] : [undefined, undefined];
      if (!c || !x) return e;
      // true && b ==> b    false && b ==> false    false || b ==> b    true || b ==> true
      const absorbing = op === '&&' ? 0 : 1;
      return (c.value ? 1 : 0) === absorbing ? constOf(absorbing, 'bool') : atom(x);
    }
    default: return e;
  }
}

function foldLiterals(op: string, l: Const, r: Const, numberConst: (v: number, i32: boolean) => Expr | undefined, intTarget: boolean): Expr | undefined {
  const a = l.value, b = r.value;
  const bothI32 = l.type === 'i32' && r.type === 'i32';
  const bool = (v: boolean) => constOf(v ? 1 : 0, 'bool');
  switch (op) {
    // c1 ⊕ c2 ==> the literal (JS semantics; i32 only if the exact result is an i32)
    case '+': return numberConst(a + b, bothI32);
    case '-': return numberConst(a - b, bothI32);
    case '*': return numberConst(a * b, bothI32);
    case '%': return numberConst(a % b, bothI32);
    // i / j into an i32 is truncating division, (i / j) | 0; not by 0 (it traps in WebAssembly)
    case '/': return bothI32 && intTarget ? (b === 0 || (a === -2147483648 && b === -1) ? undefined : numberConst((a / b) | 0, true)) : numberConst(a / b, false);
    case '**': return numberConst(a ** b, false);
    case '<': return bool(a < b);
    case '<=': return bool(a <= b);
    case '>': return bool(a > b);
    case '>=': return bool(a >= b);
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '&&': return bool(!!a && !!b);
    case '||': return bool(!!a || !!b);
    default: return undefined;
  }
}

/** Folds control flow on literals; returns the block with branches spliced in. */
function foldControl(body: Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const s0 of body) {
    const s = mapBlocks(s0, foldControl);
    if (s.kind === 'if' && s.cond.kind === 'const') {
      out.push(...(s.cond.value ? s.then : s.else)); // if true { A } else { B } ==> A
      continue;
    }
    if (s.kind === 'while' && s.cond.kind === 'const' && !s.cond.value && !jumpsOut(s.test)) {
      out.push(...s.test); // loop { T; while false; ... } ==> T
      continue;
    }
    if (s.kind === 'for' && s.start.kind === 'const' && s.end.kind === 'const') {
      const [a, b] = [s.start.value, s.end.value];
      const runs = s.step === 1 ? (s.inclusive ? a <= b : a < b) : (s.inclusive ? a >= b : a > b);
      if (!runs) continue; // for i = 5; i < 3 { ... } ==> nothing
    }
    out.push(s);
  }
  return out;
}

/** True if a block has a break or continue that is not inside a nested loop. */
function jumpsOut(body: Stmt[]): boolean {
  return body.some((s) => s.kind === 'break' || s.kind === 'continue' || (s.kind === 'if' && (jumpsOut(s.then) || jumpsOut(s.else))));
}
