import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as np from '../../runtime/np.js';
import { vjp, jvp, vecmat, matmulNT, matmulTN } from '../../runtime/np-rules.js';
import { compileKernels, instantiate } from './support.js';
import { rng, vec, close, type Value } from '../np/support.js';

// One compile for the whole file (asc -O3 --runtime stub --enable simd --noAssert).
if (process.env.COTANGENT_VERBOSE) console.log(`test module start at ${performance.now().toFixed(0)} ms`);
const compiled = await compileKernels(32);
if (process.env.COTANGENT_VERBOSE) console.log(`asc compile of assembly/kernels.ts: ${compiled.ms.toFixed(0)} ms`);
const w = await instantiate(compiled.binary);
const K = w.k;

const TOL = 1e-12;
const SIZES = [0, 1, 2, 3, 8, 33];
const CANARY = 12345.678;

class Out {
  constructor(readonly n: number) {}
}
const out = (n: number) => new Out(n);
type Arg = Float64Array | number | Out;

/**
 * Calls kernel `name`: arrays are copied into memory and passed by address,
 * numbers are passed as they are, `out(n)` reserves n slots (followed by two
 * canaries that must survive). Returns the return value and the outputs.
 */
function kcall(name: string, ...args: Arg[]): { ret: number; outs: Float64Array[] } {
  const fn = K[name];
  assert.type(fn, 'function', `kernel ${name} is exported`);
  w.reset();
  const outs: [number, number][] = [];
  const inputs: [number, Float64Array][] = [];
  const raw = args.map((a) => {
    if (a instanceof Out) {
      const p = w.put(new Float64Array(a.n + 2).fill(-7).fill(CANARY, a.n));
      outs.push([p, a.n]);
      return p;
    }
    if (a instanceof Float64Array) {
      const p = w.put(a);
      inputs.push([p, a]);
      return p;
    }
    return a;
  });
  const ret = fn(...raw);
  const results = outs.map(([p, n]) => {
    const v = w.get(p, n + 2);
    assert.is(v[n], CANARY, `${name} wrote past its output`);
    assert.is(v[n + 1], CANARY, `${name} wrote past its output`);
    return v.slice(0, n);
  });
  for (const [p, a] of inputs) {
    const now = new Uint8Array(w.get(p, a.length).buffer), was = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    assert.ok(now.every((x, i) => x === was[i]), `${name} modified an input`);
  }
  return { ret, outs: results };
}

const R = rng(424242);
const pos = (n: number) => vec(R, n, 0.2, 3);

test('the module is SIMD, self-contained, and exports np_ kernels', () => {
  assert.ok(compiled.text.includes('f64x2.mul') && compiled.text.includes('f64x2.add'), 'f64x2 arithmetic in the text');
  assert.ok(compiled.text.includes('v128.load64_splat'), 'splat loads in the matmul kernel');
  const mod = new WebAssembly.Module(compiled.binary);
  assert.equal(WebAssembly.Module.imports(mod), [], 'no imports');
  const names = WebAssembly.Module.exports(mod).map((e) => e.name).filter((n) => n !== 'memory');
  assert.ok(names.length > 60);
  for (const n of names) assert.match(n, /^np_/);
  assert.ok(K.np_heap_base() % 16 === 0);
});

// ---------------------------------------------------------------------------
// Element-wise
// ---------------------------------------------------------------------------

const binaries: [string, (a: Value, b: Value) => Value, boolean][] = [
  ['add', np.add, true], ['sub', np.sub, false], ['mul', np.mul, true], ['div', np.div, false],
  ['maximum', np.maximum, false], ['minimum', np.minimum, false],
];

test('element-wise binary kernels: array-array, array-number, number-array', () => {
  for (const n of SIZES) {
    for (const [op, f, commutes] of binaries) {
      const a = vec(R, n), b = op === 'div' ? pos(n) : vec(R, n), s = 0.5 + R();
      close(kcall(`np_${op}`, a, b, out(n), n).outs[0], f(a, b), TOL, `np_${op} n=${n}`);
      close(kcall(`np_${op}_vs`, a, s, out(n), n).outs[0], f(a, s), TOL, `np_${op}_vs n=${n}`);
      const sv = commutes ? kcall(`np_${op}_vs`, b, s, out(n), n) : kcall(`np_${op}_sv`, s, b, out(n), n);
      close(sv.outs[0], f(s, b), TOL, `np_${op} number-array n=${n}`);
    }
    const a = pos(n), p = vec(R, n);
    close(kcall('np_pow', a, p, out(n), n).outs[0], np.pow(a, p), TOL, `np_pow n=${n}`);
    close(kcall('np_pow_vs', a, 2.5, out(n), n).outs[0], np.pow(a, 2.5), TOL, `np_pow_vs n=${n}`);
    close(kcall('np_pow_sv', 1.7, p, out(n), n).outs[0], np.pow(1.7, p), TOL, `np_pow_sv n=${n}`);
  }
});

test('maximum/minimum/relu/abs agree with JS on ties, signed zeros and NaN, bit for bit', () => {
  const a = Float64Array.from([-0, 0, NaN, 1, 2, -3, NaN]);
  const b = Float64Array.from([0, -0, 1, NaN, 2, -3, NaN]);
  const n = a.length;
  const same = (got: Float64Array, want: Float64Array, what: string) => {
    for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  };
  same(kcall('np_maximum', a, b, out(n), n).outs[0], np.maximum(a, b), 'np_maximum');
  same(kcall('np_minimum', a, b, out(n), n).outs[0], np.minimum(a, b), 'np_minimum');
  same(kcall('np_maximum_vs', a, -0, out(n), n).outs[0], np.maximum(a, -0), 'np_maximum_vs');
  same(kcall('np_minimum_sv', 0, b, out(n), n).outs[0], np.minimum(0, b), 'np_minimum_sv');
  same(kcall('np_relu', a, out(n), n).outs[0], np.relu(a), 'np_relu');
  same(kcall('np_abs', a, out(n), n).outs[0], np.abs(a), 'np_abs');
  const [da, db] = kcall('np_vjp_maximum', a, b, Float64Array.from([1, 2, 3, 4, 5, 6, 7]), out(n), out(n), n).outs;
  const [ja, jb] = vjp.maximum(a, b, Float64Array.from([1, 2, 3, 4, 5, 6, 7])) as Float64Array[];
  same(da, ja, 'np_vjp_maximum da');
  same(db, jb, 'np_vjp_maximum db');
});

const unaries: [string, (a: Value) => Value, (n: number) => Float64Array][] = [
  ['neg', np.neg, (n) => vec(R, n)], ['exp', np.exp, (n) => vec(R, n, -5, 5)], ['log', np.log, pos],
  ['sin', np.sin, (n) => vec(R, n, -4, 4)], ['cos', np.cos, (n) => vec(R, n, -4, 4)],
  ['tanh', np.tanh, (n) => vec(R, n, -3, 3)], ['sqrt', np.sqrt, pos], ['abs', np.abs, (n) => vec(R, n)],
  ['sigmoid', np.sigmoid, (n) => vec(R, n, -40, 40)], ['relu', np.relu, (n) => vec(R, n)],
];

test('element-wise unary kernels', () => {
  for (const n of SIZES) {
    for (const [op, f, gen] of unaries) {
      const a = gen(n);
      close(kcall(`np_${op}`, a, out(n), n).outs[0], f(a), TOL, `np_${op} n=${n}`);
    }
  }
  const big = Float64Array.from([-800, -40, 0, 40, 800]);
  close(kcall('np_sigmoid', big, out(5), 5).outs[0], np.sigmoid(big), 0, 'np_sigmoid at extremes');
});

test('element-wise kernels may write in place (out == a)', () => {
  const a = vec(R, 9), b = vec(R, 9);
  w.reset();
  const pa = w.put(a), pb = w.put(b);
  K.np_add(pa, pb, pa, 9);
  close(w.get(pa, 9), np.add(a, b), 0, 'np_add in place');
  K.np_exp(pa, pa, 9);
  close(w.get(pa, 9), np.exp(np.add(a, b)), TOL, 'np_exp in place');
});

// ---------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------

test('reductions: sum mean max min argmax argmin logsumexp dot', () => {
  for (const n of SIZES) {
    const a = vec(R, n, -3, 3), b = vec(R, n);
    close(kcall('np_sum', a, n).ret, np.sum(a), TOL, `np_sum n=${n}`);
    close(kcall('np_dot', a, b, n).ret, np.dot(a, b), TOL, `np_dot n=${n}`);
    close(kcall('np_logsumexp', a, n).ret, np.logsumexp(a), TOL, `np_logsumexp n=${n}`);
    if (n === 0) {
      assert.is(kcall('np_argmax', a, 0).ret, -1);
      assert.is(kcall('np_logsumexp', a, 0).ret, -Infinity);
      continue;
    }
    close(kcall('np_mean', a, n).ret, np.mean(a), TOL, `np_mean n=${n}`);
    assert.is(kcall('np_max', a, n).ret, np.max(a), `np_max n=${n}`);
    assert.is(kcall('np_min', a, n).ret, np.min(a), `np_min n=${n}`);
    assert.is(kcall('np_argmax', a, n).ret, np.argmax(a), `np_argmax n=${n}`);
    assert.is(kcall('np_argmin', a, n).ret, np.argmin(a), `np_argmin n=${n}`);
  }
  const ties = Float64Array.from([1, 3, 3, -2, -2]);
  assert.is(kcall('np_argmax', ties, 5).ret, 1);
  assert.is(kcall('np_argmin', ties, 5).ret, 3);
  const withNaN = Float64Array.from([1, NaN, 3]);
  assert.ok(Number.isNaN(kcall('np_max', withNaN, 3).ret) && Number.isNaN(np.max(withNaN)));
  assert.is(kcall('np_argmax', withNaN, 3).ret, np.argmax(withNaN));
  const large = vec(R, 9, 700, 720);
  close(kcall('np_logsumexp', large, 9).ret, np.logsumexp(large), TOL, 'np_logsumexp at large values');
});

// ---------------------------------------------------------------------------
// Linear algebra
// ---------------------------------------------------------------------------

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [2, 3, 4], [4, 4, 4], [5, 7, 3], [7, 9, 11], [13, 4, 6], [3, 300, 5], [33, 17, 65], [64, 64, 64], [0, 3, 2], [2, 0, 3],
];

test('matmul and its transposed products, at shapes that exercise every tile edge', () => {
  for (const [m, k, n] of SHAPES) {
    const A = vec(R, m * k), B = vec(R, k * n);
    close(kcall('np_matmul', A, B, out(m * n), m, k, n).outs[0], np.matmul(A, B, m, k, n), TOL, `np_matmul ${m}x${k}x${n}`);
    const At = vec(R, k * m); // stored k×m
    close(kcall('np_matmul_tn', At, B, out(m * n), m, k, n).outs[0], matmulTN(At, B, m, k, n), TOL, `np_matmul_tn ${m}x${k}x${n}`);
    const Bt = vec(R, n * k); // stored n×k
    close(kcall('np_matmul_nt', A, Bt, out(m * n), m, k, n).outs[0], matmulNT(A, Bt, m, k, n), TOL, `np_matmul_nt ${m}x${k}x${n}`);
  }
});

test('matmul reverse rule through the kernels: dA = dY·Bᵀ, dB = Aᵀ·dY', () => {
  for (const [m, k, n] of [[3, 5, 2], [8, 6, 7], [17, 9, 12]] as const) {
    const A = vec(R, m * k), B = vec(R, k * n), dY = vec(R, m * n);
    const [dA, dB] = vjp.matmul(A, B, m, k, n, dY);
    close(kcall('np_matmul_nt', dY, B, out(m * k), m, n, k).outs[0], dA, TOL, `dA ${m}x${k}x${n}`);
    close(kcall('np_matmul_tn', A, dY, out(k * n), k, m, n).outs[0], dB, TOL, `dB ${m}x${k}x${n}`);
  }
});

test('forward rules through the kernels: diagonal maps, softmax, matmul', () => {
  for (const n of SIZES) {
    const a = vec(R, n), t = vec(R, n);
    close(kcall('np_vjp_tanh', np.tanh(a), t, out(n), n).outs[0], jvp.tanh(a, t), TOL, `tanh jvp n=${n}`);
    close(kcall('np_vjp_relu', a, t, out(n), n).outs[0], jvp.relu(a, t), TOL, `relu jvp n=${n}`);
    close(kcall('np_vjp_softmax', np.softmax(a), t, out(n), n).outs[0], jvp.softmax(a, t), TOL, `softmax jvp n=${n}`);
  }
  // jvp.matmul = tA·B + A·tB: two np_matmul and an np_acc
  const [m, k, n] = [6, 5, 7];
  const A = vec(R, m * k), B = vec(R, k * n), tA = vec(R, m * k), tB = vec(R, k * n);
  w.reset();
  const pA = w.put(A), pB = w.put(B), ptA = w.put(tA), ptB = w.put(tB), p1 = w.alloc(m * n), p2 = w.alloc(m * n);
  K.np_matmul(ptA, pB, p1, m, k, n);
  K.np_matmul(pA, ptB, p2, m, k, n);
  K.np_acc(p1, p2, m * n);
  close(w.get(p1, m * n), jvp.matmul(A, B, m, k, n, tA, tB), TOL, 'matmul jvp');
});

test('matvec, vecmat, outer, transpose (and the matvec/outer reverse rules)', () => {
  for (const [r, c] of [[1, 1], [2, 3], [4, 4], [5, 7], [9, 2], [13, 33], [0, 4], [3, 0]] as const) {
    const A = vec(R, r * c), x = vec(R, c), v = vec(R, r);
    close(kcall('np_matvec', A, x, out(r), r, c).outs[0], np.matvec(A, x, r, c), TOL, `np_matvec ${r}x${c}`);
    close(kcall('np_vecmat', v, A, out(c), r, c).outs[0], vecmat(v, A, r, c), TOL, `np_vecmat ${r}x${c}`);
    close(kcall('np_transpose', A, out(r * c), r, c).outs[0], np.transpose(A, r, c), 0, `np_transpose ${r}x${c}`);
    close(kcall('np_outer', v, x, out(r * c), r, c).outs[0], np.outer(v, x), 0, `np_outer ${r}x${c}`);
    const [dA, dx] = vjp.matvec(A, x, r, c, v);
    close(kcall('np_outer', v, x, out(r * c), r, c).outs[0], dA, TOL, `matvec dA ${r}x${c}`);
    close(kcall('np_vecmat', v, A, out(c), r, c).outs[0], dx, TOL, `matvec dx ${r}x${c}`);
    // outer(v, x) has cotangent dY = A: dv = A·x, dx = Aᵀ·v
    const [dv, dx2] = vjp.outer(v, x, A);
    close(kcall('np_matvec', A, x, out(r), r, c).outs[0], dv, TOL, `outer dv ${r}x${c}`);
    close(kcall('np_vecmat', v, A, out(c), r, c).outs[0], dx2, TOL, `outer dx ${r}x${c}`);
  }
});

test('softmax and the reverse rules of reductions', () => {
  for (const n of SIZES.filter((s) => s > 0)) {
    const a = vec(R, n, -5, 5), g = vec(R, n), s = R() - 0.5;
    const y = np.softmax(a);
    close(kcall('np_softmax', a, out(n), n).outs[0], y, TOL, `np_softmax n=${n}`);
    close(kcall('np_vjp_softmax', y, g, out(n), n).outs[0], vjp.softmax(a, g)[0], TOL, `np_vjp_softmax n=${n}`);
    close(kcall('np_vjp_logsumexp', a, s, out(n), n).outs[0], vjp.logsumexp(a, s)[0], TOL, `np_vjp_logsumexp n=${n}`);
    close(kcall('np_vjp_sum', s, out(n), n).outs[0], vjp.sum(a, s)[0], TOL, `np_vjp_sum n=${n}`);
    close(kcall('np_vjp_mean', s, out(n), n).outs[0], vjp.mean(a, s)[0], TOL, `np_vjp_mean n=${n}`);
    close(kcall('np_vjp_max', a, s, out(n), n).outs[0], vjp.max(a, s)[0], 0, `np_vjp_max n=${n}`);
    close(kcall('np_vjp_min', a, s, out(n), n).outs[0], vjp.min(a, s)[0], 0, `np_vjp_min n=${n}`);
  }
  const big = Float64Array.from([800, 801, 799, -Infinity]);
  close(kcall('np_softmax', big, out(4), 4).outs[0], np.softmax(big), TOL, 'np_softmax at large values');
});

// ---------------------------------------------------------------------------
// Reverse rules of element-wise maps
// ---------------------------------------------------------------------------

test('reverse rules of element-wise maps agree with runtime/np-rules.ts', () => {
  for (const n of SIZES) {
    const a = vec(R, n), p = pos(n), g = vec(R, n);
    const one = (v: Value[]) => v[0] as Float64Array;
    close(kcall('np_vjp_exp', np.exp(a), g, out(n), n).outs[0], one(vjp.exp(a, g)), TOL, `np_vjp_exp n=${n}`);
    close(kcall('np_vjp_log', p, g, out(n), n).outs[0], one(vjp.log(p, g)), TOL, `np_vjp_log n=${n}`);
    close(kcall('np_vjp_sin', a, g, out(n), n).outs[0], one(vjp.sin(a, g)), TOL, `np_vjp_sin n=${n}`);
    close(kcall('np_vjp_cos', a, g, out(n), n).outs[0], one(vjp.cos(a, g)), TOL, `np_vjp_cos n=${n}`);
    close(kcall('np_vjp_tanh', np.tanh(a), g, out(n), n).outs[0], one(vjp.tanh(a, g)), TOL, `np_vjp_tanh n=${n}`);
    close(kcall('np_vjp_sqrt', np.sqrt(p), g, out(n), n).outs[0], one(vjp.sqrt(p, g)), TOL, `np_vjp_sqrt n=${n}`);
    close(kcall('np_vjp_abs', a, g, out(n), n).outs[0], one(vjp.abs(a, g)), TOL, `np_vjp_abs n=${n}`);
    close(kcall('np_vjp_sigmoid', np.sigmoid(a), g, out(n), n).outs[0], one(vjp.sigmoid(a, g)), TOL, `np_vjp_sigmoid n=${n}`);
    close(kcall('np_vjp_relu', a, g, out(n), n).outs[0], one(vjp.relu(a, g)), TOL, `np_vjp_relu n=${n}`);
    const b = pos(n);
    close(kcall('np_vjp_div_b', b, np.div(a, b), g, out(n), n).outs[0], vjp.div(a, b, g)[1], TOL, `np_vjp_div_b n=${n}`);
    const e = vec(R, n);
    const [pa, pp] = kcall('np_vjp_pow', p, e, np.pow(p, e), g, out(n), out(n), n).outs;
    const [ja, jp] = vjp.pow(p, e, g);
    close(pa, ja, TOL, `np_vjp_pow da n=${n}`);
    close(pp, jp, TOL, `np_vjp_pow dp n=${n}`);
    const [ma, mb] = kcall('np_vjp_minimum', a, e, g, out(n), out(n), n).outs;
    const [na, nb] = vjp.minimum(a, e, g);
    close(ma, na, 0, `np_vjp_minimum da n=${n}`);
    close(mb, nb, 0, `np_vjp_minimum db n=${n}`);
  }
  // the relu and abs conventions at 0
  const z = Float64Array.from([0, -0, 1, -1]), g = Float64Array.from([5, 5, 5, 5]);
  close(kcall('np_vjp_relu', z, g, out(4), 4).outs[0], Float64Array.from([0, 0, 5, 0]), 0, 'relu\'(0) = 0');
  close(kcall('np_vjp_abs', z, g, out(4), 4).outs[0], Float64Array.from([0, 0, 5, -5]), 0, 'abs\'(0) = 0');
});

// ---------------------------------------------------------------------------
// Constructors, copies, accumulation
// ---------------------------------------------------------------------------

test('fill, copy (and slice through copy), concat, acc, axpy', () => {
  for (const n of SIZES) {
    const a = vec(R, n), b = vec(R, n + 3);
    close(kcall('np_fill', out(n), 2.5, n).outs[0], np.full(n, 2.5), 0, `np_fill n=${n}`);
    close(kcall('np_copy', a, out(n), n).outs[0], np.copy(a), 0, `np_copy n=${n}`);
    close(kcall('np_concat', a, n, b, n + 3, out(2 * n + 3)).outs[0], np.concat(a, b), 0, `np_concat n=${n}`);
    w.reset();
    const pa = w.put(a), pb = w.put(b.slice(0, n));
    K.np_acc(pa, pb, n);
    close(w.get(pa, n), np.add(a, b.slice(0, n)), 0, `np_acc n=${n}`);
    K.np_axpy(-1.5, pb, pa, n);
    close(w.get(pa, n), np.add(np.add(a, b.slice(0, n)), np.mul(-1.5, b.slice(0, n))), TOL, `np_axpy n=${n}`);
  }
  // slice(a, 2, 7) is np_copy from a + 2*8
  const a = vec(R, 10);
  w.reset();
  const pa = w.put(a), po = w.alloc(5);
  K.np_copy(pa + 16, po, 5);
  close(w.get(po, 5), np.slice(a, 2, 7), 0, 'slice via np_copy');
});

test.run();
