// Prints the expressions, integers, indices and conditions of a random program
// (ast.ts), keeping values bounded and inside each primitive's domain: an
// operand whose estimated magnitude is too large is squashed (tanh, sin), and
// each primitive's argument is wrapped into its domain (Math.log(1.5 + e * e),
// Math.asin(0.9 * Math.tanh(e)) ...). Indices are provably in range: a loop
// index is used bare only when the loop's bound is at most the array's length,
// otherwise it is reduced modulo the length.
import type { Cond, Expr, IntE } from './ast.js';
import type { Fn, Scalar } from './scope.js';

export interface Out { text: string; mag: number }

export const LIMIT = 6;
const fmt = (v: number) => (v < 0 ? `(${v})` : String(v));
export const paren = (o: Out) => (atomic(o.text) ? o.text : `(${o.text})`);

/** True if `s` needs no parentheses as an operand: a name, call, element or parenthesised group. */
export function atomic(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0 && !/[\w.$]/.test(ch)) return false;
  }
  return true;
}

/** Keeps |value| at most about `limit`: squashes through tanh or sin, picked by `form`. */
export function squash(o: Out, limit: number, form = 0): Out {
  if (o.mag <= limit) return o;
  const t = o.text;
  switch (form % 3) {
    case 0: return { text: `Math.tanh(${t})`, mag: 1 };
    case 1: return { text: `Math.sin(${t})`, mag: 1 };
    default: return { text: `2 * Math.tanh(0.5 * ${paren(o)})`, mag: 2 };
  }
}

export function printExpr(fn: Fn, e: Expr): Out {
  switch (e.k) {
    case 'lit': return { text: fmt(e.v), mag: Math.abs(e.v) };
    case 'var': {
      const v: Scalar | undefined = fn.pickScalar(e.r);
      return v ? { text: v.name, mag: v.mag } : { text: '0.5', mag: 0.5 };
    }
    case 'read': {
      const a = fn.pickArray(e.r);
      if (!a) return { text: '1.25', mag: 1.25 };
      return { text: `${a.name}[${printIndex(fn, a, e.i)}]`, mag: a.mag };
    }
    case 'len': {
      const a = fn.pickArray(e.r);
      return a ? { text: `${a.name}.length`, mag: a.len ?? LIMIT } : { text: '2', mag: 2 };
    }
    case 'ival': {
      const i = printInt(fn, e.i);
      return { text: `(${i.text})`, mag: i.max ?? 2 * LIMIT };
    }
    case 'const': return { text: `Math.${e.name}`, mag: Math[e.name] };
    case 'neg': {
      const a = printExpr(fn, e.a);
      return { text: `-${paren(a)}`, mag: a.mag };
    }
    case 'bin': return printBin(fn, e);
    case 'pow': return printPow(fn, e);
    case 'un': return printUnary(fn, e);
    case 'bi': return printBinaryPrim(fn, e);
    case 'mod': {
      const a = squash(printExpr(fn, e.a), LIMIT);
      const m = ['1.7', '0.9', '2.3', `(1 + 0.5 * Math.cos(${a.text}))`][e.form];
      return { text: `${paren(a)} % ${m}`, mag: 2.3 };
    }
    case 'tern': {
      const c = printCond(fn, e.c);
      const a = printExpr(fn, e.a), b = printExpr(fn, e.b);
      return { text: `(${c} ? ${a.text} : ${b.text})`, mag: Math.max(a.mag, b.mag) };
    }
    case 'call': return printCall(fn, e);
    case 'np': return printNp(fn, e);
  }
}

function printBin(fn: Fn, e: Extract<Expr, { k: 'bin' }>): Out {
  const a = printExpr(fn, e.a);
  const b = printExpr(fn, e.b);
  const pa = paren(a), pb = paren(b);
  switch (e.op) {
    case '+': return { text: `${pa} + ${pb}`, mag: a.mag + b.mag };
    case '-': return { text: `${pa} - ${pb}`, mag: a.mag + b.mag };
    case '*': {
      const sa = squash(a, LIMIT, e.form), sb = squash(b, LIMIT, e.form + 1);
      return { text: `${paren(sa)} * ${paren(sb)}`, mag: sa.mag * sb.mag };
    }
    case '/': {
      const sb = squash(b, LIMIT);
      switch (e.form) {
        case 0: return { text: `${pa} / (1.5 + ${paren(sb)} * ${paren(sb)})`, mag: a.mag / 1.5 };
        case 1: return { text: `${pa} / (2 + Math.cos(${b.text}))`, mag: a.mag };
        case 2: return { text: `${pa} / 2.5`, mag: a.mag / 2.5 };
        default: return { text: `${pa} / (1 + ${paren(sb)} * ${paren(sb)})`, mag: a.mag };
      }
    }
  }
}

function printPow(fn: Fn, e: Extract<Expr, { k: 'pow' }>): Out {
  const a = squash(printExpr(fn, e.a), 2.5, e.form);
  const b = squash(printExpr(fn, e.b), 1, e.form + 1);
  const pa = paren(a), pb = paren(b);
  switch (e.form) {
    case 0: return { text: `${pa} ** 2`, mag: a.mag ** 2 };
    case 1: return { text: `${pa} ** 3`, mag: a.mag ** 3 };
    case 2: return { text: `(1.5 + ${pa} * ${pa}) ** ${pb}`, mag: (1.5 + a.mag ** 2) ** b.mag };
    default: return { text: `Math.pow(2 + Math.sin(${a.text}), ${pb} * 2)`, mag: 9 };
  }
}

function printUnary(fn: Fn, e: Extract<Expr, { k: 'un' }>): Out {
  const raw = printExpr(fn, e.a);
  const a = squash(raw, 8, e.form);
  const t = a.text, p = paren(a);
  const two = e.form % 2;
  const m = (text: string, mag: number): Out => ({ text, mag });
  switch (e.f) {
    case 'sin': case 'cos': return m(`Math.${e.f}(${t})`, 1);
    case 'tanh': return m(`Math.tanh(${t})`, 1);
    case 'atan': return m(`Math.atan(${t})`, Math.PI / 2);
    case 'asinh': return m(`Math.asinh(${t})`, Math.asinh(a.mag));
    case 'exp': case 'expm1': case 'sinh': case 'cosh': {
      const s = squash(a, 3, e.form);
      return m(`Math.${e.f}(${s.text})`, Math.exp(s.mag) + 1);
    }
    case 'log': case 'log2': case 'log10':
      return two ? m(`Math.${e.f}(2 + Math.sin(${t}))`, 2) : m(`Math.${e.f}(1.5 + ${p} * ${p})`, Math.log(1.5 + a.mag ** 2) + 1);
    case 'log1p': return two ? m(`Math.log1p(0.5 * Math.tanh(${t}))`, 1) : m(`Math.log1p(${p} * ${p})`, Math.log1p(a.mag ** 2));
    case 'sqrt': return two ? m(`Math.sqrt(2 + Math.cos(${t}))`, 2) : m(`Math.sqrt(1 + ${p} * ${p})`, Math.sqrt(1 + a.mag ** 2));
    case 'cbrt': return two ? m(`Math.cbrt(2 + Math.sin(${t}))`, 2) : m(`Math.cbrt(1 + ${p} * ${p})`, Math.cbrt(1 + a.mag ** 2));
    case 'tan': return two ? m(`Math.tan(0.5 * Math.sin(${t}))`, 1) : m(`Math.tan(Math.tanh(${t}))`, 2);
    case 'asin': case 'acos': case 'atanh':
      return m(two ? `Math.${e.f}(0.8 * Math.sin(${t}))` : `Math.${e.f}(0.9 * Math.tanh(${t}))`, Math.PI);
    case 'acosh': return two ? m(`Math.acosh(2 + Math.sin(${t}))`, 2) : m(`Math.acosh(1.5 + ${p} * ${p})`, Math.acosh(1.5 + a.mag ** 2));
    case 'abs': return two ? m(`Math.abs(${p} - 0.3)`, a.mag + 0.3) : m(`Math.abs(${t})`, a.mag);
    case 'sign': return m(`Math.sign(${t})`, 1);
    case 'floor': case 'ceil': case 'round': case 'trunc': return m(`Math.${e.f}(${t})`, a.mag + 1);
  }
}

function printBinaryPrim(fn: Fn, e: Extract<Expr, { k: 'bi' }>): Out {
  const a = squash(printExpr(fn, e.a), LIMIT, e.form);
  const b = squash(printExpr(fn, e.b), LIMIT, e.form + 1);
  const c = e.c ? squash(printExpr(fn, e.c), LIMIT) : undefined;
  const pa = paren(a), pb = paren(b);
  switch (e.f) {
    case 'atan2':
      return { text: [`Math.atan2(${a.text}, 2 + Math.sin(${b.text}))`, `Math.atan2(1.5 + ${pa} * ${pa}, ${b.text})`, `Math.atan2(${a.text}, 1 + ${pb} * ${pb})`][e.form % 3], mag: Math.PI };
    case 'hypot':
      return c ? { text: `Math.hypot(${a.text}, ${b.text}, ${c.text}, 0.5)`, mag: a.mag + b.mag + c.mag + 0.5 }
        : { text: `Math.hypot(${a.text}, 1 + ${pb} * ${pb})`, mag: a.mag + 1 + b.mag ** 2 };
    case 'max': case 'min': {
      const args = [a.text, b.text, ...(c ? [c.text] : [])];
      return { text: `Math.${e.f}(${args.join(', ')})`, mag: Math.max(a.mag, b.mag, c?.mag ?? 0) };
    }
    case 'pow': {
      const s = squash(b, 2, e.form);
      return e.form % 2
        ? { text: `Math.pow(1.5 + ${pa} * ${pa}, Math.sin(${b.text}))`, mag: 1.5 + a.mag ** 2 }
        : { text: `Math.pow(2 + Math.cos(${a.text}), ${s.text})`, mag: 3 ** s.mag };
    }
  }
}

/** A cotangent/np reduction of an array in scope, after an element-wise op (`map`) that keeps it bounded. */
function printNp(fn: Fn, e: Extract<Expr, { k: 'np' }>): Out {
  const a = fn.pickArray(e.r);
  if (!a) return { text: '0.25', mag: 0.25 };
  const s = squash(printExpr(fn, e.e), 2, e.map);
  const x = a.name;
  const maps: [string, number][] = [
    [x, a.mag], [`np.tanh(${x})`, 1], [`np.sin(${x})`, 1], [`np.mul(${x}, ${s.text})`, a.mag * s.mag],
    [`np.add(np.tanh(${x}), ${s.text})`, 1 + s.mag], [`np.exp(np.tanh(${x}))`, Math.E],
  ];
  const [m1, mag1] = maps[e.map % maps.length], [m2, mag2] = maps[e.map2 % maps.length];
  const n = a.len ?? LIMIT;
  switch (e.red) {
    case 'sum': return { text: `np.sum(${m1})`, mag: n * mag1 };
    case 'mean': return { text: `np.mean(${m1})`, mag: mag1 };
    case 'logsumexp': return { text: `np.logsumexp(${m1})`, mag: mag1 + Math.log(n) };
    case 'dot': return { text: `np.dot(${m1}, ${m2})`, mag: n * mag1 * mag2 };
    case 'max': case 'min': return { text: `np.${e.red}(${m1})`, mag: mag1 };
  }
}

function printCall(fn: Fn, e: Extract<Expr, { k: 'call' }>): Out {
  const fallback = () => (e.args[0] ? printExpr(fn, e.args[0]) : { text: '0.75', mag: 0.75 });
  if (fn.helpers.length === 0) return fallback();
  const hi = e.h % fn.helpers.length;
  const h = fn.helpers[hi];
  const args: string[] = [];
  for (let k = 0; k < h.scalars; k++) {
    args.push(k < e.args.length ? squash(printExpr(fn, e.args[k]), LIMIT).text : (fn.pickScalar(k)?.name ?? '0.5'));
  }
  if (h.array) {
    const a = fn.pickArray(e.arr);
    if (!a) return fallback();
    args.push(a.name);
  }
  return { text: `h${hi}(${args.join(', ')})`, mag: LIMIT };
}

// ---- integers, indices, conditions ------------------------------------------

/** An integer's text, its largest value when known, and the loop whose index it is. */
interface IntOut { text: string; max?: number; loopOf?: { name: string; bound?: number; array?: string } }

export function printInt(fn: Fn, i: IntE): IntOut {
  switch (i.k) {
    case 'lit': return { text: String(i.v), max: i.v };
    case 'idx': {
      const ix = fn.pickIndex(i.r);
      if (!ix) return { text: '0', max: 0 };
      return { text: ix.name, max: ix.bound === undefined ? undefined : ix.bound - 1, loopOf: ix };
    }
    case 'n': return fn.n !== undefined ? { text: fn.intParam!, max: fn.n } : { text: '1', max: 1 };
    case 'add': {
      const a = printInt(fn, i.a);
      return { text: `${a.text} + ${i.c}`, max: a.max === undefined ? undefined : a.max + i.c };
    }
    case 'mul': {
      const a = printInt(fn, i.a);
      return { text: `${/^\w+$/.test(a.text) ? a.text : `(${a.text})`} * ${i.c}`, max: a.max === undefined ? undefined : a.max * i.c };
    }
    case 'trunc': {
      const e = squash(printExpr(fn, i.e), 3);
      // Its bound is only an estimate, so it is never trusted as an index bound (max unknown).
      return { text: `((2 * Math.abs(${e.text})) | 0)` };
    }
  }
}

/** An index into `a` that is in range: bare when provably so, else reduced modulo the length. */
export function printIndex(fn: Fn, a: { name: string; len?: number }, i: IntE): string {
  const p = printInt(fn, i);
  // A loop index bounded by this array's own length, or any index whose largest value is below the length.
  if (p.loopOf && p.loopOf.array === a.name) return p.text;
  if (p.max !== undefined && a.len !== undefined && p.max < a.len) return p.text;
  const len = a.len !== undefined ? String(a.len) : `${a.name}.length`;
  return `(${p.text}) % ${len}`;
}

export function printCond(fn: Fn, c: Cond): string {
  switch (c.k) {
    case 'cmp': return `${paren(printExpr(fn, c.a))} ${c.op} ${paren(printExpr(fn, c.b))}`;
    case 'icmp': return `${printInt(fn, c.a).text} ${c.op} ${printInt(fn, c.b).text}`;
    case 'parity': return `(${printInt(fn, c.a).text}) % 2 === 0`;
    case 'not': return `!(${printCond(fn, c.a)})`;
    case 'and': case 'or': {
      const left = printCond(fn, c.a), right = printCond(fn, c.b);
      // A right side that reads an array or calls a function is evaluated lazily (BUG 10).
      if (fn.avoid.has('lazy-logic') && /\[|[\w$]\(/.test(right)) return left;
      return `(${left}) ${c.k === 'and' ? '&&' : '||'} (${right})`;
    }
  }
}
