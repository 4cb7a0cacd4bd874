// AssemblyScript kernels for the `cotangent/np` operations and their
// derivative rules, over raw linear memory.
//
// Conventions
// - Every array argument is a `usize` byte address of f64 data (8-byte
//   aligned); lengths and dimensions are `i32`. Nothing is allocated and
//   nothing is checked (compile with --noAssert): the caller validates shapes.
// - Matrices are row-major. `m, k, n` follow `np.matmul`: A is m×k, B is k×n.
// - Element-wise kernels write `out[i]` after reading the inputs' element i,
//   so `out` may be the same address as an input. Matrix products,
//   `transpose`, `outer`, `matvec` and `vecmat` need an `out` that overlaps
//   no input.
// - Results agree with the JavaScript implementations in runtime/np.ts:
//   element-wise maps and the matrix products accumulate in the same order
//   (bit-identical up to transcendental rounding); `sum`, `mean`, `dot`,
//   `logsumexp`, `matvec`, `matmul_nt` and `softmax`'s normaliser add in
//   two SIMD lanes, so they may differ in the last bits.
// - Reverse rules without a kernel of their own are compositions:
//     add/sub/mul/div(a): np_copy / np_neg / np_mul / np_div of dY;
//     dot: da = np_mul_vs(b, dY), db = np_mul_vs(a, dY);
//     matvec (A rows×cols): dA = np_outer(dY, x), dx = np_vecmat(dY, A);
//     matmul (m×k · k×n): dA = np_matmul_nt(dY, B, dA, m, n, k),
//                         dB = np_matmul_tn(A, dY, dB, k, m, n);
//     outer(a, b): da = np_matvec(dY, b), db = np_vecmat(a, dY);
//     transpose: np_transpose of dY; slice/concat: np_copy at offsets.
//   A number broadcast over an array gets np_sum of the array cotangent.
//   Reverse mode accumulates into adjoints with np_acc / np_axpy.
// - Forward (jvp) rules of element-wise maps have diagonal Jacobians, so the
//   `np_vjp_<op>` kernels serve both directions (t * f'(a)); bilinear ops
//   (mul, dot, matvec, matmul, outer) are two forward kernels and an np_acc.
// - Non-smooth conventions are those of runtime/np-rules.ts: relu'(0) = 0,
//   abs'(0) = 0, max/min go through the first extreme element, and
//   maximum/minimum ties go to the first argument.
//
// Free memory for the caller starts at `np_heap_base()`.

// ---------------------------------------------------------------------------
// Memory layout
// ---------------------------------------------------------------------------

/** First byte address after this module's static data: where callers may put arrays. */
export function np_heap_base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------
// Element-wise binary operations: _vv (two arrays), _vs (array, number),
// _sv (number, array)
// ---------------------------------------------------------------------------

export function np_add(a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.add(v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) + load<f64>(b));
}

export function np_add_vs(a: usize, s: f64, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.add(v128.load(a), sv));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) + s);
}

export function np_sub(a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.sub(v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) - load<f64>(b));
}

export function np_sub_vs(a: usize, s: f64, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.sub(v128.load(a), sv));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) - s);
}

export function np_sub_sv(s: f64, b: usize, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.sub(sv, v128.load(b)));
    b += 16; out += 16;
  }
  if (out < end) store<f64>(out, s - load<f64>(b));
}

export function np_mul(a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.mul(v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) * load<f64>(b));
}

export function np_mul_vs(a: usize, s: f64, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.mul(v128.load(a), sv));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) * s);
}

export function np_div(a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.div(v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) / load<f64>(b));
}

export function np_div_vs(a: usize, s: f64, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.div(v128.load(a), sv));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) / s);
}

export function np_div_sv(s: f64, b: usize, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.div(sv, v128.load(b)));
    b += 16; out += 16;
  }
  if (out < end) store<f64>(out, s / load<f64>(b));
}

export function np_pow(a: usize, p: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.pow(load<f64>(a + o), load<f64>(p + o)));
  }
}

export function np_pow_vs(a: usize, p: f64, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.pow(load<f64>(a + o), p));
  }
}

export function np_pow_sv(s: f64, p: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.pow(s, load<f64>(p + o)));
  }
}

// maximum(a, b) = a where a >= b or a is NaN, else b (ties go to a, NaN propagates)
@inline function maxSel(x: v128, y: v128): v128 {
  return v128.bitselect(x, y, v128.or(f64x2.ge(x, y), f64x2.ne(x, x)));
}
@inline function minSel(x: v128, y: v128): v128 {
  return v128.bitselect(x, y, v128.or(f64x2.le(x, y), f64x2.ne(x, x)));
}
@inline function max1(x: f64, y: f64): f64 {
  return x >= y || x != x ? x : y;
}
@inline function min1(x: f64, y: f64): f64 {
  return x <= y || x != x ? x : y;
}

export function np_maximum(a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, maxSel(v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  if (out < end) store<f64>(out, max1(load<f64>(a), load<f64>(b)));
}

export function np_maximum_vs(a: usize, s: f64, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, maxSel(v128.load(a), sv));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, max1(load<f64>(a), s));
}

export function np_maximum_sv(s: f64, b: usize, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, maxSel(sv, v128.load(b)));
    b += 16; out += 16;
  }
  if (out < end) store<f64>(out, max1(s, load<f64>(b)));
}

export function np_minimum(a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, minSel(v128.load(a), v128.load(b)));
    a += 16; b += 16; out += 16;
  }
  if (out < end) store<f64>(out, min1(load<f64>(a), load<f64>(b)));
}

export function np_minimum_vs(a: usize, s: f64, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, minSel(v128.load(a), sv));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, min1(load<f64>(a), s));
}

export function np_minimum_sv(s: f64, b: usize, out: usize, n: i32): void {
  const sv = f64x2.splat(s);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, minSel(sv, v128.load(b)));
    b += 16; out += 16;
  }
  if (out < end) store<f64>(out, min1(s, load<f64>(b)));
}

// ---------------------------------------------------------------------------
// Element-wise unary operations
// ---------------------------------------------------------------------------

export function np_neg(a: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.neg(v128.load(a)));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, -load<f64>(a));
}

export function np_abs(a: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.abs(v128.load(a)));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, Math.abs(load<f64>(a)));
}

export function np_sqrt(a: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.sqrt(v128.load(a)));
    a += 16; out += 16;
  }
  if (out < end) store<f64>(out, Math.sqrt(load<f64>(a)));
}

/** relu(x) = x <= 0 ? 0 : x (so relu(-0) = +0 and relu(NaN) = NaN). */
export function np_relu(a: usize, out: usize, n: i32): void {
  const zero = f64x2.splat(0.0);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    const x = v128.load(a);
    v128.store(out, v128.bitselect(zero, x, f64x2.le(x, zero)));
    a += 16; out += 16;
  }
  if (out < end) {
    const x = load<f64>(a);
    store<f64>(out, x <= 0 ? 0.0 : x);
  }
}

export function np_exp(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.exp(load<f64>(a + o)));
  }
}

export function np_log(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.log(load<f64>(a + o)));
  }
}

export function np_sin(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.sin(load<f64>(a + o)));
  }
}

export function np_cos(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.cos(load<f64>(a + o)));
  }
}

export function np_tanh(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, Math.tanh(load<f64>(a + o)));
  }
}

@inline function sigmoid1(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

/** Logistic function, stable for large |x|. */
export function np_sigmoid(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, sigmoid1(load<f64>(a + o)));
  }
}

// ---------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------

/** Horizontal sum of the two lanes. */
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

export function np_sum(a: usize, n: i32): f64 {
  let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0);
  const end = a + (<usize>n << 3);
  const v4 = a + (<usize>(n & ~3) << 3);
  while (a < v4) {
    s0 = f64x2.add(s0, v128.load(a));
    s1 = f64x2.add(s1, v128.load(a, 16));
    a += 32;
  }
  let s = hsum(f64x2.add(s0, s1));
  while (a < end) { s += load<f64>(a); a += 8; }
  return s;
}

export function np_mean(a: usize, n: i32): f64 {
  return np_sum(a, n) / <f64>n;
}

export function np_dot(a: usize, b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0);
  const end = a + (<usize>n << 3);
  const v4 = a + (<usize>(n & ~3) << 3);
  while (a < v4) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a), v128.load(b)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a, 16), v128.load(b, 16)));
    a += 32; b += 32;
  }
  let s = hsum(f64x2.add(s0, s1));
  while (a < end) { s += load<f64>(a) * load<f64>(b); a += 8; b += 8; }
  return s;
}

/** Index of the first maximal element (of the first NaN if any); -1 if n == 0. */
export function np_argmax(a: usize, n: i32): i32 {
  if (n <= 0) return -1;
  let best = load<f64>(a);
  if (best != best) return 0;
  let at = 0;
  for (let i = 1; i < n; i++) {
    const v = load<f64>(a + (<usize>i << 3));
    if (v > best) { best = v; at = i; } else if (v != v) return i;
  }
  return at;
}

/** Index of the first minimal element (of the first NaN if any); -1 if n == 0. */
export function np_argmin(a: usize, n: i32): i32 {
  if (n <= 0) return -1;
  let best = load<f64>(a);
  if (best != best) return 0;
  let at = 0;
  for (let i = 1; i < n; i++) {
    const v = load<f64>(a + (<usize>i << 3));
    if (v < best) { best = v; at = i; } else if (v != v) return i;
  }
  return at;
}

/** Largest element; NaN if any element is NaN; -Infinity if n == 0. */
export function np_max(a: usize, n: i32): f64 {
  let m = f64x2.splat(-Infinity);
  const end = a + (<usize>n << 3);
  const vend = a + (<usize>(n & ~1) << 3);
  while (a < vend) { m = f64x2.max(m, v128.load(a)); a += 16; }
  let r = Math.max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (a < end) r = Math.max(r, load<f64>(a));
  return r;
}

/** Smallest element; NaN if any element is NaN; +Infinity if n == 0. */
export function np_min(a: usize, n: i32): f64 {
  let m = f64x2.splat(Infinity);
  const end = a + (<usize>n << 3);
  const vend = a + (<usize>(n & ~1) << 3);
  while (a < vend) { m = f64x2.min(m, v128.load(a)); a += 16; }
  let r = Math.min(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  if (a < end) r = Math.min(r, load<f64>(a));
  return r;
}

/** log(sum(exp(a))) = m + log(sum(exp(a - m))), m = max(a); -Infinity if n == 0. */
export function np_logsumexp(a: usize, n: i32): f64 {
  const m = np_max(a, n);
  if (m == Infinity || m == -Infinity || m != m) return m;
  let s0: f64 = 0, s1: f64 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    s0 += Math.exp(load<f64>(a + o) - m);
    s1 += Math.exp(load<f64>(a + o + 8) - m);
  }
  if (i < n) s0 += Math.exp(load<f64>(a + (<usize>i << 3)) - m);
  return m + Math.log(s0 + s1);
}

/** out = exp(a - max(a)) / sum(exp(a - max(a))). */
export function np_softmax(a: usize, out: usize, n: i32): void {
  if (n <= 0) return;
  const m = np_max(a, n);
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const e = Math.exp(load<f64>(a + o) - m);
    store<f64>(out + o, e);
    s += e;
  }
  np_div_vs(out, s, out, n);
}

// ---------------------------------------------------------------------------
// Constructors and copies
// ---------------------------------------------------------------------------

export function np_fill(out: usize, value: f64, n: i32): void {
  const sv = f64x2.splat(value);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) { v128.store(out, sv); out += 16; }
  if (out < end) store<f64>(out, value);
}

/** Copies n elements from src to out (the regions may overlap). Serves `copy` and `slice`. */
export function np_copy(src: usize, out: usize, n: i32): void {
  memory.copy(out, src, <usize>n << 3);
}

/** out = a (na elements) followed by b (nb elements). */
export function np_concat(a: usize, na: i32, b: usize, nb: i32, out: usize): void {
  memory.copy(out, a, <usize>na << 3);
  memory.copy(out + (<usize>na << 3), b, <usize>nb << 3);
}

// ---------------------------------------------------------------------------
// Accumulation (reverse mode adds cotangents into adjoints)
// ---------------------------------------------------------------------------

/** dst += src. */
export function np_acc(dst: usize, src: usize, n: i32): void {
  np_add(dst, src, dst, n);
}

/** y += alpha * x. */
export function np_axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  const av = f64x2.splat(alpha);
  const end = y + (<usize>n << 3);
  const vend = y + (<usize>(n & ~1) << 3);
  while (y < vend) {
    v128.store(y, f64x2.add(v128.load(y), f64x2.mul(av, v128.load(x))));
    x += 16; y += 16;
  }
  if (y < end) store<f64>(y, load<f64>(y) + alpha * load<f64>(x));
}

// ---------------------------------------------------------------------------
// Linear algebra
// ---------------------------------------------------------------------------

/** out = a bᵀ: out is m×n with out[i, j] = a[i] * b[j]. */
export function np_outer(a: usize, b: usize, out: usize, m: i32, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let i = 0; i < m; i++) {
    np_mul_vs(b, load<f64>(a + (<usize>i << 3)), out, n);
    out += rowBytes;
  }
}

/** out (cols×rows) = transpose of A (rows×cols). */
export function np_transpose(A: usize, out: usize, rows: i32, cols: i32): void {
  const rb = <usize>rows << 3, cb = <usize>cols << 3;
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const r0 = A + <usize>i * cb;
    const r1 = r0 + cb;
    const o = out + (<usize>i << 3);
    let j = 0;
    for (; j + 1 < cols; j += 2) {
      const jb = <usize>j << 3;
      const x = v128.load(r0 + jb), y = v128.load(r1 + jb);
      v128.store(o + <usize>j * rb, f64x2.shuffle(x, y, 0, 2));
      v128.store(o + <usize>(j + 1) * rb, f64x2.shuffle(x, y, 1, 3));
    }
    if (j < cols) {
      const jb = <usize>j << 3;
      store<f64>(o + <usize>j * rb, load<f64>(r0 + jb));
      store<f64>(o + <usize>j * rb + 8, load<f64>(r1 + jb));
    }
  }
  if (i < rows) {
    const r0 = A + <usize>i * cb;
    const o = out + (<usize>i << 3);
    for (let j = 0; j < cols; j++) store<f64>(o + <usize>j * rb, load<f64>(r0 + (<usize>j << 3)));
  }
}

/** out (rows) = A (rows×cols) · x (cols). */
export function np_matvec(A: usize, x: usize, out: usize, rows: i32, cols: i32): void {
  const cb = <usize>cols << 3;
  const c2 = cols & ~1;
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = A + <usize>i * cb, r1 = r0 + cb, r2 = r1 + cb, r3 = r2 + cb;
    let s0 = f64x2.splat(0.0), s1 = s0, s2 = s0, s3 = s0;
    for (let j = 0; j < c2; j += 2) {
      const o = <usize>j << 3;
      const xv = v128.load(x + o);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(r0 + o), xv));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(r1 + o), xv));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(r2 + o), xv));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(r3 + o), xv));
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    if (c2 < cols) {
      const o = <usize>c2 << 3;
      const xs = load<f64>(x + o);
      t0 += load<f64>(r0 + o) * xs; t1 += load<f64>(r1 + o) * xs;
      t2 += load<f64>(r2 + o) * xs; t3 += load<f64>(r3 + o) * xs;
    }
    const po = out + (<usize>i << 3);
    store<f64>(po, t0); store<f64>(po, t1, 8); store<f64>(po, t2, 16); store<f64>(po, t3, 24);
  }
  for (; i < rows; i++) store<f64>(out + (<usize>i << 3), np_dot(A + <usize>i * cb, x, cols));
}

/** out (cols) = Aᵀ · v for A rows×cols and v of length rows (the matvec cotangent of x). */
export function np_vecmat(v: usize, A: usize, out: usize, rows: i32, cols: i32): void {
  const cb = <usize>cols << 3;
  np_fill(out, 0.0, cols);
  let i = 0;
  // four rows per sweep over out; each out element still adds rows in order
  for (; i + 3 < rows; i += 4) {
    const r0 = A + <usize>i * cb, r1 = r0 + cb, r2 = r1 + cb, r3 = r2 + cb;
    const vi = v + (<usize>i << 3);
    const x0 = v128.load_splat<f64>(vi), x1 = v128.load_splat<f64>(vi, 8);
    const x2 = v128.load_splat<f64>(vi, 16), x3 = v128.load_splat<f64>(vi, 24);
    let j = 0;
    for (; j + 1 < cols; j += 2) {
      const o = <usize>j << 3;
      let t = v128.load(out + o);
      t = f64x2.add(t, f64x2.mul(x0, v128.load(r0 + o)));
      t = f64x2.add(t, f64x2.mul(x1, v128.load(r1 + o)));
      t = f64x2.add(t, f64x2.mul(x2, v128.load(r2 + o)));
      t = f64x2.add(t, f64x2.mul(x3, v128.load(r3 + o)));
      v128.store(out + o, t);
    }
    if (j < cols) {
      const o = <usize>j << 3;
      let t = load<f64>(out + o);
      t += f64x2.extract_lane(x0, 0) * load<f64>(r0 + o);
      t += f64x2.extract_lane(x1, 0) * load<f64>(r1 + o);
      t += f64x2.extract_lane(x2, 0) * load<f64>(r2 + o);
      t += f64x2.extract_lane(x3, 0) * load<f64>(r3 + o);
      store<f64>(out + o, t);
    }
  }
  for (; i < rows; i++) np_axpy(load<f64>(v + (<usize>i << 3)), A + <usize>i * cb, out, cols);
}

// General product C (m×n) = op(A) · B, B row-major k×n, where element (i, p)
// of op(A) is at a + i*ars + p*acs (byte strides). For A·B, ars = 8k and
// acs = 8; for Aᵀ·B with A stored k×m, ars = 8 and acs = 8m.
//
// Register tiling: a 4×4 block of C lives in eight f64x2 accumulators; each
// step p loads one f64x2 pair from row p of B, splats four elements of op(A)
// straight from memory (v128.load64_splat) and does 16 multiply-adds.
// k is processed in blocks of KC so that the B panel in use stays in cache;
// C is reloaded between blocks, which keeps the per-element summation order
// p = 0, 1, ..., k-1 (the order of the JavaScript loop).
const KC: i32 = 128;

function gemm(a: usize, ars: usize, acs: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const nb = <usize>n << 3;
  np_fill(c, 0.0, m * n);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const ap = a + <usize>p0 * acs;
    const bp = b + <usize>p0 * nb;
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const ai = ap + <usize>i * ars;
      const ci = c + <usize>i * nb;
      let j = 0;
      for (; j + 3 < n; j += 4) tile4x4(ai, ars, acs, bp + (<usize>j << 3), nb, ci + (<usize>j << 3), kc);
      for (; j < n; j++) tile4x1(ai, ars, acs, bp + (<usize>j << 3), nb, ci + (<usize>j << 3), kc);
    }
    for (; i < m; i++) {
      const ai = ap + <usize>i * ars;
      const ci = c + <usize>i * nb;
      let j = 0;
      for (; j + 3 < n; j += 4) tile1x4(ai, acs, bp + (<usize>j << 3), nb, ci + (<usize>j << 3), kc);
      for (; j < n; j++) {
        let s = load<f64>(ci + (<usize>j << 3));
        let pa = ai, pb = bp + (<usize>j << 3);
        for (let p = 0; p < kc; p++) { s += load<f64>(pa) * load<f64>(pb); pa += acs; pb += nb; }
        store<f64>(ci + (<usize>j << 3), s);
      }
    }
  }
}

@inline function tile4x4(a: usize, ars: usize, acs: usize, b: usize, nb: usize, c: usize, kc: i32): void {
  const c1 = c + nb, c2 = c1 + nb, c3 = c2 + nb;
  let x00 = v128.load(c), x01 = v128.load(c, 16);
  let x10 = v128.load(c1), x11 = v128.load(c1, 16);
  let x20 = v128.load(c2), x21 = v128.load(c2, 16);
  let x30 = v128.load(c3), x31 = v128.load(c3, 16);
  let a0 = a;
  const a1 = ars, a2 = ars << 1, a3 = ars * 3;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load_splat<f64>(a0);
    x00 = f64x2.add(x00, f64x2.mul(s, b0)); x01 = f64x2.add(x01, f64x2.mul(s, b1));
    s = v128.load_splat<f64>(a0 + a1);
    x10 = f64x2.add(x10, f64x2.mul(s, b0)); x11 = f64x2.add(x11, f64x2.mul(s, b1));
    s = v128.load_splat<f64>(a0 + a2);
    x20 = f64x2.add(x20, f64x2.mul(s, b0)); x21 = f64x2.add(x21, f64x2.mul(s, b1));
    s = v128.load_splat<f64>(a0 + a3);
    x30 = f64x2.add(x30, f64x2.mul(s, b0)); x31 = f64x2.add(x31, f64x2.mul(s, b1));
    a0 += acs; b += nb;
  }
  v128.store(c, x00); v128.store(c, x01, 16);
  v128.store(c1, x10); v128.store(c1, x11, 16);
  v128.store(c2, x20); v128.store(c2, x21, 16);
  v128.store(c3, x30); v128.store(c3, x31, 16);
}

@inline function tile4x1(a: usize, ars: usize, acs: usize, b: usize, nb: usize, c: usize, kc: i32): void {
  // rows (0, 1) and (2, 3) in two f64x2 accumulators
  const c1 = c + nb, c2 = c1 + nb, c3 = c2 + nb;
  let x01 = f64x2.replace_lane(f64x2.splat(load<f64>(c)), 1, load<f64>(c1));
  let x23 = f64x2.replace_lane(f64x2.splat(load<f64>(c2)), 1, load<f64>(c3));
  let a0 = a;
  for (let p = 0; p < kc; p++) {
    const s = v128.load_splat<f64>(b);
    const y01 = f64x2.replace_lane(f64x2.splat(load<f64>(a0)), 1, load<f64>(a0 + ars));
    const y23 = f64x2.replace_lane(f64x2.splat(load<f64>(a0 + (ars << 1))), 1, load<f64>(a0 + ars * 3));
    x01 = f64x2.add(x01, f64x2.mul(y01, s));
    x23 = f64x2.add(x23, f64x2.mul(y23, s));
    a0 += acs; b += nb;
  }
  store<f64>(c, f64x2.extract_lane(x01, 0)); store<f64>(c1, f64x2.extract_lane(x01, 1));
  store<f64>(c2, f64x2.extract_lane(x23, 0)); store<f64>(c3, f64x2.extract_lane(x23, 1));
}

@inline function tile1x4(a: usize, acs: usize, b: usize, nb: usize, c: usize, kc: i32): void {
  let x0 = v128.load(c), x1 = v128.load(c, 16);
  let a0 = a;
  for (let p = 0; p < kc; p++) {
    const s = v128.load_splat<f64>(a0);
    x0 = f64x2.add(x0, f64x2.mul(s, v128.load(b)));
    x1 = f64x2.add(x1, f64x2.mul(s, v128.load(b, 16)));
    a0 += acs; b += nb;
  }
  v128.store(c, x0); v128.store(c, x1, 16);
}

/** C (m×n) = A (m×k) · B (k×n). */
export function np_matmul(A: usize, B: usize, C: usize, m: i32, k: i32, n: i32): void {
  gemm(A, <usize>k << 3, 8, B, C, m, k, n);
}

/**
 * C (m×n) = Aᵀ · B where A is stored k×m and B is k×n.
 * The cotangent of B in C = A·B (A m×k) is np_matmul_tn(A, dC, dB, k, m, n).
 */
export function np_matmul_tn(A: usize, B: usize, C: usize, m: i32, k: i32, n: i32): void {
  gemm(A, 8, <usize>m << 3, B, C, m, k, n);
}

/**
 * C (m×n) = A · Bᵀ where A is m×k and B is stored n×k (rows of both are
 * contiguous, so each C element is a dot product of two rows).
 * The cotangent of A in C = A·B (B k×n) is np_matmul_nt(dC, B, dA, m, n, k).
 *
 * Register tiling: 4 rows of A × 2 rows of B, eight f64x2 partial sums over
 * p in steps of two, reduced across lanes at the end.
 */
export function np_matmul_nt(A: usize, B: usize, C: usize, m: i32, k: i32, n: i32): void {
  const kb = <usize>k << 3, nb = <usize>n << 3;
  const k2 = k & ~1;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = A + <usize>i * kb, a1 = a0 + kb, a2 = a1 + kb, a3 = a2 + kb;
    const ci = C + <usize>i * nb;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = B + <usize>j * kb, b1 = b0 + kb;
      let s00 = f64x2.splat(0.0), s01 = s00, s10 = s00, s11 = s00;
      let s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      for (let p = 0; p < k2; p += 2) {
        const o = <usize>p << 3;
        const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o);
        let x = v128.load(a0 + o);
        s00 = f64x2.add(s00, f64x2.mul(x, y0)); s01 = f64x2.add(s01, f64x2.mul(x, y1));
        x = v128.load(a1 + o);
        s10 = f64x2.add(s10, f64x2.mul(x, y0)); s11 = f64x2.add(s11, f64x2.mul(x, y1));
        x = v128.load(a2 + o);
        s20 = f64x2.add(s20, f64x2.mul(x, y0)); s21 = f64x2.add(s21, f64x2.mul(x, y1));
        x = v128.load(a3 + o);
        s30 = f64x2.add(s30, f64x2.mul(x, y0)); s31 = f64x2.add(s31, f64x2.mul(x, y1));
      }
      let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
      let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
      if (k2 < k) {
        const o = <usize>k2 << 3;
        const y0 = load<f64>(b0 + o), y1 = load<f64>(b1 + o);
        let x = load<f64>(a0 + o); t00 += x * y0; t01 += x * y1;
        x = load<f64>(a1 + o); t10 += x * y0; t11 += x * y1;
        x = load<f64>(a2 + o); t20 += x * y0; t21 += x * y1;
        x = load<f64>(a3 + o); t30 += x * y0; t31 += x * y1;
      }
      const c0 = ci + (<usize>j << 3);
      store<f64>(c0, t00); store<f64>(c0, t01, 8);
      store<f64>(c0 + nb, t10); store<f64>(c0 + nb, t11, 8);
      store<f64>(c0 + 2 * nb, t20); store<f64>(c0 + 2 * nb, t21, 8);
      store<f64>(c0 + 3 * nb, t30); store<f64>(c0 + 3 * nb, t31, 8);
    }
    if (j < n) {
      const bj = B + <usize>j * kb, c0 = ci + (<usize>j << 3);
      store<f64>(c0, np_dot(a0, bj, k));
      store<f64>(c0 + nb, np_dot(a1, bj, k));
      store<f64>(c0 + 2 * nb, np_dot(a2, bj, k));
      store<f64>(c0 + 3 * nb, np_dot(a3, bj, k));
    }
  }
  for (; i < m; i++) {
    const ai = A + <usize>i * kb, ci = C + <usize>i * nb;
    for (let j = 0; j < n; j++) store<f64>(ci + (<usize>j << 3), np_dot(ai, B + <usize>j * kb, k));
  }
}

// ---------------------------------------------------------------------------
// Reverse rules of element-wise maps (also their forward rules: t * f'(a))
// ---------------------------------------------------------------------------

/** out = g * y, y = exp(a). */
export function np_vjp_exp(y: usize, g: usize, out: usize, n: i32): void {
  np_mul(g, y, out, n);
}

/** out = g / a. */
export function np_vjp_log(a: usize, g: usize, out: usize, n: i32): void {
  np_div(g, a, out, n);
}

/** out = g * cos(a). */
export function np_vjp_sin(a: usize, g: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, load<f64>(g + o) * Math.cos(load<f64>(a + o)));
  }
}

/** out = -(g * sin(a)). */
export function np_vjp_cos(a: usize, g: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, -(load<f64>(g + o) * Math.sin(load<f64>(a + o))));
  }
}

/** out = g * (1 - y*y), y = tanh(a). */
export function np_vjp_tanh(y: usize, g: usize, out: usize, n: i32): void {
  const one = f64x2.splat(1.0);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    const t = v128.load(y);
    v128.store(out, f64x2.mul(v128.load(g), f64x2.sub(one, f64x2.mul(t, t))));
    y += 16; g += 16; out += 16;
  }
  if (out < end) { const t = load<f64>(y); store<f64>(out, load<f64>(g) * (1.0 - t * t)); }
}

/** out = g / (2 y), y = sqrt(a). */
export function np_vjp_sqrt(y: usize, g: usize, out: usize, n: i32): void {
  const two = f64x2.splat(2.0);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.div(v128.load(g), f64x2.mul(two, v128.load(y))));
    y += 16; g += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(g) / (2.0 * load<f64>(y)));
}

/** out = g * sign(a), sign(0) = 0. */
export function np_vjp_abs(a: usize, g: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(a + o);
    const s: f64 = x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0 * x;
    store<f64>(out + o, load<f64>(g + o) * s);
  }
}

/** out = g * (y * (1 - y)), y = sigmoid(a). */
export function np_vjp_sigmoid(y: usize, g: usize, out: usize, n: i32): void {
  const one = f64x2.splat(1.0);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    const s = v128.load(y);
    v128.store(out, f64x2.mul(v128.load(g), f64x2.mul(s, f64x2.sub(one, s))));
    y += 16; g += 16; out += 16;
  }
  if (out < end) { const s = load<f64>(y); store<f64>(out, load<f64>(g) * (s * (1.0 - s))); }
}

/** out = a > 0 ? g : 0 (relu'(0) = 0). */
export function np_vjp_relu(a: usize, g: usize, out: usize, n: i32): void {
  const zero = f64x2.splat(0.0);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, v128.and(v128.load(g), f64x2.gt(v128.load(a), zero)));
    a += 16; g += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(a) > 0 ? load<f64>(g) : 0.0);
}

/** Cotangent of b in a / b: out = -((g / b) * y), y = a / b. */
export function np_vjp_div_b(b: usize, y: usize, g: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.neg(f64x2.mul(f64x2.div(v128.load(g), v128.load(b)), v128.load(y))));
    b += 16; y += 16; g += 16; out += 16;
  }
  if (out < end) store<f64>(out, -((load<f64>(g) / load<f64>(b)) * load<f64>(y)));
}

/**
 * Cotangents of y = a ** p (element-wise, both arrays):
 * da = p == 0 ? 0 : g * p * a^(p-1), dp = a == 0 ? 0 : g * y * log(a).
 */
export function np_vjp_pow(a: usize, p: usize, y: usize, g: usize, da: usize, dp: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(a + o), e = load<f64>(p + o), gi = load<f64>(g + o);
    store<f64>(da + o, e == 0 ? 0.0 : gi * e * Math.pow(x, e - 1));
    store<f64>(dp + o, x == 0 ? 0.0 : gi * load<f64>(y + o) * Math.log(x));
  }
}

/** Cotangents of maximum(a, b): g goes to a where a >= b (or a is NaN), else to b. */
export function np_vjp_maximum(a: usize, b: usize, g: usize, da: usize, db: usize, n: i32): void {
  const end = da + (<usize>n << 3);
  const vend = da + (<usize>(n & ~1) << 3);
  while (da < vend) {
    const x = v128.load(a), y = v128.load(b), gv = v128.load(g);
    const toA = v128.or(f64x2.ge(x, y), f64x2.ne(x, x));
    v128.store(da, v128.and(gv, toA));
    v128.store(db, v128.andnot(gv, toA));
    a += 16; b += 16; g += 16; da += 16; db += 16;
  }
  if (da < end) {
    const x = load<f64>(a), y = load<f64>(b), gi = load<f64>(g);
    const toA = x >= y || x != x;
    store<f64>(da, toA ? gi : 0.0);
    store<f64>(db, toA ? 0.0 : gi);
  }
}

/** Cotangents of minimum(a, b): g goes to a where a <= b (or a is NaN), else to b. */
export function np_vjp_minimum(a: usize, b: usize, g: usize, da: usize, db: usize, n: i32): void {
  const end = da + (<usize>n << 3);
  const vend = da + (<usize>(n & ~1) << 3);
  while (da < vend) {
    const x = v128.load(a), y = v128.load(b), gv = v128.load(g);
    const toA = v128.or(f64x2.le(x, y), f64x2.ne(x, x));
    v128.store(da, v128.and(gv, toA));
    v128.store(db, v128.andnot(gv, toA));
    a += 16; b += 16; g += 16; da += 16; db += 16;
  }
  if (da < end) {
    const x = load<f64>(a), y = load<f64>(b), gi = load<f64>(g);
    const toA = x <= y || x != x;
    store<f64>(da, toA ? gi : 0.0);
    store<f64>(db, toA ? 0.0 : gi);
  }
}

// ---------------------------------------------------------------------------
// Reverse rules of reductions and softmax
// ---------------------------------------------------------------------------

/** Cotangent of a in sum(a): out = g everywhere. */
export function np_vjp_sum(g: f64, out: usize, n: i32): void {
  np_fill(out, g, n);
}

/** Cotangent of a in mean(a): out = g / n everywhere. */
export function np_vjp_mean(g: f64, out: usize, n: i32): void {
  np_fill(out, g / <f64>n, n);
}

/** Cotangent of a in max(a): g at the first maximal element, 0 elsewhere. */
export function np_vjp_max(a: usize, g: f64, out: usize, n: i32): void {
  np_fill(out, 0.0, n);
  const i = np_argmax(a, n);
  if (i >= 0) store<f64>(out + (<usize>i << 3), g);
}

/** Cotangent of a in min(a): g at the first minimal element, 0 elsewhere. */
export function np_vjp_min(a: usize, g: f64, out: usize, n: i32): void {
  np_fill(out, 0.0, n);
  const i = np_argmin(a, n);
  if (i >= 0) store<f64>(out + (<usize>i << 3), g);
}

/** Cotangent of a in logsumexp(a): out = g * softmax(a). */
export function np_vjp_logsumexp(a: usize, g: f64, out: usize, n: i32): void {
  np_softmax(a, out, n);
  np_mul_vs(out, g, out, n);
}

/** Cotangent of a in y = softmax(a): out = y * (g - dot(g, y)). Also the jvp with g = tangent. */
export function np_vjp_softmax(y: usize, g: usize, out: usize, n: i32): void {
  const c = np_dot(g, y, n);
  const cv = f64x2.splat(c);
  const end = out + (<usize>n << 3);
  const vend = out + (<usize>(n & ~1) << 3);
  while (out < vend) {
    v128.store(out, f64x2.mul(v128.load(y), f64x2.sub(v128.load(g), cv)));
    y += 16; g += 16; out += 16;
  }
  if (out < end) store<f64>(out, load<f64>(y) * (load<f64>(g) - c));
}
