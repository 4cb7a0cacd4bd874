// Wrong argument kinds and lengths at call time: a TypeError that names the
// argument, before any generated code runs. Also what is accepted: number[]
// (copied), subarray views, the same array passed twice, booleans for boolean
// parameters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, fromSource, grad, hvp, jvp } from '../../runtime/index.js';

const f = fromSource('function f(x: Float64Array, a: number, n: number) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += x[i] * a;\n  return s + x[n - 1];\n}', 'f');
const g = grad(f, { wrt: [0, 1] });
const x3 = () => new Float64Array([0.3, 0.5, -0.2]);

const wrong: { name: string; args: () => unknown[]; says: RegExp }[] = [
  { name: 'null for an array', args: () => [null, 1, 2], says: /argument 1 \(`x`\) must be a Float64Array \(or number\[\]\), got null/ },
  { name: 'undefined for an array', args: () => [undefined, 1, 2], says: /argument 1 \(`x`\) must be a Float64Array/ },
  { name: 'a number for an array', args: () => [3, 1, 2], says: /argument 1 \(`x`\) must be a Float64Array .*got number/ },
  { name: 'a Float32Array', args: () => [new Float32Array(3), 1, 2], says: /argument 1 \(`x`\) must be a Float64Array .*got Float32Array/ },
  { name: 'an Int32Array', args: () => [new Int32Array(3), 1, 2], says: /got Int32Array/ },
  { name: 'an ArrayBuffer', args: () => [new ArrayBuffer(24), 1, 2], says: /argument 1 \(`x`\) must be a Float64Array/ },
  { name: 'a DataView', args: () => [new DataView(new ArrayBuffer(24)), 1, 2], says: /argument 1 \(`x`\) must be a Float64Array/ },
  { name: 'an array-like object', args: () => [{ length: 3, 0: 1, 1: 2, 2: 3 }, 1, 2], says: /argument 1 \(`x`\) must be a Float64Array .*got an object/ },
  { name: 'a number[] holding a string', args: () => [[1, '2', 3], 1, 2], says: /argument 1 \(`x`\) .*non-number elements/ },
  { name: 'undefined for a number', args: () => [x3(), undefined, 2], says: /argument 2 \(`a`\) must be a number, got undefined/ },
  { name: 'a string for a number', args: () => [x3(), '1', 2], says: /argument 2 \(`a`\) must be a number, got a string/ },
  { name: 'a boolean for a number', args: () => [x3(), true, 2], says: /argument 2 \(`a`\) must be a number, got boolean/ },
  { name: 'a BigInt for a number', args: () => [x3(), 1n, 2], says: /argument 2 \(`a`\) must be a number, got bigint/ },
  { name: 'a Number object', args: () => [x3(), new Number(1), 2], says: /argument 2 \(`a`\) must be a number, got an object/ },
  { name: 'an array for a number', args: () => [x3(), x3(), 2], says: /argument 2 \(`a`\) must be a number/ },
  { name: 'a fraction for an integer', args: () => [x3(), 1, 1.5], says: /argument 3 \(`n`\) is used as an integer/ },
  { name: 'NaN for an integer', args: () => [x3(), 1, NaN], says: /argument 3 \(`n`\) is used as an integer .*NaN/ },
  { name: 'Infinity for an integer', args: () => [x3(), 1, Infinity], says: /argument 3 \(`n`\) is used as an integer .*Infinity/ },
  { name: 'an integer beyond 32 bits', args: () => [x3(), 1, 2 ** 32 + 2], says: /argument 3 \(`n`\) is used as an integer .*32-bit range.*4294967298/ },
  { name: 'an integer just below -2^31', args: () => [x3(), 1, -(2 ** 31) - 1], says: /argument 3 \(`n`\) is used as an integer .*32-bit range/ },
  { name: 'too few arguments', args: () => [x3()], says: /expected 3 arguments \(x, a, n\), got 1/ },
  { name: 'too many arguments', args: () => [x3(), 1, 2, 3], says: /expected 3 arguments \(x, a, n\), got 4/ },
  { name: 'no arguments', args: () => [], says: /expected 3 arguments/ },
];

for (const c of wrong) {
  test(`grad: ${c.name} is a TypeError naming the argument`, () => {
    assert.throws(() => g(...c.args()), (e: unknown) => e instanceof TypeError && c.says.test((e as Error).message) && /grad\(f\)/.test((e as Error).message));
  });
}

test('jvp: tangents must match their primal in kind and length', () => {
  const j = jvp(fromSource('function f(x: Float64Array, a: number) {\n  return x[0] * a;\n}', 'f'), { wrt: [0, 1] });
  const bad: [unknown[], RegExp][] = [
    [[x3(), 1, 2, 1], /argument 3 \(`tx`\) must be a Float64Array/],
    [[x3(), 1, x3(), x3()], /argument 4 \(`ta`\) must be a number/],
    [[x3(), 1, new Float64Array(2), 1], /argument 3 \(`tx`\) must have length 3 like `x`, got 2/],
    [[x3(), 1, x3()], /expected 4 arguments \(x, a, tx, ta\), got 3/],
  ];
  for (const [args, says] of bad) assert.throws(() => j(...args), (e: unknown) => e instanceof TypeError && says.test((e as Error).message));
});

test('hvp: the direction must match the wrt argument', () => {
  const h = hvp(fromSource('function f(x: Float64Array) {\n  return x[0] * x[1];\n}', 'f'));
  assert.throws(() => h(x3(), new Float64Array(2)), (e: unknown) => e instanceof TypeError && /must have length 3 like `x`, got 2/.test((e as Error).message));
  assert.throws(() => h(x3()), (e: unknown) => e instanceof TypeError && /expected 2 arguments/.test((e as Error).message));
  assert.throws(() => h(x3(), 1), (e: unknown) => e instanceof TypeError && /must be a Float64Array/.test((e as Error).message));
});

test('number[] is accepted and copied, never written', () => {
  const arr = [0.3, 0.5, -0.2];
  const [dx, da] = g(arr, 2, 3) as [Float64Array, number];
  assert.equal([...dx], [2, 2, 3]);
  assert.ok(Math.abs(da - 0.6) < 1e-15);
  assert.equal(arr, [0.3, 0.5, -0.2]);
});

test('a subarray view (non-zero byteOffset) is read in place, correctly', () => {
  const backing = new Float64Array([9, 0.3, 0.5, -0.2, 9]);
  const view = backing.subarray(1, 4);
  const [dx, da] = g(view, 2, 3) as [Float64Array, number];
  assert.equal([...dx], [2, 2, 3]);
  assert.ok(Math.abs(da - 0.6) < 1e-15);
  assert.equal([...backing], [9, 0.3, 0.5, -0.2, 9], 'the arguments are not written');
});

test('the same array passed for two parameters', () => {
  const h = fromSource('function f(x: Float64Array, y: Float64Array) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s += x[i] * y[i] * y[i];\n  return s;\n}', 'f');
  const x = new Float64Array([0.5, -1, 2]);
  const [dx, dy] = grad(h, { wrt: [0, 1] })(x, x) as Float64Array[];
  assert.equal([...dx], [0.25, 1, 4]);
  assert.equal([...dy], [0.5, 2, 8]);
  assert.equal([...x], [0.5, -1, 2]);
});

test('integer arguments at the edges: 0, negative (empty loops)', () => {
  const loop = grad(fromSource('function f(a: number, n: number) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += a * a;\n  return s;\n}', 'f'));
  assert.is(loop(3, 0), 0);
  assert.is(loop(3, -5), 0);
  assert.is(loop(3, 4), 24);
});

// BUG C1, fixed: a loop bound passed the check (any number will do for an f64)
// and was then wrapped to 32 bits (the reversed loop counts in i32 in JS, every
// loop does in Wasm): n = 2^32 + 2 gave the gradient 2. The checker now finds
// the parameters that bound an i32-counted loop in the IR (loopBoundParams in
// runtime/check.ts) and refuses values outside the 32-bit range, and NaN/±∞
// (a NaN bound ran the reversed loop once).
test('a loop bound beyond the 32-bit range is refused, JS and Wasm alike', async () => {
  const f = fromSource('function f(a, n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += a;\n  return s;\n}', 'f');
  const g = grad(f);
  const w = await compile(g);
  for (const [d, name] of [[g, 'grad(f)'], [w, 'grad(f)'], [jvp(f), 'jvp(f)'], [await compile(f), 'compile(f)']] as const) {
    const tangent = name === 'jvp(f)' ? [1] : [];
    // -2^31 itself: the reversed loop starts at ceil(n) - 1, which would wrap to 2^31 - 1.
    for (const n of [2 ** 32 + 2, 2 ** 31, -(2 ** 31), 1e300, NaN, Infinity, -Infinity]) {
      assert.throws(() => d(0.5, n, ...tangent), (e: unknown) => e instanceof TypeError
        && new RegExp(`^${name.replace(/[()]/g, '\\$&')}: argument 2 \\(\`n\`\\) bounds a loop, which counts in 32 bits`).test((e as Error).message), `${name} n = ${n}`);
    }
  }
  // In range, fractions included (the loop runs ceil(n) times), as before.
  for (const d of [g, w]) {
    assert.is(d(0.5, 3), 3);
    assert.is(d(0.5, 3.5), 4);
    assert.is(d(0.5, -(2 ** 31) + 8), 0);
  }
  // A loop whose index is not counted in 32 bits (it starts at an f64) is left alone.
  const down = grad(fromSource('function f(a, n) {\n  let s = 0;\n  for (let i = n; i > n - 3; i--) s += a;\n  return s;\n}', 'f'));
  assert.is(down(0.5, 2 ** 40), 3);
});

// Found after C1: a computed bound (`m = 2 * n; i < m`) was not traced, so n = 2^30 passed and
// 2n wrapped to 32 bits. A constant factor is traced now: n must keep 2n inside 32 bits.
// (`i < 2 * n` written in the loop's test lowers to a while loop, which counts its trips in JS
// numbers: right in JS; its Wasm counter is 32-bit, a limit of 2^31 trips.)
test('a bound that is a multiple of a parameter keeps the multiple inside 32 bits', async () => {
  const f = fromSource('function f(a, n) {\n  const m = 2 * n;\n  let s = 0;\n  for (let i = 0; i < m; i++) s += a;\n  return s;\n}', 'f');
  const g = grad(f);
  const w = await compile(g);
  for (const [d, name] of [[g, 'grad(f)'], [w, 'grad(f)'], [await compile(f), 'compile(f)']] as const) {
    for (const n of [2 ** 30, -(2 ** 30), 2 ** 31, NaN]) {
      assert.throws(() => d(0.5, n), (e: unknown) => e instanceof TypeError && /argument 2 \(`n`\) bounds a loop, which counts in 32 bits: it must be a number in \[-10737418\d\d, 10737418\d\d\]/.test((e as Error).message), `${name} n = ${n}`);
    }
  }
  assert.is(g(0.5, 3), 6);
  assert.is(w(0.5, 3), 6);
});

// BUG C7, fixed: a parameter annotated (or used as) `boolean` refused booleans
// ("must be a number, got boolean"). The checker takes booleans for `bool`
// parameters: the JS path passes them on as they are (the generated code keeps
// the function's own tests, `flip === true`), the Wasm path as 1 and 0.
test('a boolean parameter takes booleans, JS and Wasm alike', async () => {
  for (const test of ['flip', 'flip === true', '!(flip == false)']) {
    const f = fromSource(`function f(a: number, flip: boolean) {\n  return ${test} ? -a * a : a * a;\n}`, 'f');
    const g = grad(f);
    const w = await compile(g);
    const h = hvp(f);
    const value = await compile(f);
    for (const d of [g, w]) {
      assert.is(d(3, true), -6, test);
      assert.is(d(3, false), 6, test);
    }
    assert.is(jvp(f)(3, true, 1), -6, test);
    assert.is(h(3, true, 1), -2, test);
    assert.is(value(3, true), -9, test);
    assert.is(value(3, false), 9, test);
    assert.throws(() => g(3, 'yes'), (e: unknown) => e instanceof TypeError && /argument 2 \(`flip`\) must be a boolean \(or a number\), got a string/.test((e as Error).message));
    assert.throws(() => w(3, null), (e: unknown) => e instanceof TypeError && /argument 2 \(`flip`\) must be a boolean/.test((e as Error).message));
  }
  // Numbers are still accepted for a boolean used as a condition.
  const g = grad(fromSource('function f(a: number, flip: boolean) {\n  return flip ? -a * a : a * a;\n}', 'f'));
  assert.is(g(3, 1), -6);
  assert.is(g(3, 0), 6);
});

test.run();
