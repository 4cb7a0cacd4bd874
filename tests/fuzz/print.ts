// Prints a random program (ast.ts) as module source text for `fromSource`: the
// module, its functions and their statements (expressions: print-expr.ts).
//
// References are resolved modulo what is in scope, so any tree prints.
// Loop-carried updates are written so that values stay bounded (`s += 0.5 *
// Math.sin(e)`, `s *= Math.cos(e)` ...), and loops are counted or have a counter
// that bounds them (a do…while counts first, so `continue` cannot skip it).
import type { Bound, Expr, Helper, Program, Stmt } from './ast.js';
import { atomic, LIMIT, paren, printCond, printExpr, printIndex, squash, type Out } from './print-expr.js';
import { scope, type Fn } from './scope.js';

export interface ParamSpec {
  name: string;
  kind: 'num' | 'arr' | 'int';
  /** Length of an array parameter. */
  len?: number;
  /** Value of the integer parameter. */
  value?: number;
}

export interface Printed {
  /** Module text given to `fromSource(source, 'f')` (TypeScript annotations if the program asks for them). */
  source: string;
  /** The same module as plain JavaScript, for the reference evaluation. */
  js: string;
  params: ParamSpec[];
  /** The `wrt` option as passed: one index or a list. */
  wrt: number | number[];
}

/**
 * Constructs that hit a known, reported compiler bug (tests/fuzz/regressions.test.ts)
 * are left out of the programs while the bug stands, so that it does not hide
 * others; `npm run fuzz -- --bugs` puts them back:
 * None stands now. Past ones, fixed, kept as switches: param-assign (assigning a
 * scalar parameter), helper-array (helpers taking a Float64Array), self-minmax
 * (`v = Math.min(v, ...)`, BUG 7), call-reassign (`v = h(...)` into an existing
 * variable, BUG 8), lazy-logic (`c1 && c2` whose right side reads an array or
 * calls a function, BUG 10).
 */
export type KnownBug = 'self-minmax' | 'call-reassign' | 'lazy-logic' | 'param-assign' | 'helper-array';
export const KNOWN_BUGS: readonly KnownBug[] = [];

export function printProgram(p: Program, avoid: ReadonlySet<KnownBug> = new Set(KNOWN_BUGS)): Printed {
  if (avoid.has('helper-array')) p = { ...p, helpers: p.helpers.map((h) => ({ ...h, array: false })) };
  const typed = printModule(p, p.annotate ? 'all' : 'needed', avoid);
  const plain = printModule(p, 'none', avoid);
  return { source: typed.text, js: plain.text, params: typed.params, wrt: wrtOf(p, typed.params) };
}

function wrtOf(p: Program, params: ParamSpec[]): number | number[] {
  const diff = params.map((q, i) => (q.kind === 'int' ? -1 : i)).filter((i) => i >= 0);
  let chosen = diff.filter((_, j) => p.wrtMask === 0 || (p.wrtMask >> j) & 1);
  if (chosen.length === 0) chosen = [diff[0]];
  return p.wrtSingle ? chosen[0] : chosen;
}

/** `needed`: annotate only the array parameters nothing indexes; `none`: plain JavaScript. */
type Annotate = 'all' | 'needed' | 'none';

function printModule(p: Program, annotate: Annotate, avoid: ReadonlySet<KnownBug>): { text: string; params: ParamSpec[] } {
  const parts: string[] = [];
  const sigs: Helper[] = [];
  p.helpers.forEach((h, i) => {
    const fn = scope(p.names, [`h${i}`], sigs.slice(), undefined, avoid);
    const ps: { name: string; kind: ParamSpec['kind'] }[] = [];
    for (let k = 0; k < h.scalars; k++) ps.push({ name: fn.param('num', 3), kind: 'num' });
    if (h.array) ps.push({ name: fn.param('arr'), kind: 'arr' });
    const body = printBlock(fn, h.body, 1);
    const ret = squash(printExpr(fn, h.ret), LIMIT);
    const text = `${body}  return ${ret.text};\n`;
    parts.push(`function h${i}(${signature(text, ps, annotate)}) {\n${text}}`);
    sigs.push(h);
  });
  const fn = scope(p.names, ['f', ...p.helpers.map((_, i) => `h${i}`)], sigs, p.n, avoid);
  const params: ParamSpec[] = [];
  const scalarsFirst = p.names !== 2;
  const add = (spec: ParamSpec) => { params.push(spec); };
  const addScalars = () => { for (let k = 0; k < p.scalars; k++) add({ name: fn.param('num', 1.5), kind: 'num' }); };
  const addArrays = () => { for (const len of p.arrays) add({ name: fn.param('arr', undefined, len), kind: 'arr', len }); };
  if (scalarsFirst) { addScalars(); addArrays(); } else { addArrays(); addScalars(); }
  if (p.n > 0) add({ name: fn.param('int'), kind: 'int', value: p.n });
  const body = printBlock(fn, p.body, 1);
  const ret = printExpr(fn, p.ret);
  const text = `${body}  return ${ret.text};\n`;
  parts.push(`function f(${signature(text, params, annotate)}) {\n${text}}`);
  const module = parts.join('\n\n') + '\n';
  // cotangent/np is imported where it is used; the plain-JavaScript reference gets it as a parameter.
  const np = annotate !== 'none' && /\bnp\./.test(module) ? "import * as np from 'cotangent/np';\n\n" : '';
  return { text: np + module, params };
}

/**
 * The parameter list, annotated if asked. Unannotated, a parameter is an array
 * when the body indexes it (or passes it to a helper that does); an array
 * parameter the body never mentions is annotated anyway (nothing else could
 * say what it is).
 */
function signature(body: string, ps: { name: string; kind: ParamSpec['kind'] }[], annotate: Annotate): string {
  const unused = (name: string) => annotate === 'needed' && !new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(body);
  return ps.map(({ name, kind }) => (annotate === 'all' || (kind === 'arr' && unused(name)) ? `${name}: ${kind === 'arr' ? 'Float64Array' : 'number'}` : name)).join(', ');
}

// ---- statements ---------------------------------------------------------

function printBlock(fn: Fn, stmts: Stmt[], depth: number): string {
  fn.push();
  try {
    return stmts.map((s) => printStmt(fn, s, depth)).join('');
  } finally {
    fn.pop();
  }
}

function line(depth: number, text: string): string {
  return `${'  '.repeat(depth)}${text}\n`;
}

function printStmt(fn: Fn, s: Stmt, depth: number): string {
  switch (s.k) {
    case 'let': {
      const e = squash(printExpr(fn, s.e), LIMIT, s.name);
      const name = fn.declareScalar(s.name, !s.konst, Math.max(e.mag, 1));
      return line(depth, `${s.konst ? 'const' : 'let'} ${name} = ${e.text};`);
    }
    case 'set': return printSet(fn, s, depth);
    case 'store': {
      const target = fn.pickLocalArray(s.r);
      if (!target) return '';
      const index = printIndex(fn, target, s.i);
      const e = printExpr(fn, s.e);
      const value = s.acc ? `0.5 * Math.sin(${e.text})` : squash(e, LIMIT).text;
      return line(depth, `${target.name}[${index}] ${s.acc ? '+=' : '='} ${value};`);
    }
    case 'jump': {
      const loop = fn.innermostLoop();
      if (!loop) return '';
      return line(depth, `if (${printCond(fn, s.c)}) ${s.brk ? 'break' : 'continue'};`);
    }
    case 'ret': {
      return line(depth, `if (${printCond(fn, s.c)}) return ${squash(printExpr(fn, s.e), LIMIT).text};`);
    }
    case 'if': {
      let out = line(depth, `if (${printCond(fn, s.c)}) {`) + printBlock(fn, s.t, depth + 1);
      if (s.f) out += line(depth, '} else {') + printBlock(fn, s.f, depth + 1);
      return out + line(depth, '}');
    }
    case 'for': return printFor(fn, s, depth);
    case 'while': {
      fn.push();
      const k = fn.declareCounter(s.name, s.n);
      // Parenthesised: the counter's test must bound the loop whatever the extra condition is.
      const more = s.extra ? printCond(fn, s.extra) : '';
      const lazy = fn.avoid.has('lazy-logic') && /\[|[\w$]\(/.test(more); // BUG 10, as in print-expr.ts
      const extra = more && !lazy ? ` && (${more})` : '';
      fn.loops.push({ kind: s.doWhile ? 'do' : 'while' });
      const body = printBlock(fn, s.body, depth + 1);
      fn.loops.pop();
      fn.pop();
      const head = line(depth, `let ${k} = 0;`);
      if (s.doWhile) return head + line(depth, 'do {') + line(depth + 1, `${k}++;`) + body + line(depth, `} while (${k} < ${s.n}${extra});`);
      return head + line(depth, `while (${k} < ${s.n}${extra}) {`) + line(depth + 1, `${k}++;`) + body + line(depth, '}');
    }
    case 'alloc': {
      const { text: len, value } = printLength(fn, s.len);
      const fill = printExprWith(fn, s.fill, (inner) => {
        const j = inner.declareIndex(s.name + 1, value, undefined);
        return j;
      });
      const name = fn.declareArray(s.name, value);
      return line(depth, `const ${name} = new Float64Array(${len});`)
        + line(depth, `for (let ${fill.index} = 0; ${fill.index} < ${name}.length; ${fill.index}++) ${name}[${fill.index}] = ${squash(fill.out, LIMIT).text};`);
    }
  }
}

function printSet(fn: Fn, s: Extract<Stmt, { k: 'set' }>, depth: number): string {
  const v = fn.pickMutable(s.r);
  if (!v) return '';
  const inLoop = fn.loops.length > 0;
  if (s.op === '++' || s.op === '--') return line(depth, `${v.name}${s.op};`);
  const e = printExpr(fn, s.e);
  const p = paren(e);
  let text: string;
  switch (s.op) {
    case '=': {
      const rhs = squash(e, LIMIT, s.form).text;
      // A bare helper call or Math.min/max assigned to an existing variable meets BUG 7 / BUG 8.
      const bare = atomic(rhs) && ((fn.avoid.has('call-reassign') && /^h\d+\(/.test(rhs)) || (fn.avoid.has('self-minmax') && /^Math\.(min|max)\(/.test(rhs)));
      text = `${v.name} = ${bare ? `0.5 * ${rhs}` : rhs}`;
      break;
    }
    case '+=': case '-=': {
      const inc = inLoop || e.mag > LIMIT
        ? [`0.5 * Math.sin(${e.text})`, `0.25 * Math.tanh(${e.text})`, `0.1 * ${p}`, `${p} / (1 + ${p} * ${p})`][s.form]
        : e.text;
      text = `${v.name} ${s.op} ${s.form === 2 && (inLoop || e.mag > LIMIT) ? `0.1 * ${paren(squash(e, LIMIT))}` : inc}`;
      break;
    }
    case '*=': text = `${v.name} *= ${[`Math.cos(${e.text})`, `0.5 + 0.5 * Math.tanh(${e.text})`, `1 / (1 + ${p} * ${p})`, `0.9`][s.form]}`; break;
    case '/=': text = `${v.name} /= ${[`1.5 + ${p} * ${p}`, `2 + Math.sin(${e.text})`, `2`, `1 + Math.exp(Math.tanh(${e.text}))`][s.form]}`; break;
  }
  return line(depth, `${text!};`);
}

function printFor(fn: Fn, s: Extract<Stmt, { k: 'for' }>, depth: number): string {
  const { text: b, value, array } = printBound(fn, s.bound);
  fn.push();
  const i = fn.declareIndex(s.name, value, array);
  fn.loops.push({ kind: 'for' });
  const body = printBlock(fn, s.body, depth + 1);
  fn.loops.pop();
  fn.pop();
  const minus1 = /^\d+$/.test(b) ? String(Number(b) - 1) : `${b} - 1`;
  let head: string;
  if (!s.down) head = s.incl ? `for (let ${i} = 0; ${i} <= ${minus1}; ${i}++)` : `for (let ${i} = 0; ${i} < ${b}; ${i}++)`;
  else head = s.incl ? `for (let ${i} = ${minus1}; ${i} > -1; ${i}--)` : `for (let ${i} = ${minus1}; ${i} >= 0; ${i}--)`;
  return line(depth, `${head} {`) + body + line(depth, '}');
}

/** A loop bound's text, its value when known, and the array whose length it is. */
function printBound(fn: Fn, b: Bound): { text: string; value?: number; array?: string } {
  if (b.k === 'lit') return { text: String(b.v), value: b.v };
  if (b.k === 'n') return fn.n !== undefined ? { text: fn.intParam!, value: fn.n } : { text: '2', value: 2 };
  if (b.k === 'idx') {
    // Below an enclosing loop's index: a triangular nest (its largest value bounds this loop's).
    const ix = fn.pickIndex(b.r);
    return ix ? { text: ix.name, value: ix.bound } : { text: '3', value: 3 };
  }
  const a = fn.pickArray(b.r);
  if (!a) return { text: '3', value: 3 };
  return { text: `${a.name}.length`, value: a.len, array: a.name };
}

/** A local array's length: never 0, so every index modulo it is defined. */
function printLength(fn: Fn, b: Bound): { text: string; value?: number } {
  if (b.k === 'n' && fn.n !== undefined) return { text: `${fn.intParam} + 1`, value: fn.n + 1 };
  const r = printBound(fn, b);
  if (b.k === 'idx') return { text: `${r.text} + 1`, value: r.value === undefined ? undefined : r.value + 1 };
  return { text: r.text, value: r.value };
}

// ---- expressions in a nested scope ----------------------------------------

/** Prints `e` in a nested scope where `declare` adds a name (the fill loop's index). */
function printExprWith(fn: Fn, e: Expr, declare: (fn: Fn) => string): { out: Out; index: string } {
  fn.push();
  try {
    const index = declare(fn);
    return { out: printExpr(fn, e), index };
  } finally {
    fn.pop();
  }
}
