// The catalogue of bad input: each case is refused before anything runs, with
// a message naming the construct, the function, line:column and a code frame.
// The full messages are golden (tests/errors/messages.txt) so their wording shows in review.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompileError, fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { golden } from '../support/golden.js';

interface Case {
  name: string;
  /** Module source; the function under test is `f`. */
  src: string;
  /** What the message must mention (the construct). */
  says: string;
  /** Expected line:column of the offending construct. */
  at?: string;
  mode?: 'grad' | 'jvp' | 'hvp';
  wrt?: number[];
}

const cases: Case[] = [
  { name: 'class', src: 'function f(a) {\n  class A {}\n  return a;\n}', says: 'a class', at: '2:3' },
  { name: 'this', src: 'function f(a) {\n  return a * this.k;\n}', says: '`this`', at: '2:14' },
  { name: 'closure', src: 'function f(a) {\n  const g = (b) => b * a;\n  return g(a);\n}', says: 'a nested function (closure)', at: '2:13' },
  { name: 'outer state', src: 'let count = 0;\nfunction f(a) {\n  count = count + 1;\n  return a;\n}', says: 'unknown identifier `count`', at: '3:3' },
  { name: 'try', src: 'function f(a) {\n  try { return a; } catch (e) { return 0; }\n}', says: '`try`', at: '2:3' },
  { name: 'async', src: 'async function f(a) {\n  return a;\n}', says: 'an async function', at: '1:1' },
  { name: 'generator', src: 'function* f(a) {\n  yield a;\n}', says: 'a generator function', at: '1:1' },
  { name: 'string', src: 'function f(a) {\n  const s = "x";\n  return a;\n}', says: 'a string', at: '2:13' },
  { name: 'object', src: 'function f(a) {\n  const o = { a };\n  return a;\n}', says: 'an object literal', at: '2:13' },
  { name: 'eval', src: 'function f(a) {\n  return eval("a");\n}', says: '`eval`', at: '2:10' },
  { name: 'arguments', src: 'function f(a) {\n  return arguments[0];\n}', says: '`arguments`', at: '2:10' },
  { name: 'spread', src: 'function f(a) {\n  return Math.max(...[a]);\n}', says: 'a spread argument', at: '2:19' },
  { name: 'unknown callee', src: 'function f(a) {\n  return mystery(a);\n}', says: 'unknown identifier `mystery`', at: '2:10' },
  { name: 'unknown Math function', src: 'function f(a) {\n  return Math.clz32(a);\n}', says: '`Math.clz32` is not a known function', at: '2:10' },
  { name: 'array result', src: 'function f(x: Float64Array) {\n  const y = new Float64Array(2);\n  y[0] = x[0];\n  return y;\n}', says: 'returns a Float64Array' },
  { name: 'recursion', src: 'function f(a) {\n  return a < 1 ? a : f(a / 2);\n}', says: 'recursive call to `f`', at: '2:22' },
  { name: 'float index', src: 'function f(x: Float64Array) {\n  return x[0.5];\n}', says: 'the index `0.5` is not an integer', at: '2:12' },
  { name: 'float loop index', src: 'function f(x: Float64Array, n: number) {\n  let s = 0;\n  for (let t = 0.5; t < n; t++) s += x[t];\n  return s;\n}', says: 'the index `t` is not an integer', at: '3:40' },
  { name: 'differentiated index', src: 'function f(x: Float64Array, k: number) {\n  return x[k] * k;\n}', says: '`k` is used as an integer', at: '2:12', wrt: [1] },
  { name: 'argument write', src: 'function f(x: Float64Array) {\n  x[0] = 1;\n  return x[0];\n}', says: 'writing into the argument array `x`', at: '2:3' },
  { name: 'switch', src: 'function f(a) {\n  switch (a) { default: return a; }\n}', says: '`switch`', at: '2:3' },
  { name: 'for of', src: 'function f(x: Float64Array) {\n  let s = 0;\n  for (const v of x) s += v;\n  return s;\n}', says: '`for…of`', at: '3:3' },
  { name: 'labelled break', src: 'function f(a) {\n  outer: for (let i = 0; i < 3; i++) { break outer; }\n  return a;\n}', says: 'a labelled statement', at: '2:3' },
  { name: 'nullish', src: 'function f(a) {\n  return a ?? 1;\n}', says: 'the `??` operator', at: '2:10' },
  { name: 'optional chaining', src: 'function f(x: Float64Array) {\n  return x?.length;\n}', says: 'optional chaining', at: '2:10' },
  { name: 'new Map', src: 'function f(a) {\n  const m = new Map();\n  return a;\n}', says: '`new Map`', at: '2:13' },
  { name: 'null', src: 'function f(a) {\n  const n = null;\n  return a;\n}', says: '`null`', at: '2:13' },
  { name: 'undefined', src: 'function f(a) {\n  return undefined;\n}', says: '`undefined`', at: '2:10' },
  { name: 'no return', src: 'function f(a) {\n  const b = a * 2;\n}', says: 'does not return a value on every path' },
  { name: 'bitwise', src: 'function f(a) {\n  return a & 1;\n}', says: 'the `&` operator', at: '2:10' },
  { name: 'array arithmetic', src: 'function f(x: Float64Array) {\n  return x * 2;\n}', says: '`*` on a Float64Array', at: '2:10' },
  { name: 'array reassignment', src: 'function f(x: Float64Array) {\n  let y = new Float64Array(2);\n  y = new Float64Array(3);\n  return x[0];\n}', says: 'reassigning the array variable `y`', at: '3:3' },
  { name: 'assignment in expression', src: 'function f(a) {\n  let b = 0;\n  return (b = a) * 2;\n}', says: 'an assignment inside an expression', at: '3:11' },
  { name: 'read before assignment', src: 'function f(a) {\n  let y;\n  return y * a;\n}', says: 'reading `y` before it is assigned', at: '3:10' },
  { name: 'read when assigned on one path', src: 'function f(a) {\n  let y;\n  if (a > 0) y = a;\n  return y * a;\n}', says: 'reading `y` before it is assigned', at: '4:10' },
  { name: 'const assignment', src: 'function f(a) {\n  const b = 1;\n  b += a;\n  return b;\n}', says: 'assignment to `b`, which is declared `const`', at: '3:3' },
  { name: 'this parameter', src: 'function f(this: unknown, a: number) {\n  return a * a;\n}', says: 'a `this` parameter', at: '1:12' },
  { name: 'wrong arity to helper', src: 'function h(a, b) { return a * b; }\nfunction f(a) {\n  return h(a);\n}', says: '`h` is called with 1 arguments but declares 2', at: '3:10' },
  { name: 'hvp with two wrt', src: 'function f(a, b) {\n  return a * b;\n}', says: 'several `wrt` arguments is not supported by hvp', mode: 'hvp', wrt: [0, 1] },
  { name: 'wrt out of range', src: 'function f(a) {\n  return a;\n}', says: '`wrt` index 3 is out of range', wrt: [3] },
];

const messages: string[] = [];

for (const c of cases) {
  test(`refuses ${c.name}`, () => {
    const f = fromSource(c.src, 'f', `${c.name.replace(/ /g, '-')}.ts`);
    const make = c.mode === 'hvp' ? hvp : c.mode === 'jvp' ? jvp : grad;
    let err: unknown;
    try { make(f, { wrt: c.wrt }); } catch (e) { err = e; }
    assert.ok(err instanceof CompileError, `${c.name}: expected a CompileError, got ${String(err)}`);
    const msg = (err as Error).message;
    assert.ok(msg.includes(c.says), `${c.name}: message should mention "${c.says}":\n${msg}`);
    if (c.at) {
      assert.ok(msg.includes(`:${c.at}`), `${c.name}: message should point at ${c.at}:\n${msg}`);
      assert.ok(/^>\s*\d+ \|/m.test(msg), `${c.name}: message should carry a code frame:\n${msg}`);
      assert.ok(msg.includes('in `f`') || c.name === 'wrong arity to helper', `${c.name}: message should name the function`);
    }
    assert.ok(msg.includes('note:'), `${c.name}: message should say what to do instead`);
    messages.push(`== ${c.name}\n${msg}\n`);
  });
}

test('scope entries that are not functions or numbers', () => {
  const f = (a: number) => (helper as unknown as (x: number) => number)(a);
  const helper = 'not a function';
  assert.throws(() => grad(f, { scope: { helper } }), /`helper` in `scope` is a string/);
});

test('a long line (minified code) is framed as a window around the column', () => {
  const pad = Array.from({ length: 150 }, (_, i) => `a * ${i}`).join(' + ');
  const src = `export function f(a) { const s = ${pad}; const t = a ?? 1; return s + ${pad} + t; }`;
  let message = '';
  try { grad(fromSource(src, 'f')); } catch (e) { message = (e as Error).message; }
  const frame = message.split('\n').filter((l) => /^[> ] *\d+ \|| +\|/.test(l));
  assert.ok(frame.length >= 2, message);
  for (const l of frame) assert.ok(l.length < 120, `a frame line of ${l.length} characters`);
  const [code, caret] = [frame.find((l) => l.startsWith('>'))!, frame.find((l) => l.includes('^'))!];
  assert.is(code.slice(caret.indexOf('^'), caret.indexOf('^') + 6), 'a ?? 1', `the caret points at the construct:\n${code}\n${caret}`);
});

test('native and bound functions have no source', () => {
  assert.throws(() => grad(Math.sin), /CT1003.*native function/s);
  const bound = ((a: number) => a * 2).bind(null);
  assert.throws(() => grad(bound), /CT1003.*bound function/s);
});

test('call-time TypeErrors name the argument', () => {
  const f = fromSource('function f(x: Float64Array, a: number, n: number) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += x[i] * a;\n  return s + x[n - 1];\n}', 'f');
  const g = grad(f);
  assert.throws(() => g('abc', 1, 2), (e: unknown) => e instanceof TypeError && /argument 1 \(`x`\) must be a Float64Array/.test((e as Error).message));
  assert.throws(() => g(new Float64Array(2), {}, 2), (e: unknown) => e instanceof TypeError && /argument 2 \(`a`\) must be a number, got an object/.test((e as Error).message));
  assert.throws(() => g(new Float64Array(2), 1, 1.5), (e: unknown) => e instanceof TypeError && /argument 3 \(`n`\) is used as an integer/.test((e as Error).message));
  assert.throws(() => g(new Float64Array(2), 1), (e: unknown) => e instanceof TypeError && /expected 3 arguments/.test((e as Error).message));
  const j = jvp(f);
  assert.throws(() => j(new Float64Array(2), 1, 2, new Float64Array(3)), (e: unknown) => e instanceof TypeError && /argument 4/.test((e as Error).message));
});

test('error messages (golden)', () => {
  golden('errors/messages.txt', messages.join('\n'));
});

test.run();
