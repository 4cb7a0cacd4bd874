// The WebAssembly backend end to end: functions lowered from JS source,
// compiled through AssemblyScript, called with JS values, compared with the
// JS function itself (1e-12 relative).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileIrModule } from '../../runtime/wasm.js';
import { close, describeMismatch, randomArray, rng, tapeModule, wasmOf, type Fn } from '../emit/as/support.js';

function scalarMath(x: number, y: number) {
  const a = Math.sin(x) * Math.cos(y) + Math.tan(x * 0.3) + Math.exp(y * 0.5) + Math.expm1(x * 0.1);
  const b = Math.log(Math.abs(x) + 1) + Math.log2(y * y + 1) + Math.log10(x * x + 2) + Math.log1p(Math.abs(y));
  const c = Math.sqrt(Math.abs(x)) + Math.cbrt(y) + Math.atan(x) + Math.atan2(y, x) + Math.hypot(x, y, 1);
  const d = Math.sinh(x * 0.5) + Math.cosh(y * 0.5) + Math.tanh(x) + Math.asinh(y) + Math.acosh(Math.abs(x) + 1) + Math.atanh(y / (Math.abs(y) + 1));
  const e = Math.asin(x / (Math.abs(x) + 1)) + Math.acos(y / (Math.abs(y) + 2)) + Math.sign(x - y) + Math.round(x * 3) + Math.floor(y * 2) + Math.ceil(x * 2) + Math.trunc(y * 3);
  const f = Math.max(x, y, 0.25) + Math.min(x, y) + Math.pow(Math.abs(x) + 0.5, y) + (Math.abs(y) + 1) ** x + (x % 0.7) + (y % -0.3) + ((x * 1e10) | 0);
  return a + b + c + d + e + f;
}

function edges(x: number) {
  return Math.round(x) + Math.sign(x) * 1000 + Math.max(x, 0) * 10 + Math.min(x, -0) + (x | 0) * 0.5 + x % 2;
}

function control(x: number, n: number) {
  let s = 0;
  let k = 0;
  while (true) {
    k++;
    if (k > n) break;
    if (k % 3 === 0) continue;
    s += k % 2 === 0 ? Math.sin(x * k) : Math.cos(x + k);
  }
  for (let i = 0; i <= n; i++) {
    if (i === 2) continue;
    if (s > 10 && i > 5) break;
    s = s * 0.9 + i;
  }
  for (let i = n; i > 0; i--) s -= 0.01 * i;
  let j = 0;
  do { s += 0.5 * j; j++; } while (j < 3);
  let w = 0;
  for (let q = 0; q < n * 2; q = q + 2) {
    if (q === 4) continue;
    if (q > 40) break;
    w += q * x;
  }
  return s + (x > 0 && n > 2 ? 1 : -1) + (x < -1 || n === 0 ? 2 : 0) + w;
}

function norm2(a: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

function scaled(a: Float64Array, c: number) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * c;
  return out;
}

function arrays(x: number, a: Float64Array, idx: Float64Array) {
  const b = scaled(a, x);
  const t = new Float64Array(a.length + 1);
  for (let i = 0; i < a.length; i++) t[i + 1] = t[i] + b[i];
  let s = norm2(b) + t[a.length];
  for (let i = 0; i < idx.length; i++) s += a[idx[i] | 0] * (i + 1);
  const c = t;
  c[0] += 2;
  return s + t[0];
}

function mapped(a: Float64Array, y: number) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]) * y + Math.max(a[i], 0);
  return out;
}

function dot(a: Float64Array, b: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function elementwise(a: Float64Array, b: Float64Array, c: number) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] * c;
    out[i] += b[i] * b[i] - Math.sqrt(Math.abs(a[i]));
  }
  let s = 0;
  for (let i = a.length - 1; i >= 0; i--) s = s + out[i] / (1 + Math.abs(c));
  return s + out[0];
}

function stencils(a: Float64Array, c: number) {
  const up = new Float64Array(a.length + 1);
  for (let i = 0; i < a.length; i++) {
    up[i] += a[i] * c;
    up[i + 1] += a[i] - c;
  }
  const down = new Float64Array(a.length + 1);
  for (let i = a.length - 1; i >= 0; i--) {
    down[i + 1] += a[i] * a[i];
    down[i] += c / (1 + a[i] * a[i]);
  }
  let s = 0;
  for (let i = 0; i <= a.length; i++) s += up[i] * (i + 1) + down[i] * (i + 2);
  return s;
}

function matvecSum(A: Float64Array, x: Float64Array, rows: number, cols: number) {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    let r = 0;
    for (let j = 0; j < cols; j++) r += A[i * cols + j] * x[j];
    s += Math.tanh(r);
  }
  return s;
}

function fill(x: number, n: number) {
  const t = new Float64Array(n);
  for (let i = 0; i < t.length; i++) t[i] = x * i;
  let s = 0;
  for (let i = 0; i < t.length; i++) s += t[i];
  return s;
}

function bounds(a: Float64Array, n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  for (let i = 1; i <= n; i++) s += i;
  for (let i = 10; i > n; i--) s += i * 0.25;
  for (let i = 10; i >= n; i--) s -= i * 0.125;
  return s;
}

function fromN(n: number) {
  let s = 0;
  for (let i = n; i >= 1; i--) s += i * 0.5;
  return s;
}

const scope = { norm2, scaled };

async function agree(f: Fn, argsList: unknown[][], tol = 1e-12, sc: Record<string, unknown> = {}) {
  const m = await wasmOf(f, sc);
  for (const args of argsList) {
    const want = f(...args);
    const got = m.call(args)[0];
    assert.ok(close(got, want, tol), describeMismatch(f.name, args, got, want));
  }
  return m;
}

test('scalar Math agrees with JS, including -0, NaN, .5 rounding and x | 0', async () => {
  const r = rng(1);
  const pts: number[][] = [[0, 0], [-0, 1], [2.5, -2.5], [-2.5, 0.5], [0.5, -0.5], [1e-300, 3], [7.25, -1.75]];
  for (let k = 0; k < 40; k++) pts.push([-4 + 8 * r(), -4 + 8 * r()]);
  await agree(scalarMath, pts);
  const m = await wasmOf(edges);
  for (const x of [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, NaN, Infinity, -Infinity, 3e9, -3e9, 4503599627370495.5, 1e300]) {
    const got = m.call([x])[0], want = edges(x);
    assert.ok(Object.is(got, want) || close(got, want), describeMismatch('edges', [x], got, want));
  }
});

test('loops and branches: while/break/continue, do-while, inclusive and descending loops, update blocks', async () => {
  const pts: unknown[][] = [];
  for (const n of [0, 1, 2, 3, 7, 12, 30]) for (const x of [-1.5, 0.3, 2]) pts.push([x, n]);
  await agree(control, pts);
});

test('helpers, local arrays, aliases, prefix sums and integer-valued index arrays', async () => {
  const r = rng(2);
  const a = randomArray(r, 9);
  const idx = new Float64Array([0, 3, 8, 8, 2, 5]);
  await agree(arrays, [[0.5, a, idx], [-1.25, a, new Float64Array(0)], [2, new Float64Array([1]), new Float64Array([0])]], 1e-12, scope);
});

test('an array result comes back as a fresh Float64Array', async () => {
  const a = randomArray(rng(3), 7);
  const m = await agree(mapped, [[a, 0.75], [new Float64Array(0), 1]]);
  const r1 = m.call([a, 2])[0] as Float64Array;
  const r2 = m.call([a, 3])[0] as Float64Array;
  assert.ok(r1 instanceof Float64Array && !(r1.buffer instanceof SharedArrayBuffer));
  assert.ok(r1[0] !== r2[0], 'each call returns its own copy');
});

test('f64x2 loops give the same results, odd lengths and reverse loops included', async () => {
  const r = rng(4);
  for (const n of [0, 1, 2, 3, 8, 33]) {
    const a = randomArray(r, n), b = randomArray(r, n);
    await agree(dot, [[a, b]]);
    if (n > 0) await agree(elementwise, [[a, b, 1.5], [a, b, -0.5]]); // (out[0] of an empty array reads outside it)
    await agree(stencils, [[a, 0.75]]);
  }
  const A = randomArray(r, 5 * 7), x = randomArray(r, 7);
  await agree(matvecSum, [[A, x, 5, 7], [A, x, 2, 7], [A, x, 2.5, 7]]);
  const m = await wasmOf(dot);
  assert.ok(m.loops.every((l) => l.vectorised), JSON.stringify(m.loops));
  assert.match(m.assemblyScript, /\/\/ vectorised: f64x2/);
  const mm = await wasmOf(matvecSum);
  assert.equal(mm.loops.map((l) => l.vectorised), [true], 'the inner loop of the matrix-vector product (index i*cols + j)');
  const st = await wasmOf(stencils);
  assert.equal(st.loops.map((l) => l.vectorised), [true, true, false]);
  assert.match(st.assemblyScript, /up_carry/);
  assert.match(st.assemblyScript, /down_carry/);
  const mp = await wasmOf(mapped);
  assert.equal(mp.loops[0].vectorised, false);
  assert.match(mp.loops[0].reason ?? '', /Math\.exp/);
});

test('loop bounds given as non-integer numbers iterate as in JS', async () => {
  const a = randomArray(rng(5), 6);
  await agree(bounds, [[a, 0], [a, 3], [a, 2.5], [a, 6], [a, -1], [a, NaN]]);
});

test('a counted loop starting at a non-integer counts in f64, as in JS', async () => {
  const m = await agree(fromN, [[0], [4], [-3], [2.5], [7.75]]);
  assert.match(m.assemblyScript, /: f64 = n; /);
});

test('number[] arguments are copied like Float64Arrays; bad arguments are TypeErrors naming the argument', async () => {
  const m = await wasmOf(dot);
  assert.ok(close(m.call([[1, 2, 3], new Float64Array([4, 5, 6])])[0], 32));
  assert.ok(close(m.invoke([1, 2], [3, 4]) as number, 11));
  assert.throws(() => m.call(['ab', [1]]), (e: Error) => e instanceof TypeError && /argument 1 \(`a`\)/.test(e.message));
  assert.throws(() => m.call([[1, 'x'], [1, 2]]), (e: Error) => e instanceof TypeError && /element 1/.test(e.message));
  assert.throws(() => m.call([[1]]), (e: Error) => e instanceof TypeError && /takes 2 arguments/.test(e.message));
  const s = await wasmOf(fill);
  assert.throws(() => s.call([1, 2.5]), (e: Error) => e instanceof TypeError && /`n`.*integer/.test(e.message));
  assert.throws(() => s.invoke('1', 2), (e: Error) => e instanceof TypeError && /argument 1 \(`x`\)/.test(e.message));
});

test('a trap surfaces as an Error naming the function, and the module stays usable', async () => {
  const m = await wasmOf(fill);
  assert.ok(close(m.call([2, 5])[0], fill(2, 5)));
  assert.throws(() => fill(1, -1), RangeError);
  assert.throws(() => m.call([1, -1]), (e: Error) => !(e instanceof TypeError) && /`fill`/.test(e.message) && /invalid array length/.test(e.message));
  assert.ok(close(m.call([3, 6])[0], fill(3, 6)));
});

test('memory stays flat over 10,000 calls that allocate and use the tape', async () => {
  const m = await wasmOf(fill);
  const t = await compileIrModule(tapeModule());
  m.call([1, 1000]);
  t.call([0.5, 100]);
  const before = [m.instance.memoryBytes, t.instance.memoryBytes];
  for (let k = 0; k < 10000; k++) {
    m.call([1, 1000]);
    t.call([0.5, 100]);
  }
  assert.equal([m.instance.memoryBytes, t.instance.memoryBytes], before);
});

test('several results, `multi` calls and both tapes (hand-written IR)', async () => {
  const t = await compileIrModule(tapeModule());
  const [p, out] = t.call([0.5, 6]) as [number, Float64Array];
  // reference: values x*i pushed, popped in reverse into out[i]; s = Σ x*i; pair(s) = (2s, s + 1)
  const x = 0.5, n = 6;
  let s = 0;
  for (let i = 0; i < n; i++) s += x * i;
  assert.ok(close(p, 2 * s));
  assert.equal([...out], Array.from({ length: n }, (_, i) => x * i));
  assert.match(t.assemblyScript, /pushF\(/);
  assert.match(t.assemblyScript, /popI\(\)/);
  assert.match(t.assemblyScript, /result1_f64/);
  // the tape grows past its first 64 KiB chunk
  const [p2, out2] = t.call([1, 20000]) as [number, Float64Array];
  assert.ok(close(p2, 2 * (20000 * 19999) / 2));
  assert.equal(out2[19999], 19999);
});

test('alloc() views are passed without copying and survive memory growth', async () => {
  const m = await wasmOf(dot);
  const a = m.alloc(1001), b = m.alloc(1001);
  for (let i = 0; i < a.length; i++) { a[i] = i; b[i] = 1 / (i + 1); }
  assert.ok(a.buffer === m.instance.memory.buffer || m.instance.shared);
  assert.ok(close(m.call([a, b])[0], dot(a, b)));
  const big = m.alloc(400000); // grows memory
  big.fill(1);
  if (m.instance.shared) {
    assert.is(a.length, 1001, 'shared memory never detaches');
    assert.ok(close(m.call([a, b])[0], dot(a, b)));
  }
  m.free(big);
  m.free(a);
  m.free(b);
});

test.run();
