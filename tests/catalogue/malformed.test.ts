// Malformed input: source that does not parse, modules without the function
// asked for, values that are not functions, and malformed options. Each is a
// clear CompileError (with line:column and a code frame where there is a place
// to point at) before anything runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompileError, fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { assertRefused } from './support.js';

const syntax: { name: string; src: string; at: string }[] = [
  { name: 'missing closing brace', src: 'function f(a) {\n  return a * 2;\n', at: '3:1' },
  { name: 'operator without operand', src: 'function f(a) {\n  return a +;\n}', at: '2:13' },
  { name: 'unterminated string', src: 'function f(a) {\n  const s = "abc;\n  return a;\n}', at: '2:13' },
  { name: 'duplicate parameter names', src: 'function f(a, a) {\n  return a;\n}', at: '1:15' },
  { name: 'legacy octal literal (modules are strict)', src: 'function f(a) {\n  return a * 010;\n}', at: '2:14' },
  { name: '`with` (modules are strict)', src: 'function f(a) {\n  with (Math) { return sin(a); }\n}', at: '2:3' },
  { name: '`await` outside an async function', src: 'function f(a) {\n  return await a;\n}', at: '2:10' },
  { name: '`break` outside a loop', src: 'function f(a) {\n  break;\n  return a;\n}', at: '2:3' },
  { name: 'unbalanced parentheses', src: 'function f(a) {\n  return (a * (a + 1);\n}', at: '2:22' },
  { name: 'JSX in a .ts module', src: 'function f(a) {\n  return <div>{a}</div>;\n}', at: '2:' },
  { name: 'a stray character', src: 'function f(a) {\n  return a # 2;\n}', at: '2:' },
];

for (const c of syntax) {
  test(`syntax error: ${c.name}`, () => {
    const e = assertRefused(() => grad(fromSource(c.src, 'f', 'bad.ts')), { says: 'cannot parse', code: 'CT1001' }, c.name);
    assert.ok(e.message.includes(`bad.ts:${c.at}`), `${c.name}: should point at ${c.at}:\n${e.message}`);
    assert.ok(/^>\s*\d+ \|/m.test(e.message), `${c.name}: code frame`);
  });
}

const missing: { name: string; src: string }[] = [
  { name: 'empty source', src: '' },
  { name: 'only comments', src: '// nothing\n/* here */' },
  { name: 'another function', src: 'function g(a) {\n  return a;\n}' },
  { name: 'a method of a class', src: 'class C {\n  f(a) { return a; }\n}' },
  { name: 'a non-function constant', src: 'const f = 3;' },
];

for (const c of missing) {
  test(`no function \`f\`: ${c.name}`, () => {
    assertRefused(() => fromSource(c.src, 'f'), { says: 'no function named `f`', code: 'CT1002' }, c.name);
  });
}

test('functions written as const arrow functions and function expressions are found', () => {
  assert.is(grad(fromSource('const f = (a) => a * a;', 'f'))(3), 6);
  assert.is(grad(fromSource('export const f = function (a) { return a * a * a; };', 'f'))(2), 12);
  assert.is(grad(fromSource('export default function f(a) { return 5 * a; }', 'f'))(2), 5);
});

test('function values without differentiable source', () => {
  assertRefused(() => grad(async function f(a: number) { return a; } as never), { says: 'an async function', at: '1:1' }, 'async');
  assertRefused(() => grad(function* f(a: number) { yield a; } as never), { says: 'a generator function', at: '1:1' }, 'generator');
  assertRefused(() => grad(Math.exp), { says: 'native function', code: 'CT1003' }, 'native');
  assertRefused(() => jvp(((a: number) => a).bind(null)), { says: 'bound function', code: 'CT1003' }, 'bound');
});

test('`wrt` that names no parameter', () => {
  const f = fromSource('function f(a, b) {\n  return a * b;\n}', 'f');
  for (const wrt of [-1, 2, 0.5, [0, 5]]) {
    assertRefused(() => grad(f, { wrt }), { says: 'is out of range: `f` has 2 parameters', code: 'CT1202' }, `wrt ${JSON.stringify(wrt)}`);
  }
  assertRefused(() => hvp(f, { wrt: [0, 1] }), { says: 'several `wrt` arguments is not supported by hvp' }, 'hvp wrt list');
});

test('`wrt` naming an integer parameter', () => {
  const f = fromSource('function f(x: Float64Array, n: number) {\n  return x[n] * n;\n}', 'f');
  assertRefused(() => grad(f, { wrt: 1 }), { says: '`n` is used as an integer', at: '2:12', code: 'CT1113' }, 'wrt n');
  assert.ok(grad(f) instanceof Function, 'wrt 0 is fine');
});

test('grad of derivatives that return arrays (grad of grad, of hvp, of jvp of an array-valued function)', () => {
  const scalar = fromSource('function f(x: Float64Array) {\n  return x[0] * x[1] * x[1];\n}', 'f');
  const arrayValued = fromSource('function f(x: Float64Array) {\n  const y = new Float64Array(2);\n  y[0] = x[0] * x[1];\n  return y;\n}', 'f');
  const says = /`grad` needs a function that returns a number, but `\w+` returns a Float64Array/;
  assertRefused(() => grad(grad(scalar)), { says, code: 'CT1201' }, 'grad of grad');
  assertRefused(() => grad(hvp(scalar)), { says, code: 'CT1201' }, 'grad of hvp');
  assertRefused(() => grad(jvp(arrayValued)), { says, code: 'CT1201' }, 'grad of jvp');
  // jvp of grad is how to get H·v from a gradient.
  assert.equal([...(jvp(grad(scalar))(new Float64Array([1, 2]), new Float64Array([1, 0])) as Float64Array)], [0, 4]);
});

test('a function passed through fromSource keeps its file name in messages', () => {
  try {
    grad(fromSource('function f(a) {\n  return a ?? 1;\n}', 'f', 'models/loss.ts'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, CompileError);
    assert.match((e as Error).message, /models\/loss\.ts:2:10/);
  }
});

test.run();
