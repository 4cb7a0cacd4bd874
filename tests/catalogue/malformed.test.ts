// Malformed input: source that does not parse, modules without the function
// asked for, values that are not functions, and malformed options. Each is a
// clear CompileError (with line:column and a code frame where there is a place
// to point at) before anything runs; misuse of the API itself (not a function,
// options that are not an object) is a TypeError saying what is wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompileError, compile, fromSource, grad, hessian, hvp, jacobian, jvp } from '../../runtime/index.js';
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

/** `attempt` throws a TypeError whose message matches `says`. */
const misuse = (attempt: () => unknown, says: RegExp, label: string) => {
  try {
    attempt();
  } catch (e) {
    assert.ok(e instanceof TypeError, `${label}: ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, says, label);
    return;
  }
  assert.unreachable(`${label}: no error`);
};

// BUG C4, fixed: these ended in internal errors (`Invalid value used as weak map
// key`, `Cannot read properties of null (reading 'wrt')`, `this.input.charCodeAt
// is not a function`). The API now checks its arguments first.
test('not a function, options that are not an object, fromSource of a non-string: a TypeError', async () => {
  const f = fromSource('function f(a) {\n  return a * a;\n}', 'f');
  const apis: [string, (f: never, opts?: never) => unknown][] = [['grad', grad], ['jvp', jvp], ['hvp', hvp], ['jacobian', jacobian], ['hessian', hessian]];
  for (const [api, make] of apis) {
    for (const [bad, got] of [[42, 'a number'], [null, 'null'], [undefined, 'undefined'], ['f', 'a string'], [{}, 'an object']] as const) {
      misuse(() => make(bad as never), new RegExp(`^${api}: expected a function \\(or fromSource\\(code, name\\)\\) to differentiate, got ${got}$`), `${api}(${String(bad)})`);
    }
    for (const [bad, got] of [[null, 'null'], [3, 'a number'], [[0], 'an array']] as const) {
      misuse(() => make(f as never, bad as never), new RegExp(`^${api}\\(f\\): options must be an object, got ${got}$`), `${api}(f, ${JSON.stringify(bad)})`);
    }
  }
  // compile answers with a promise, so misuse rejects it like any other failure.
  for (const [bad, opts, says] of [[42, undefined, /^compile: expected a function .* to compile, got a number$/], [f, null, /^compile\(f\): options must be an object, got null$/]] as const) {
    const p = compile(bad as never, opts as never);
    assert.instance(p, Promise);
    await p.then(() => assert.unreachable('resolved'), (e) => misuse(() => { throw e; }, says, 'compile'));
  }
  misuse(() => fromSource(42 as never, 'f'), /^fromSource: the source must be a string of JavaScript or TypeScript, got a number$/, 'fromSource(42)');
  misuse(() => fromSource('function f(a) { return a; }', undefined as never), /^fromSource: the function's name must be a string, got undefined$/, 'no name');
  assert.is(grad(f, undefined)(3), 6, 'undefined options are the defaults');
});

// BUG C4 (an empty list) and C5 (a repeated index: one number came back for
// `wrt: [0, 0]`), fixed: both are refused when the derivative is made.
test('`wrt` as an empty list or with a repeated index: a TypeError naming `wrt`', () => {
  const f = fromSource('function f(a, b) {\n  return a * b;\n}', 'f');
  for (const make of [grad, jvp]) {
    misuse(() => make(f, { wrt: [] }), /\(f\): `wrt` is an empty list; give the index of at least one argument$/, 'wrt []');
    misuse(() => make(f, { wrt: [0, 0] }), /\(f\): `wrt` lists argument 0 twice \(\[0,0\]\); give each index once$/, 'wrt [0, 0]');
    misuse(() => make(f, { wrt: [1, 0, 1] }), /`wrt` lists argument 1 twice/, 'wrt [1, 0, 1]');
  }
});

// Found with C5: gradients came back in parameter order whatever the order of
// `wrt` (API: "an array of gradients in wrt order"). grad now derives for the
// indices sorted and hands the gradients back in `wrt` order.
test('several `wrt` in any order: the gradients in `wrt` order, JS and Wasm', async () => {
  const f = fromSource('function f(a, x: Float64Array, c) {\n  return a * x[0] + 10 * c;\n}', 'f');
  const x = new Float64Array([3, 4]);
  const show = (v: unknown): unknown => (v instanceof Float64Array ? [...v] : Array.isArray(v) ? v.map(show) : v);
  const cases: [number[], unknown][] = [[[0, 1, 2], [3, [2, 0], 10]], [[2, 0], [10, 3]], [[1, 0], [[2, 0], 3]], [[2, 1, 0], [10, [2, 0], 3]]];
  for (const [wrt, want] of cases) {
    const g = grad(f, { wrt });
    assert.equal(show(g(2, x, 5)), want, `wrt ${wrt}`);
    assert.equal(show(grad(f, { wrt, preserveResult: true })(2, x, 5)), [want, 56], `wrt ${wrt}, preserveResult`);
    assert.equal(show((await compile(g))(2, x, 5)), want, `wrt ${wrt}, Wasm`);
  }
  // jvp: the tangents in `wrt` order too.
  assert.is(jvp(f, { wrt: [2, 0] })(2, x, 5, 1, 0), 10);
  assert.is(jvp(f, { wrt: [2, 0] })(2, x, 5, 0, 1), 3);
});

// BUG C6, fixed: a class or a getter was reported as "`wrt` index 0 is out of
// range: `A` has 0 parameters". A function value whose parameters do not
// match `wrt` is now read first, so what it is gets reported (and a getter or
// setter is never taken for a function: compiler/parse/source.ts).
test('a class, a getter or a setter says what it is', () => {
  const accessors = Object.getOwnPropertyDescriptor({ get v() { return 1; }, set v(_x: number) {} }, 'v')!;
  assertRefused(() => grad(class A {} as never), { says: 'a class is not supported', code: 'CT1101', fn: 'A', at: '1:1' }, 'class');
  assertRefused(() => grad(class B { constructor(_a: number) {} } as never), { says: 'a class is not supported', code: 'CT1101', fn: 'B' }, 'class with a parameter');
  assertRefused(() => grad(accessors.get as never), { says: 'a getter is not supported', code: 'CT1101', fn: 'get v', at: '1:1' }, 'getter');
  assertRefused(() => grad(accessors.set as never), { says: 'a setter is not supported', code: 'CT1101', fn: 'set v', at: '1:1' }, 'setter');
  assertRefused(() => jvp(Math.random), { says: 'native function', code: 'CT1003' }, 'native, no parameters');
  // A method called `get` is a method.
  assert.is(grad({ get(x: number) { return x * x; } }.get)(3), 6);
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
