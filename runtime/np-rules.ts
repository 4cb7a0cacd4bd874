/**
 * Derivative rules of the `cotangent/np` operations, as plain functions.
 *
 * Reverse rules (vector-Jacobian products)
 *   `vjp.<op>(...args, dY, y?)` returns a tuple with one cotangent per
 *   differentiable argument, in argument order; integer arguments (sizes,
 *   indices) have none. `dY` is the cotangent of the result, shaped like it
 *   (a number for number-valued results). `y` is the primal result if the
 *   caller already has it; rules that can reuse it do (exp, tanh, sqrt,
 *   sigmoid, softmax, div, pow), the others take no `y`. A cotangent
 *   is shaped like its argument: a number argument of an element-wise
 *   operation gets the sum over the broadcast elements. Every returned array
 *   is new; none aliases an input.
 *
 * Forward rules (Jacobian-vector products)
 *   `jvp.<op>(...args, ...tangents, y?)` takes one tangent per differentiable
 *   argument, in argument order, and returns the tangent of the result.
 *   A tangent of `null` (or `undefined`) means zero: the argument is constant.
 *
 * The table `npOps` lists, for each operation, the kind of each argument and
 * of its result, which says which arguments are differentiable.
 *
 * Non-smooth points (the rules choose one element of the subdifferential):
 * - relu'(0) = 0, and relu'(x) = 0 for x < 0.
 * - abs'(0) = 0 (the derivative is sign(x), with sign(0) = 0).
 * - max / min differentiate through the FIRST maximal / minimal element only
 *   (the one `argmax` / `argmin` return).
 * - maximum(a, b) / minimum(a, b): where a[i] == b[i] the whole derivative goes
 *   to a (ties go to a); where exactly one side is NaN it goes to the NaN side.
 * - sqrt'(0) = +Infinity (times a zero cotangent that gives NaN, as in JAX).
 * - pow(a, p): d/da = p * a^(p-1), taken as 0 when p == 0; d/dp = a^p * log(a),
 *   taken as 0 when a == 0 (the limit from p > 0) and NaN when a < 0.
 * - log'(0) = +Infinity; div by zero follows IEEE arithmetic.
 */

import {
  type ArrayInput, type Operand,
  add, sub, mul, div, neg, exp, sin, cos, sum, mean, argmax, argmin, dot, matvec, matmul,
  transpose, outer, softmax, zeros, full, copy, slice, concat, pow, sqrt, tanh, sigmoid,
  asArray, asOperand, asSize, asNumber, shapeError, sliceBounds, checkMatrix, checkVector,
} from './np.js';

/** A tangent or cotangent: shaped like the value it belongs to. */
export type Cot = number | Float64Array;
/** A tangent that may be absent (zero). */
export type Tangent = Operand | null | undefined;

// ---------------------------------------------------------------------------
// Building blocks (also used by the compiler for specialised adjoints)
// ---------------------------------------------------------------------------

/** Aᵀ·v for a row-major rows×cols matrix A and v of length rows; result has length cols. */
export function vecmat(v: ArrayInput, A: ArrayInput, rows: number, cols: number): Float64Array {
  const x = asArray(v, 'vecmat', 'v');
  const M = asArray(A, 'vecmat', 'A');
  asSize(rows, 'vecmat', 'rows');
  asSize(cols, 'vecmat', 'cols');
  checkMatrix('vecmat', 'A', M, rows, cols, 'rows', 'cols');
  checkVector('vecmat', 'v', x, rows, 'rows');
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const s = x[i], r = i * cols;
    for (let j = 0; j < cols; j++) out[j] += s * M[r + j];
  }
  return out;
}

/** A·Bᵀ where A is row-major m×k and B is row-major n×k; the result is m×n. */
export function matmulNT(A: ArrayInput, B: ArrayInput, m: number, k: number, n: number): Float64Array {
  const X = asArray(A, 'matmulNT', 'A');
  const Y = asArray(B, 'matmulNT', 'B');
  asSize(m, 'matmulNT', 'm');
  asSize(k, 'matmulNT', 'k');
  asSize(n, 'matmulNT', 'n');
  checkMatrix('matmulNT', 'A', X, m, k, 'm', 'k');
  checkMatrix('matmulNT', 'B', Y, n, k, 'n', 'k');
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k, ci = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += X[ai + p] * Y[bj + p];
      out[ci + j] = s;
    }
  }
  return out;
}

/** Aᵀ·B where A is row-major k×m and B is row-major k×n; the result is m×n. */
export function matmulTN(A: ArrayInput, B: ArrayInput, m: number, k: number, n: number): Float64Array {
  const X = asArray(A, 'matmulTN', 'A');
  const Y = asArray(B, 'matmulTN', 'B');
  asSize(m, 'matmulTN', 'm');
  asSize(k, 'matmulTN', 'k');
  asSize(n, 'matmulTN', 'n');
  checkMatrix('matmulTN', 'A', X, k, m, 'k', 'm');
  checkMatrix('matmulTN', 'B', Y, k, n, 'k', 'n');
  const out = new Float64Array(m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m, bp = p * n;
    for (let i = 0; i < m; i++) {
      const s = X[ap + i], ci = i * n;
      for (let j = 0; j < n; j++) out[ci + j] += s * Y[bp + j];
    }
  }
  return out;
}

/** Reduces a cotangent to the shape of the operand it belongs to (sums broadcast elements). */
export function unbroadcast(g: Cot, x: number | Float64Array): Cot {
  if (typeof x === 'number') return typeof g === 'number' ? g : sum(g);
  return typeof g === 'number' ? full(x.length, g) : g.slice();
}

// ---------------------------------------------------------------------------
// Shape checks for tangents and cotangents
// ---------------------------------------------------------------------------

/** Checks that `t` is shaped like `x` (a number, or an array of the same length). */
function like(op: string, name: string, t: unknown, x: number | Float64Array): Cot {
  if (typeof x === 'number') {
    if (typeof t !== 'number') shapeError(op, `${name} must be a number like its primal`);
    return t;
  }
  const v = asArray(t, op, name);
  if (v.length !== x.length) shapeError(op, `${name} has length ${v.length}, expected ${x.length}`);
  return v;
}

/** A present tangent checked against its primal, or null for an absent (zero) one. */
function tangent(op: string, name: string, t: Tangent, x: number | Float64Array): Cot | null {
  return t === null || t === undefined ? null : like(op, name, t, x);
}

function cotNumber(op: string, dY: unknown): number {
  return asNumber(dY, op, 'dY');
}

function cotArray(op: string, dY: unknown, len: number): Float64Array {
  const g = asArray(dY, op, 'dY');
  if (g.length !== len) shapeError(op, `dY has length ${g.length}, expected ${len}`);
  return g;
}

/** The primal result shape of an element-wise binary op: null for a number, else the length. */
function binShape(x: number | Float64Array, y: number | Float64Array): number | null {
  if (typeof x !== 'number') return x.length;
  if (typeof y !== 'number') return y.length;
  return null;
}

function zeroLike(shape: number | null): Cot {
  return shape === null ? 0 : new Float64Array(shape);
}

/** A tangent broadcast to the result shape (a copy). */
function spread(t: Cot, shape: number | null): Cot {
  if (shape === null) return t;
  return typeof t === 'number' ? full(shape, t) : t.slice();
}

function binArgs(op: string, a: Operand, b: Operand, bName = 'b'): [number | Float64Array, number | Float64Array, number | null] {
  const x = asOperand(a, op, 'a');
  const y = asOperand(b, op, bName);
  if (typeof x !== 'number' && typeof y !== 'number' && x.length !== y.length) {
    shapeError(op, `lengths differ (${x.length} vs ${y.length})`);
  }
  return [x, y, binShape(x, y)];
}

function cotShape(op: string, dY: unknown, shape: number | null): Cot {
  return shape === null ? cotNumber(op, dY) : cotArray(op, dY, shape);
}

/** Element i of an operand (numbers broadcast). */
function at(v: number | Float64Array, i: number): number {
  return typeof v === 'number' ? v : v[i];
}

// ---------------------------------------------------------------------------
// Argument kinds
// ---------------------------------------------------------------------------

/**
 * Kinds of arguments and results:
 * - `array`: a Float64Array (or number[]), differentiable;
 * - `operand`: a number or an array, differentiable;
 * - `number`: a number, differentiable;
 * - `size`: a non-negative integer, not differentiable;
 * - `index` / `optIndex`: an integer (optional for `optIndex`), not differentiable.
 * Result `operand` means: a number when every operand argument is a number,
 * else an array.
 */
export type ArgKind = 'array' | 'operand' | 'number' | 'size' | 'index' | 'optIndex';
export type ResultKind = 'array' | 'number' | 'operand';
export interface NpOpInfo {
  readonly args: readonly ArgKind[];
  readonly result: ResultKind;
}

const bin: NpOpInfo = { args: ['operand', 'operand'], result: 'operand' };
const un: NpOpInfo = { args: ['operand'], result: 'operand' };
const red: NpOpInfo = { args: ['array'], result: 'number' };

export const npOps = {
  add: bin, sub: bin, mul: bin, div: bin, pow: bin, maximum: bin, minimum: bin,
  neg: un, exp: un, log: un, sin: un, cos: un, tanh: un, sqrt: un, abs: un, sigmoid: un, relu: un,
  sum: red, mean: red, max: red, min: red, logsumexp: red,
  dot: { args: ['array', 'array'], result: 'number' },
  matvec: { args: ['array', 'array', 'size', 'size'], result: 'array' },
  matmul: { args: ['array', 'array', 'size', 'size', 'size'], result: 'array' },
  transpose: { args: ['array', 'size', 'size'], result: 'array' },
  outer: { args: ['array', 'array'], result: 'array' },
  softmax: { args: ['array'], result: 'array' },
  zeros: { args: ['size'], result: 'array' },
  ones: { args: ['size'], result: 'array' },
  full: { args: ['size', 'number'], result: 'array' },
  fill: { args: ['array', 'number'], result: 'array' },
  copy: { args: ['array'], result: 'array' },
  slice: { args: ['array', 'index', 'optIndex'], result: 'array' },
  concat: { args: ['array', 'array'], result: 'array' },
} as const satisfies Record<string, NpOpInfo>;

export type NpOpName = keyof typeof npOps;

// ---------------------------------------------------------------------------
// Reverse rules
// ---------------------------------------------------------------------------

function unaryVjp(op: string, a: Operand, dY: Cot): [number | Float64Array, Cot] {
  const x = asOperand(a, op, 'a');
  const g = cotShape(op, dY, typeof x === 'number' ? null : x.length);
  return [x, g];
}

function sign(x: number | Float64Array): Cot {
  if (typeof x === 'number') return x > 0 ? 1 : x < 0 ? -1 : 0 * x;
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? 1 : v < 0 ? -1 : 0 * v; }
  return out;
}

export const vjp = {
  add(a: Operand, b: Operand, dY: Cot): [Cot, Cot] {
    const [x, y, shape] = binArgs('add', a, b);
    const g = cotShape('add', dY, shape);
    return [unbroadcast(g, x), unbroadcast(g, y)];
  },
  sub(a: Operand, b: Operand, dY: Cot): [Cot, Cot] {
    const [x, y, shape] = binArgs('sub', a, b);
    const g = cotShape('sub', dY, shape);
    return [unbroadcast(g, x), unbroadcast(neg(g), y)];
  },
  mul(a: Operand, b: Operand, dY: Cot): [Cot, Cot] {
    const [x, y, shape] = binArgs('mul', a, b);
    const g = cotShape('mul', dY, shape);
    return [unbroadcast(mul(g, y), x), unbroadcast(mul(g, x), y)];
  },
  div(a: Operand, b: Operand, dY: Cot, r?: Cot): [Cot, Cot] {
    const [x, y, shape] = binArgs('div', a, b);
    const g = cotShape('div', dY, shape);
    const q = r ?? div(x, y);
    // d(a/b) = da/b - db*(a/b)/b
    const ga = div(g, y);
    return [unbroadcast(ga, x), unbroadcast(neg(mul(ga, q)), y)];
  },
  pow(a: Operand, p: Operand, dY: Cot, r?: Cot): [Cot, Cot] {
    const [x, e, shape] = binArgs('pow', a, p, 'p');
    const g = cotShape('pow', dY, shape);
    const q = r ?? pow(x, e);
    const n = shape ?? 1;
    const da = new Float64Array(n), dp = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = at(x, i), v = at(e, i), gi = at(g, i);
      da[i] = v === 0 ? 0 : gi * v * Math.pow(u, v - 1);
      dp[i] = u === 0 ? 0 : gi * at(q, i) * Math.log(u);
    }
    if (shape === null) return [da[0], dp[0]];
    return [unbroadcast(da, x), unbroadcast(dp, e)];
  },
  maximum(a: Operand, b: Operand, dY: Cot): [Cot, Cot] {
    const [x, y, shape] = binArgs('maximum', a, b);
    const g = cotShape('maximum', dY, shape);
    const n = shape ?? 1;
    const da = new Float64Array(n), db = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = at(x, i), v = at(y, i);
      if (u >= v || u !== u) da[i] = at(g, i); else db[i] = at(g, i);
    }
    if (shape === null) return [da[0], db[0]];
    return [unbroadcast(da, x), unbroadcast(db, y)];
  },
  minimum(a: Operand, b: Operand, dY: Cot): [Cot, Cot] {
    const [x, y, shape] = binArgs('minimum', a, b);
    const g = cotShape('minimum', dY, shape);
    const n = shape ?? 1;
    const da = new Float64Array(n), db = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = at(x, i), v = at(y, i);
      if (u <= v || u !== u) da[i] = at(g, i); else db[i] = at(g, i);
    }
    if (shape === null) return [da[0], db[0]];
    return [unbroadcast(da, x), unbroadcast(db, y)];
  },

  neg(a: Operand, dY: Cot): [Cot] {
    const [, g] = unaryVjp('neg', a, dY);
    return [neg(g)];
  },
  exp(a: Operand, dY: Cot, y?: Cot): [Cot] {
    const [x, g] = unaryVjp('exp', a, dY);
    return [mul(g, y ?? exp(x))];
  },
  log(a: Operand, dY: Cot): [Cot] {
    const [x, g] = unaryVjp('log', a, dY);
    return [div(g, x)];
  },
  sin(a: Operand, dY: Cot): [Cot] {
    const [x, g] = unaryVjp('sin', a, dY);
    return [mul(g, cos(x))];
  },
  cos(a: Operand, dY: Cot): [Cot] {
    const [x, g] = unaryVjp('cos', a, dY);
    return [neg(mul(g, sin(x)))];
  },
  tanh(a: Operand, dY: Cot, y?: Cot): [Cot] {
    const [x, g] = unaryVjp('tanh', a, dY);
    const t = y ?? tanh(x);
    return [mul(g, sub(1, mul(t, t)))];
  },
  sqrt(a: Operand, dY: Cot, y?: Cot): [Cot] {
    const [x, g] = unaryVjp('sqrt', a, dY);
    return [div(g, mul(2, y ?? sqrt(x)))];
  },
  abs(a: Operand, dY: Cot): [Cot] {
    const [x, g] = unaryVjp('abs', a, dY);
    return [mul(g, sign(x))];
  },
  sigmoid(a: Operand, dY: Cot, y?: Cot): [Cot] {
    const [x, g] = unaryVjp('sigmoid', a, dY);
    const s = y ?? sigmoid(x);
    return [mul(g, mul(s, sub(1, s)))];
  },
  relu(a: Operand, dY: Cot): [Cot] {
    const [x, g] = unaryVjp('relu', a, dY);
    if (typeof x === 'number') return [x > 0 ? (g as number) : 0];
    const n = x.length, out = new Float64Array(n), gg = g as Float64Array;
    for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? gg[i] : 0;
    return [out];
  },

  sum(a: ArrayInput, dY: number): [Float64Array] {
    const x = asArray(a, 'sum', 'a');
    return [full(x.length, cotNumber('sum', dY))];
  },
  mean(a: ArrayInput, dY: number): [Float64Array] {
    const x = asArray(a, 'mean', 'a');
    return [full(x.length, cotNumber('mean', dY) / x.length)];
  },
  max(a: ArrayInput, dY: number): [Float64Array] {
    const x = asArray(a, 'max', 'a');
    const g = cotNumber('max', dY);
    if (x.length === 0) shapeError('max', 'empty array (length 0)');
    const out = new Float64Array(x.length);
    out[argmax(x)] = g;
    return [out];
  },
  min(a: ArrayInput, dY: number): [Float64Array] {
    const x = asArray(a, 'min', 'a');
    const g = cotNumber('min', dY);
    if (x.length === 0) shapeError('min', 'empty array (length 0)');
    const out = new Float64Array(x.length);
    out[argmin(x)] = g;
    return [out];
  },
  logsumexp(a: ArrayInput, dY: number): [Float64Array] {
    // softmax(a) rather than exp(a - y): y = logsumexp(a) carries an absolute
    // rounding error of eps*|y|, which exp turns into a relative one.
    const x = asArray(a, 'logsumexp', 'a');
    const g = cotNumber('logsumexp', dY);
    return [mul(g, softmax(x))];
  },

  dot(a: ArrayInput, b: ArrayInput, dY: number): [Float64Array, Float64Array] {
    const x = asArray(a, 'dot', 'a');
    const y = asArray(b, 'dot', 'b');
    if (x.length !== y.length) shapeError('dot', `lengths differ (${x.length} vs ${y.length})`);
    const g = cotNumber('dot', dY);
    return [mul(g, y), mul(g, x)];
  },
  matvec(A: ArrayInput, x: ArrayInput, rows: number, cols: number, dY: Float64Array): [Float64Array, Float64Array] {
    const M = asArray(A, 'matvec', 'A');
    const v = asArray(x, 'matvec', 'x');
    asSize(rows, 'matvec', 'rows');
    asSize(cols, 'matvec', 'cols');
    checkMatrix('matvec', 'A', M, rows, cols, 'rows', 'cols');
    checkVector('matvec', 'x', v, cols, 'cols');
    const g = cotArray('matvec', dY, rows);
    return [outer(g, v), vecmat(g, M, rows, cols)];
  },
  matmul(A: ArrayInput, B: ArrayInput, m: number, k: number, n: number, dY: Float64Array): [Float64Array, Float64Array] {
    const X = asArray(A, 'matmul', 'A');
    const Y = asArray(B, 'matmul', 'B');
    asSize(m, 'matmul', 'm');
    asSize(k, 'matmul', 'k');
    asSize(n, 'matmul', 'n');
    checkMatrix('matmul', 'A', X, m, k, 'm', 'k');
    checkMatrix('matmul', 'B', Y, k, n, 'k', 'n');
    const g = cotArray('matmul', dY, m * n);
    // dA = dY·Bᵀ (m×k), dB = Aᵀ·dY (k×n)
    return [matmulNT(g, Y, m, n, k), matmulTN(X, g, k, m, n)];
  },
  transpose(A: ArrayInput, rows: number, cols: number, dY: Float64Array): [Float64Array] {
    const M = asArray(A, 'transpose', 'A');
    asSize(rows, 'transpose', 'rows');
    asSize(cols, 'transpose', 'cols');
    checkMatrix('transpose', 'A', M, rows, cols, 'rows', 'cols');
    const g = cotArray('transpose', dY, rows * cols);
    return [transpose(g, cols, rows)];
  },
  outer(a: ArrayInput, b: ArrayInput, dY: Float64Array): [Float64Array, Float64Array] {
    const x = asArray(a, 'outer', 'a');
    const y = asArray(b, 'outer', 'b');
    const m = x.length, n = y.length;
    const g = cotArray('outer', dY, m * n);
    return [matvec(g, y, m, n), vecmat(x, g, m, n)];
  },
  softmax(a: ArrayInput, dY: Float64Array, y?: Float64Array): [Float64Array] {
    const x = asArray(a, 'softmax', 'a');
    const n = x.length;
    const g = cotArray('softmax', dY, n);
    const s = y ?? softmax(x);
    const c = dot(g, s);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = s[i] * (g[i] - c);
    return [out];
  },

  zeros(n: number, dY: Float64Array): [] {
    cotArray('zeros', dY, asSize(n, 'zeros', 'n'));
    return [];
  },
  ones(n: number, dY: Float64Array): [] {
    cotArray('ones', dY, asSize(n, 'ones', 'n'));
    return [];
  },
  full(n: number, value: number, dY: Float64Array): [number] {
    asNumber(value, 'full', 'value');
    return [sum(cotArray('full', dY, asSize(n, 'full', 'n')))];
  },
  fill(a: ArrayInput, value: number, dY: Float64Array): [Float64Array, number] {
    const x = asArray(a, 'fill', 'a');
    asNumber(value, 'fill', 'value');
    return [zeros(x.length), sum(cotArray('fill', dY, x.length))];
  },
  copy(a: ArrayInput, dY: Float64Array): [Float64Array] {
    const x = asArray(a, 'copy', 'a');
    return [cotArray('copy', dY, x.length).slice()];
  },
  slice(a: ArrayInput, start: number, end: number | undefined, dY: Float64Array): [Float64Array] {
    const x = asArray(a, 'slice', 'a');
    const [s, e] = sliceBounds('slice', x.length, start, end);
    const out = new Float64Array(x.length);
    out.set(cotArray('slice', dY, e - s), s);
    return [out];
  },
  concat(a: ArrayInput, b: ArrayInput, dY: Float64Array): [Float64Array, Float64Array] {
    const x = asArray(a, 'concat', 'a');
    const y = asArray(b, 'concat', 'b');
    const g = cotArray('concat', dY, x.length + y.length);
    return [g.slice(0, x.length), g.slice(x.length)];
  },
};

// ---------------------------------------------------------------------------
// Forward rules
// ---------------------------------------------------------------------------

function unaryJvp(op: string, a: Operand, ta: Tangent): [number | Float64Array, Cot | null] {
  const x = asOperand(a, op, 'a');
  return [x, tangent(op, 'ta', ta, x)];
}

/** Sum of optional terms, broadcast to the result shape; zero when all are absent. */
function total(shape: number | null, s: Cot | null, t: Cot | null): Cot {
  if (s === null) return t === null ? zeroLike(shape) : spread(t, shape);
  if (t === null) return spread(s, shape);
  return add(s, t);
}

export const jvp = {
  add(a: Operand, b: Operand, ta: Tangent, tb: Tangent): Cot {
    const [x, y, shape] = binArgs('add', a, b);
    return total(shape, tangent('add', 'ta', ta, x), tangent('add', 'tb', tb, y));
  },
  sub(a: Operand, b: Operand, ta: Tangent, tb: Tangent): Cot {
    const [x, y, shape] = binArgs('sub', a, b);
    const u = tangent('sub', 'ta', ta, x), v = tangent('sub', 'tb', tb, y);
    return total(shape, u, v === null ? null : neg(v));
  },
  mul(a: Operand, b: Operand, ta: Tangent, tb: Tangent): Cot {
    const [x, y, shape] = binArgs('mul', a, b);
    const u = tangent('mul', 'ta', ta, x), v = tangent('mul', 'tb', tb, y);
    return total(shape, u === null ? null : mul(u, y), v === null ? null : mul(x, v));
  },
  div(a: Operand, b: Operand, ta: Tangent, tb: Tangent, r?: Cot): Cot {
    const [x, y, shape] = binArgs('div', a, b);
    const u = tangent('div', 'ta', ta, x), v = tangent('div', 'tb', tb, y);
    if (u === null && v === null) return zeroLike(shape);
    // (ta - tb * a/b) / b
    const q = r ?? div(x, y);
    return div(total(shape, u, v === null ? null : neg(mul(v, q))), y);
  },
  pow(a: Operand, p: Operand, ta: Tangent, tp: Tangent, r?: Cot): Cot {
    const [x, e, shape] = binArgs('pow', a, p, 'p');
    const u = tangent('pow', 'ta', ta, x), v = tangent('pow', 'tp', tp, e);
    const q = r ?? pow(x, e);
    const n = shape ?? 1;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const b = at(x, i), c = at(e, i);
      let d = 0;
      if (u !== null && c !== 0) d += at(u, i) * c * Math.pow(b, c - 1);
      if (v !== null && b !== 0) d += at(v, i) * at(q, i) * Math.log(b);
      out[i] = d;
    }
    return shape === null ? out[0] : out;
  },
  maximum(a: Operand, b: Operand, ta: Tangent, tb: Tangent): Cot {
    const [x, y, shape] = binArgs('maximum', a, b);
    const u = tangent('maximum', 'ta', ta, x), v = tangent('maximum', 'tb', tb, y);
    const n = shape ?? 1, out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = at(x, i), t = at(y, i);
      const w = s >= t || s !== s ? u : v;
      out[i] = w === null ? 0 : at(w, i);
    }
    return shape === null ? out[0] : out;
  },
  minimum(a: Operand, b: Operand, ta: Tangent, tb: Tangent): Cot {
    const [x, y, shape] = binArgs('minimum', a, b);
    const u = tangent('minimum', 'ta', ta, x), v = tangent('minimum', 'tb', tb, y);
    const n = shape ?? 1, out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = at(x, i), t = at(y, i);
      const w = s <= t || s !== s ? u : v;
      out[i] = w === null ? 0 : at(w, i);
    }
    return shape === null ? out[0] : out;
  },

  neg(a: Operand, ta: Tangent): Cot {
    const [x, t] = unaryJvp('neg', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : neg(t);
  },
  exp(a: Operand, ta: Tangent, y?: Cot): Cot {
    const [x, t] = unaryJvp('exp', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : mul(t, y ?? exp(x));
  },
  log(a: Operand, ta: Tangent): Cot {
    const [x, t] = unaryJvp('log', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : div(t, x);
  },
  sin(a: Operand, ta: Tangent): Cot {
    const [x, t] = unaryJvp('sin', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : mul(t, cos(x));
  },
  cos(a: Operand, ta: Tangent): Cot {
    const [x, t] = unaryJvp('cos', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : neg(mul(t, sin(x)));
  },
  tanh(a: Operand, ta: Tangent, y?: Cot): Cot {
    const [x, t] = unaryJvp('tanh', a, ta);
    if (t === null) return zeroLike(typeof x === 'number' ? null : x.length);
    const h = y ?? tanh(x);
    return mul(t, sub(1, mul(h, h)));
  },
  sqrt(a: Operand, ta: Tangent, y?: Cot): Cot {
    const [x, t] = unaryJvp('sqrt', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : div(t, mul(2, y ?? sqrt(x)));
  },
  abs(a: Operand, ta: Tangent): Cot {
    const [x, t] = unaryJvp('abs', a, ta);
    return t === null ? zeroLike(typeof x === 'number' ? null : x.length) : mul(t, sign(x));
  },
  sigmoid(a: Operand, ta: Tangent, y?: Cot): Cot {
    const [x, t] = unaryJvp('sigmoid', a, ta);
    if (t === null) return zeroLike(typeof x === 'number' ? null : x.length);
    const s = y ?? sigmoid(x);
    return mul(t, mul(s, sub(1, s)));
  },
  relu(a: Operand, ta: Tangent): Cot {
    const [x, t] = unaryJvp('relu', a, ta);
    if (typeof x === 'number') return t === null || !(x > 0) ? 0 : t;
    const n = x.length, out = new Float64Array(n);
    if (t === null) return out;
    const tt = t as Float64Array;
    for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? tt[i] : 0;
    return out;
  },

  sum(a: ArrayInput, ta: Tangent): number {
    const x = asArray(a, 'sum', 'a');
    const t = tangent('sum', 'ta', ta, x);
    return t === null ? 0 : sum(t as Float64Array);
  },
  mean(a: ArrayInput, ta: Tangent): number {
    const x = asArray(a, 'mean', 'a');
    const t = tangent('mean', 'ta', ta, x);
    return t === null ? 0 : mean(t as Float64Array);
  },
  max(a: ArrayInput, ta: Tangent): number {
    const x = asArray(a, 'max', 'a');
    if (x.length === 0) shapeError('max', 'empty array (length 0)');
    const t = tangent('max', 'ta', ta, x);
    return t === null ? 0 : (t as Float64Array)[argmax(x)];
  },
  min(a: ArrayInput, ta: Tangent): number {
    const x = asArray(a, 'min', 'a');
    if (x.length === 0) shapeError('min', 'empty array (length 0)');
    const t = tangent('min', 'ta', ta, x);
    return t === null ? 0 : (t as Float64Array)[argmin(x)];
  },
  logsumexp(a: ArrayInput, ta: Tangent): number {
    const x = asArray(a, 'logsumexp', 'a');
    const t = tangent('logsumexp', 'ta', ta, x) as Float64Array | null;
    return t === null ? 0 : dot(softmax(x), t);
  },

  dot(a: ArrayInput, b: ArrayInput, ta: Tangent, tb: Tangent): number {
    const x = asArray(a, 'dot', 'a');
    const y = asArray(b, 'dot', 'b');
    if (x.length !== y.length) shapeError('dot', `lengths differ (${x.length} vs ${y.length})`);
    const u = tangent('dot', 'ta', ta, x) as Float64Array | null;
    const v = tangent('dot', 'tb', tb, y) as Float64Array | null;
    return (u === null ? 0 : dot(u, y)) + (v === null ? 0 : dot(x, v));
  },
  matvec(A: ArrayInput, x: ArrayInput, rows: number, cols: number, tA: Tangent, tx: Tangent): Float64Array {
    const M = asArray(A, 'matvec', 'A');
    const v = asArray(x, 'matvec', 'x');
    asSize(rows, 'matvec', 'rows');
    asSize(cols, 'matvec', 'cols');
    checkMatrix('matvec', 'A', M, rows, cols, 'rows', 'cols');
    checkVector('matvec', 'x', v, cols, 'cols');
    const U = tangent('matvec', 'tA', tA, M) as Float64Array | null;
    const w = tangent('matvec', 'tx', tx, v) as Float64Array | null;
    const y = U === null ? new Float64Array(rows) : matvec(U, v, rows, cols);
    if (w !== null) { const z = matvec(M, w, rows, cols); for (let i = 0; i < rows; i++) y[i] += z[i]; }
    return y;
  },
  matmul(A: ArrayInput, B: ArrayInput, m: number, k: number, n: number, tA: Tangent, tB: Tangent): Float64Array {
    const X = asArray(A, 'matmul', 'A');
    const Y = asArray(B, 'matmul', 'B');
    asSize(m, 'matmul', 'm');
    asSize(k, 'matmul', 'k');
    asSize(n, 'matmul', 'n');
    checkMatrix('matmul', 'A', X, m, k, 'm', 'k');
    checkMatrix('matmul', 'B', Y, k, n, 'k', 'n');
    const U = tangent('matmul', 'tA', tA, X) as Float64Array | null;
    const V = tangent('matmul', 'tB', tB, Y) as Float64Array | null;
    const out = U === null ? new Float64Array(m * n) : matmul(U, Y, m, k, n);
    if (V !== null) { const z = matmul(X, V, m, k, n); for (let i = 0; i < m * n; i++) out[i] += z[i]; }
    return out;
  },
  transpose(A: ArrayInput, rows: number, cols: number, tA: Tangent): Float64Array {
    const M = asArray(A, 'transpose', 'A');
    asSize(rows, 'transpose', 'rows');
    asSize(cols, 'transpose', 'cols');
    checkMatrix('transpose', 'A', M, rows, cols, 'rows', 'cols');
    const U = tangent('transpose', 'tA', tA, M) as Float64Array | null;
    return U === null ? new Float64Array(rows * cols) : transpose(U, rows, cols);
  },
  outer(a: ArrayInput, b: ArrayInput, ta: Tangent, tb: Tangent): Float64Array {
    const x = asArray(a, 'outer', 'a');
    const y = asArray(b, 'outer', 'b');
    const u = tangent('outer', 'ta', ta, x) as Float64Array | null;
    const v = tangent('outer', 'tb', tb, y) as Float64Array | null;
    const out = u === null ? new Float64Array(x.length * y.length) : outer(u, y);
    if (v !== null) { const z = outer(x, v); for (let i = 0; i < z.length; i++) out[i] += z[i]; }
    return out;
  },
  softmax(a: ArrayInput, ta: Tangent, y?: Float64Array): Float64Array {
    const x = asArray(a, 'softmax', 'a');
    const t = tangent('softmax', 'ta', ta, x) as Float64Array | null;
    const n = x.length, out = new Float64Array(n);
    if (t === null) return out;
    const s = y ?? softmax(x);
    const c = dot(s, t);
    for (let i = 0; i < n; i++) out[i] = s[i] * (t[i] - c);
    return out;
  },

  zeros(n: number): Float64Array {
    return zeros(n);
  },
  ones(n: number): Float64Array {
    return zeros(n);
  },
  full(n: number, value: number, tvalue: Tangent): Float64Array {
    asNumber(value, 'full', 'value');
    const t = tangent('full', 'tvalue', tvalue, 0) as number | null;
    return full(n, t ?? 0);
  },
  fill(a: ArrayInput, value: number, ta: Tangent, tvalue: Tangent): Float64Array {
    const x = asArray(a, 'fill', 'a');
    asNumber(value, 'fill', 'value');
    tangent('fill', 'ta', ta, x);
    const t = tangent('fill', 'tvalue', tvalue, 0) as number | null;
    return full(x.length, t ?? 0);
  },
  copy(a: ArrayInput, ta: Tangent): Float64Array {
    const x = asArray(a, 'copy', 'a');
    const t = tangent('copy', 'ta', ta, x) as Float64Array | null;
    return t === null ? new Float64Array(x.length) : copy(t);
  },
  slice(a: ArrayInput, start: number, end: number | undefined, ta: Tangent): Float64Array {
    const x = asArray(a, 'slice', 'a');
    const [s, e] = sliceBounds('slice', x.length, start, end);
    const t = tangent('slice', 'ta', ta, x) as Float64Array | null;
    return t === null ? new Float64Array(e - s) : slice(t, s, e);
  },
  concat(a: ArrayInput, b: ArrayInput, ta: Tangent, tb: Tangent): Float64Array {
    const x = asArray(a, 'concat', 'a');
    const y = asArray(b, 'concat', 'b');
    const u = tangent('concat', 'ta', ta, x) as Float64Array | null;
    const v = tangent('concat', 'tb', tb, y) as Float64Array | null;
    return concat(u ?? new Float64Array(x.length), v ?? new Float64Array(y.length));
  },
};
