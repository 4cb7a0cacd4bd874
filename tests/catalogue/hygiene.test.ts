// Hygiene of the generated code, read from `.source`:
//  - every name a generated function reads is declared in it (or is a module
//    function, `Math`, `Float64Array`, `Int32Array`, `tape` or `np`): nothing is
//    captured from outside and nothing is left undefined;
//  - no local hides a module function or one of those globals, and no local
//    hides another of the same function (no shadowing at all);
//  - the source holds nothing of the user's runtime values: arguments never
//    reach it, scope objects are never read beyond their type, and it runs the
//    same when evaluated again on its own (printing and reusing it is safe).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { fromSource, grad, hvp, jvp, Tape, type Derivative } from '../../runtime/index.js';
import * as np from '../../runtime/np.js';
import { corpus } from '../corpus/functions.js';
import { arbitraries } from '../fuzz/generator.js';
import { printProgram } from '../fuzz/print.js';
import { Rng } from '../support/rng.js';

/** The free names generated code may use: the runtime passes `tape` and `np` (cotangent/np) in. */
const GLOBALS = new Set(['Math', 'Float64Array', 'Int32Array', 'tape', 'np', 'undefined', 'NaN', 'Infinity']);

/** Names bound by a declaration pattern. */
function bound(p: t.Node | null | undefined, out: string[] = []): string[] {
  if (!p) return out;
  if (p.type === 'Identifier') out.push(p.name);
  else if (p.type === 'ArrayPattern') p.elements.forEach((e) => bound(e, out));
  else if (p.type === 'ObjectPattern') p.properties.forEach((q) => bound(q.type === 'RestElement' ? q.argument : q.value as t.Node, out));
  else if (p.type === 'AssignmentPattern') bound(p.left, out);
  else if (p.type === 'RestElement') bound(p.argument, out);
  return out;
}

/** Problems with the names of generated module `src` ('' if none). */
export function nameProblems(src: string): string[] {
  const ast = parse(src, { sourceType: 'script' });
  const top = new Set(ast.program.body.filter((s): s is t.FunctionDeclaration => s.type === 'FunctionDeclaration').map((s) => s.id!.name));
  const problems: string[] = [];
  for (const fnNode of ast.program.body) {
    if (fnNode.type !== 'FunctionDeclaration') { problems.push(`top-level ${fnNode.type}`); continue; }
    const fname = fnNode.id!.name;
    // Every binding of the function, hoisted to the function (var) or to its block (let/const).
    const scopes: Set<string>[] = [];
    const declare = (name: string, where: t.Node) => {
      if (top.has(name) || GLOBALS.has(name)) problems.push(`${fname}: local \`${name}\` hides a module function or global (line ${where.loc?.start.line})`);
      if (scopes.some((s) => s.has(name))) problems.push(`${fname}: \`${name}\` is declared again inside its own scope (line ${where.loc?.start.line})`);
      scopes[scopes.length - 1].add(name);
    };
    const visible = (name: string) => scopes.some((s) => s.has(name)) || top.has(name) || GLOBALS.has(name);
    const blockDecls = (stmts: t.Statement[]) => {
      for (const s of stmts) {
        if (s.type === 'VariableDeclaration') for (const d of s.declarations) bound(d.id).forEach((n) => declare(n, s));
      }
    };
    const visit = (node: t.Node | null | undefined, parent?: t.Node): void => {
      if (!node) return;
      switch (node.type) {
        case 'BlockStatement': {
          scopes.push(new Set());
          blockDecls(node.body);
          node.body.forEach((s) => visit(s, node));
          scopes.pop();
          return;
        }
        case 'ForStatement': {
          scopes.push(new Set());
          if (node.init?.type === 'VariableDeclaration') blockDecls([node.init]);
          visit(node.init, node); visit(node.test, node); visit(node.update, node); visit(node.body, node);
          scopes.pop();
          return;
        }
        case 'VariableDeclarator': visit(node.init, node); return;
        case 'Identifier':
          if (parent && parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
          if (parent && (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement')) return;
          if (!visible(node.name)) problems.push(`${fname}: reads \`${node.name}\`, which nothing declares (line ${node.loc?.start.line})`);
          return;
        case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression': case 'ClassDeclaration':
          problems.push(`${fname}: a nested ${node.type}`);
          return;
        default:
          for (const key of Object.keys(node) as (keyof typeof node)[]) {
            if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' || key === 'extra') continue;
            const child = node[key] as unknown;
            if (Array.isArray(child)) child.forEach((c) => c && typeof c === 'object' && 'type' in c && visit(c as t.Node, node));
            else if (child && typeof child === 'object' && 'type' in child) visit(child as t.Node, node);
          }
      }
    };
    scopes.push(new Set());
    fnNode.params.forEach((p) => bound(p).forEach((n) => declare(n, fnNode)));
    // The function body's own block shares the parameters' scope for this check.
    blockDecls(fnNode.body.body);
    fnNode.body.body.forEach((s) => visit(s, fnNode.body));
  }
  return problems;
}

/** The generated module evaluated afresh from its text alone, with a tape of its own. */
function reload(d: Derivative): (...a: unknown[]) => unknown {
  const entry = [...d.source.matchAll(/^function (\w+)\(/gm)].pop()![1]; // the entry is last
  return new Function('tape', 'np', `"use strict";\n${d.source}\nreturn ${entry};`)(new Tape(), np);
}

test('generated corpus code: names all declared, none hidden, none shadowed', () => {
  for (const c of corpus) {
    const wrt = c.wrt ?? [0];
    for (const d of [grad(c.f, { wrt, scope: c.scope }), grad(c.f, { wrt, scope: c.scope, optimized: false }),
      jvp(c.f, { wrt, scope: c.scope }), hvp(c.f, { wrt: wrt[0], scope: c.scope })]) {
      assert.equal(nameProblems(d.source), [], `${c.name}, ${d.name}:\n${d.source}`);
    }
  }
});

test('generated code of 25 random programs (clashing names included): names all declared, none hidden', () => {
  const { program } = arbitraries();
  for (const p of fc.sample(program, { numRuns: 25, seed: 77 })) {
    const printed = printProgram(p);
    const f = fromSource(printed.source, 'f');
    const wrt = Array.isArray(printed.wrt) ? printed.wrt : [printed.wrt];
    for (const d of [grad(f, { wrt: printed.wrt }), jvp(f, { wrt: printed.wrt }), hvp(f, { wrt: wrt[0] })]) {
      assert.equal(nameProblems(d.source), [], `${d.name} of\n${printed.source}\n${d.source}`);
    }
  }
});

test('the name checker itself catches capture, undefined names and shadowing', () => {
  assert.equal(nameProblems('function g(a) {\n  return a;\n}\nfunction f(a) {\n  const g = 1;\n  return g(a) + b;\n}').length, 2);
  assert.equal(nameProblems('function f(a) {\n  let s = 0;\n  for (let i = 0; i < 2; i++) { const s = a; }\n  return s;\n}').length, 1);
  assert.equal(nameProblems('function f(tape) {\n  return tape;\n}').length, 1);
});

test('the source holds nothing from call-time values', () => {
  const c = corpus.find((x) => x.name === 'rosenbrock')!;
  const g = grad(c.f);
  const before = g.source;
  g(new Float64Array([123.456789, -987.654321, 31415.9265]));
  assert.is(g.source, before);
  assert.not.match(g.source, /123\.456789|987\.654321|31415\.9265/);
});

test('scope values reach the source only as numbers; functions only as their own source', () => {
  function model(a: number) { return rate * a + helper(a); }
  const helper = Object.assign((a: number) => a * a, { secret: 'do-not-print' });
  Object.defineProperty(helper, 'name', { value: 'helper; globalThis.injected = 1; function x' });
  const d = grad(model as never, { scope: { rate: 0.1 + 0.2, helper } });
  assert.is(d(2), 0.30000000000000004 + 4);
  assert.not.match(d.source, /do-not-print|globalThis\.injected|= 1;/); // the name is sanitised into an identifier
  assert.match(d.source, /0\.30000000000000004/, 'the constant is inlined exactly');
  assert.equal(nameProblems(d.source), []);
  assert.is((globalThis as Record<string, unknown>).injected, undefined);
});
declare const rate: number;
declare function helper(a: number): number;

test('printed source is self-contained: evaluated again on its own, it gives the same results', () => {
  const r = new Rng(3);
  for (const c of corpus) {
    const wrt = c.wrt ?? [0];
    const args = c.args(r);
    const g = grad(c.f, { wrt, scope: c.scope });
    const again = reload(g);
    const a1 = JSON.stringify(g(...args), (_k, v) => (v instanceof Float64Array ? [...v] : v));
    const raw = again(...args.map((a) => (a instanceof Float64Array ? a.slice() : a)));
    // grad with a wrt list gives a list; the generated entry returns one gradient bare.
    const a2 = JSON.stringify(wrt.length === 1 ? [raw] : raw, (_k, v) => (v instanceof Float64Array ? [...v] : v));
    assert.is(a2, a1, `${c.name}:\n${g.source}`);
  }
});

test.run();
