// Rule templates are small JavaScript snippets (`0.5 / out`, `if (a >= b) { da += dout }`).
// This turns one into IR statements with the template's names bound to atoms.
import { parse, parseExpression } from '@babel/parser';
import type * as t from '@babel/types';
import type { Namer } from '../ir/names.js';
import { bool, f64, v, type Atom, type BinaryOp, type Stmt, type Type } from '../ir/nodes.js';
import { mathConstants } from '../rules/index.js';

const exprCache = new Map<string, t.Expression>();
const stmtCache = new Map<string, t.Statement[]>();

export type OnAccumulate = (target: string, value: Atom) => Stmt | undefined;

/**
 * Lowers a template: an expression (returns its atom) or statements (returns
 * f64(0)); `d<arg> += e` in statements is handed to `onAccumulate`.
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
      const n = temp(ctx, 'neg', 'f64');
      out.push({ kind: 'assign', target: n, expr: { kind: 'unary', op: 'neg', arg: a } });
      return v(n);
    }
    case 'BinaryExpression': {
      const l = expr(e.left as t.Expression, ctx, out), r = expr(e.right, ctx, out);
      const op = (e.operator === '===' ? '==' : e.operator) as BinaryOp;
      const cmp = ['<', '<=', '>', '>=', '==', '!='].includes(op);
      const n = temp(ctx, cmp ? 'cond' : 'p', cmp ? 'bool' : 'f64');
      out.push({ kind: 'assign', target: n, expr: { kind: 'binary', op, left: l, right: r } });
      return v(n);
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
      break;
    case 'CallExpression': {
      const c = e.callee;
      if (c.type === 'MemberExpression' && c.object.type === 'Identifier' && c.object.name === 'Math' && c.property.type === 'Identifier') {
        const args = e.arguments.map((a) => expr(a as t.Expression, ctx, out));
        const n = temp(ctx, c.property.name, 'f64');
        out.push({ kind: 'assign', target: n, expr: { kind: 'prim', name: `Math.${c.property.name}`, args } });
        return v(n);
      }
      break;
    }
    case 'BooleanLiteral': return bool(e.value);
    default: break;
  }
  throw new Error(`internal error: unsupported rule template expression ${e.type}`);
}
