// Rule templates are small JavaScript snippets (`0.5 / out`, `if (a >= b) { da += dout }`,
// `np.mul(dout, np.cos(x))`). This turns one into IR statements with the
// template's names bound to atoms.
import { parse, parseExpression } from '@babel/parser';
import type * as t from '@babel/types';
import type { Namer } from '../ir/names.js';
import { bool, f64, v, type Atom, type BinaryOp, type Expr, type Stmt, type Type } from '../ir/nodes.js';
import { arrayResultIsArray, arrayRuleByName, mathConstants } from '../rules/index.js';

const exprCache = new Map<string, t.Expression>();
const stmtCache = new Map<string, t.Statement[]>();

export type OnAccumulate = (target: string, value: Atom) => Stmt | undefined;

/**
 * Lowers a template: an expression (returns its atom) or statements (returns
 * f64(0)); `d<arg> += e` in statements is handed to `onAccumulate`. Names
 * missing from `env` may only be trailing optional arguments of np calls.
 */
export function instantiate(src: string, env: Map<string, Atom>, namer: Namer, vars: Map<string, Type>, out: Stmt[], onAccumulate?: OnAccumulate): Atom {
  const ctx = { env, namer, vars, onAccumulate };
  if (onAccumulate) {
    let body = stmtCache.get(src);
    if (!body) { body = parse(src).program.body; stmtCache.set(src, body); }
    for (const s of body) stmt(s, ctx, out);
    return f64(0);
  }
  let e = exprCache.get(src);
  if (!e) { e = parseExpression(src); exprCache.set(src, e); }
  return expr(e, ctx, out);
}

interface Ctx { env: Map<string, Atom>; namer: Namer; vars: Map<string, Type>; onAccumulate?: OnAccumulate }

function temp(ctx: Ctx, hint: string, type: Type): string {
  const n = ctx.namer.fresh(hint);
  ctx.vars.set(n, type);
  return n;
}

function typeOf(a: Atom, ctx: Ctx): Type {
  return a.kind === 'const' ? a.type : ctx.vars.get(a.name) ?? 'f64';
}

function define(ctx: Ctx, out: Stmt[], hint: string, type: Type, e: Expr): Atom {
  const n = temp(ctx, hint, type);
  out.push({ kind: 'assign', target: n, expr: e });
  return v(n);
}

function stmt(s: t.Statement, ctx: Ctx, out: Stmt[]): void {
  if (s.type === 'BlockStatement') { for (const x of s.body) stmt(x, ctx, out); return; }
  if (s.type === 'IfStatement') {
    const cond = expr(s.test, ctx, out);
    const thenB: Stmt[] = [], elseB: Stmt[] = [];
    stmt(s.consequent, ctx, thenB);
    if (s.alternate) stmt(s.alternate, ctx, elseB);
    out.push({ kind: 'if', cond, then: thenB, else: elseB });
    return;
  }
  if (s.type === 'ExpressionStatement' && s.expression.type === 'AssignmentExpression' && s.expression.operator === '+='
    && s.expression.left.type === 'Identifier') {
    const value = expr(s.expression.right, ctx, out);
    const st = ctx.onAccumulate!(s.expression.left.name, value);
    if (st) out.push(st);
    return;
  }
  throw new Error(`internal error: unsupported rule template statement ${s.type}`);
}

function expr(e: t.Expression, ctx: Ctx, out: Stmt[]): Atom {
  switch (e.type) {
    case 'NumericLiteral': return f64(e.value);
    case 'Identifier': {
      const a = ctx.env.get(e.name);
      if (!a) throw new Error(`internal error: rule template names unknown \`${e.name}\``);
      return a;
    }
    case 'ParenthesizedExpression': return expr(e.expression, ctx, out);
    case 'UnaryExpression': {
      if (e.operator !== '-') break;
      if (e.argument.type === 'NumericLiteral') return f64(-e.argument.value);
      const a = expr(e.argument, ctx, out);
      return define(ctx, out, 'neg', typeOf(a, ctx) === 'i32' ? 'i32' : 'f64', { kind: 'unary', op: 'neg', arg: a });
    }
    case 'BinaryExpression': {
      const l = expr(e.left as t.Expression, ctx, out), r = expr(e.right, ctx, out);
      const op = (e.operator === '===' ? '==' : e.operator) as BinaryOp;
      const cmp = ['<', '<=', '>', '>=', '==', '!='].includes(op);
      const int = !cmp && op !== '/' && op !== '**' && typeOf(l, ctx) === 'i32' && typeOf(r, ctx) === 'i32';
      return define(ctx, out, cmp ? 'cond' : 'p', cmp ? 'bool' : int ? 'i32' : 'f64', { kind: 'binary', op, left: l, right: r });
    }
    case 'ConditionalExpression': {
      const c = expr(e.test, ctx, out);
      const n = temp(ctx, 'p', 'f64');
      const thenB: Stmt[] = [], elseB: Stmt[] = [];
      thenB.push({ kind: 'assign', target: n, expr: { kind: 'atom', value: expr(e.consequent, ctx, thenB) } });
      elseB.push({ kind: 'assign', target: n, expr: { kind: 'atom', value: expr(e.alternate, ctx, elseB) } });
      out.push({ kind: 'if', cond: c, then: thenB, else: elseB });
      return v(n);
    }
    case 'MemberExpression':
      if (e.object.type === 'Identifier' && e.object.name === 'Math' && e.property.type === 'Identifier' && e.property.name in mathConstants) {
        return f64(mathConstants[e.property.name]);
      }
      if (e.computed) {
        // a[k]: an element (an index computed in f64, such as argmax's, is converted)
        const arr = expr(e.object as t.Expression, ctx, out);
        let k = expr(e.property as t.Expression, ctx, out);
        if (typeOf(k, ctx) !== 'i32') k = define(ctx, out, 'k', 'i32', { kind: 'unary', op: 'toInt', arg: k });
        return define(ctx, out, 'elem', 'f64', { kind: 'load', array: (arr as { name: string }).name, index: k });
      }
      break;
    case 'CallExpression': return call(e, ctx, out);
    case 'BooleanLiteral': return bool(e.value);
    default: break;
  }
  throw new Error(`internal error: unsupported rule template expression ${e.type}`);
}

function call(e: t.CallExpression, ctx: Ctx, out: Stmt[]): Atom {
  const c = e.callee;
  const args = () => e.arguments.map((a) => expr(a as t.Expression, ctx, out));
  if (c.type === 'MemberExpression' && c.object.type === 'Identifier' && c.property.type === 'Identifier') {
    if (c.object.name === 'Math') {
      return define(ctx, out, c.property.name, 'f64', { kind: 'prim', name: `Math.${c.property.name}`, args: args() });
    }
    if (c.object.name === 'np') {
      const name = `np.${c.property.name}`;
      const rule = arrayRuleByName.get(name);
      if (!rule) throw new Error(`internal error: rule template calls unknown ${name}`);
      // A trailing optional argument the call site left out stays out.
      const present = e.arguments.filter((a) => !(a.type === 'Identifier' && !ctx.env.has(a.name)));
      const as = present.map((a) => expr(a as t.Expression, ctx, out));
      const isArray = arrayResultIsArray(rule, as.map((a) => typeOf(a, ctx) === 'f64[]'));
      return define(ctx, out, c.property.name, isArray ? 'f64[]' : rule.result === 'index' ? 'i32' : 'f64', { kind: 'prim', name, args: as });
    }
  }
  if (c.type === 'Identifier' && c.name === 'len') {
    const [a] = args();
    return define(ctx, out, 'len', 'i32', { kind: 'length', array: (a as { name: string }).name });
  }
  if (c.type === 'Identifier' && c.name === 'unbroadcast') {
    // unbroadcast(g, a): g shaped like a (summed to a number, or spread to an array).
    const [g, a] = args();
    const gArr = typeOf(g, ctx) === 'f64[]', aArr = typeOf(a, ctx) === 'f64[]';
    if (gArr && !aArr) return define(ctx, out, 'sum', 'f64', { kind: 'prim', name: 'np.sum', args: [g] });
    if (!gArr && aArr) {
      const n = define(ctx, out, 'len', 'i32', { kind: 'length', array: (a as { name: string }).name });
      return define(ctx, out, 'full', 'f64[]', { kind: 'prim', name: 'np.full', args: [n, g] });
    }
    return g;
  }
  throw new Error('internal error: unsupported call in a rule template');
}
