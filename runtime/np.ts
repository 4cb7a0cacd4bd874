/**
 * `cotangent/np`: array operations over `Float64Array` with known derivatives.
 *
 * Conventions
 * - An array is a `Float64Array`. A plain `number[]` is accepted wherever an
 *   array is expected and is copied (its elements must all be numbers).
 * - Matrices are row-major; their dimensions are passed as integer arguments.
 * - Element-wise binary operations (`add sub mul div pow maximum minimum`)
 *   accept a number or an array on either side. An array combined with a
 *   number applies the number to every element; two arrays must have the
 *   same length. Two numbers give a number.
 * - Element-wise unary operations accept a number too and then return a number.
 * - Every array result is a new `Float64Array`; inputs are never modified.
 * - Shape and kind errors throw a `TypeError` whose message starts with
 *   `np.<operation>:` and names the argument and the sizes involved.
 *
 * These are the implementations the generated JavaScript calls, so they are
 * plain loops with no callbacks. The derivative rules live in `np-rules.ts`.
 */

/** Marks this module, so the compiler recognises `np` passed in `scope` even without the module object at hand. */
export const COTANGENT_NP = 'cotangent/np';

/** Anything accepted where an array is expected. */
export type ArrayInput = Float64Array | readonly number[];
/** An element-wise operand: a number or an array. */
export type Operand = number | ArrayInput;

// ---------------------------------------------------------------------------
// Argument checking
// ---------------------------------------------------------------------------

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}`;
  if (typeof x === 'object') return 'object';
  return typeof x;
}

/** Throws `TypeError("np.<op>: <message>")`. */
export function shapeError(op: string, message: string): never {
  throw new TypeError(`np.${op}: ${message}`);
}

function isFloat64Array(x: unknown): x is Float64Array {
  return x instanceof Float64Array || Object.prototype.toString.call(x) === '[object Float64Array]';
}

/**
 * Returns `x` as a `Float64Array`: itself if it already is one, a copy if it
 * is a `number[]`. Anything else throws a `TypeError` naming `op` and `name`.
 */
export function asArray(x: unknown, op: string, name: string): Float64Array {
  if (isFloat64Array(x)) return x;
  if (Array.isArray(x)) {
    const n = x.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v: unknown = x[i];
      if (typeof v !== 'number') {
        shapeError(op, `${name}[${i}] must be a number (got ${describe(v)})`);
      }
      out[i] = v;
    }
    return out;
  }
  return shapeError(op, `${name} must be a Float64Array or number[] (got ${describe(x)})`);
}

/** Like `asArray`, but a number is also allowed and returned unchanged. */
export function asOperand(x: unknown, op: string, name: string): number | Float64Array {
  if (typeof x === 'number') return x;
  if (isFloat64Array(x) || Array.isArray(x)) return asArray(x, op, name);
  return shapeError(op, `${name} must be a number, Float64Array or number[] (got ${describe(x)})`);
}

/** Checks that `x` is a number. */
export function asNumber(x: unknown, op: string, name: string): number {
  if (typeof x !== 'number') shapeError(op, `${name} must be a number (got ${describe(x)})`);
  return x;
}

/** Checks that `x` is a non-negative integer (a size). */
export function asSize(x: unknown, op: string, name: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) {
    shapeError(op, `${name} must be a non-negative integer (got ${typeof x === 'number' ? x : describe(x)})`);
  }
  return x;
}

function sameLength(op: string, a: Float64Array, b: Float64Array): void {
  if (a.length !== b.length) shapeError(op, `lengths differ (${a.length} vs ${b.length})`);
}

/** Checks that a matrix argument has `rows * cols` elements. */
export function checkMatrix(op: string, name: string, M: Float64Array, rows: number, cols: number,
  rowsName: string, colsName: string): void {
  if (M.length !== rows * cols) {
    shapeError(op, `${name} has length ${M.length}, expected ${rowsName}*${colsName} = ${rows}*${cols} = ${rows * cols}`);
  }
}

/** Checks that a vector argument has length `len`. */
export function checkVector(op: string, name: string, v: Float64Array, len: number, lenName: string): void {
  if (v.length !== len) shapeError(op, `${name} has length ${v.length}, expected ${lenName} = ${len}`);
}

// ---------------------------------------------------------------------------
// Element-wise binary operations
// ---------------------------------------------------------------------------

export function add(a: number, b: number): number;
export function add(a: ArrayInput, b: Operand): Float64Array;
export function add(a: Operand, b: ArrayInput): Float64Array;
export function add(a: Operand, b: Operand): number | Float64Array;
export function add(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'add', 'a');
  const y = asOperand(b, 'add', 'b');
  if (typeof x === 'number') {
    if (typeof y === 'number') return x + y;
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x + y[i];
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) out[i] = x[i] + y;
    return out;
  }
  sameLength('add', x, y);
  for (let i = 0; i < n; i++) out[i] = x[i] + y[i];
  return out;
}

export function sub(a: number, b: number): number;
export function sub(a: ArrayInput, b: Operand): Float64Array;
export function sub(a: Operand, b: ArrayInput): Float64Array;
export function sub(a: Operand, b: Operand): number | Float64Array;
export function sub(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'sub', 'a');
  const y = asOperand(b, 'sub', 'b');
  if (typeof x === 'number') {
    if (typeof y === 'number') return x - y;
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x - y[i];
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) out[i] = x[i] - y;
    return out;
  }
  sameLength('sub', x, y);
  for (let i = 0; i < n; i++) out[i] = x[i] - y[i];
  return out;
}

export function mul(a: number, b: number): number;
export function mul(a: ArrayInput, b: Operand): Float64Array;
export function mul(a: Operand, b: ArrayInput): Float64Array;
export function mul(a: Operand, b: Operand): number | Float64Array;
export function mul(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'mul', 'a');
  const y = asOperand(b, 'mul', 'b');
  if (typeof x === 'number') {
    if (typeof y === 'number') return x * y;
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x * y[i];
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) out[i] = x[i] * y;
    return out;
  }
  sameLength('mul', x, y);
  for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
  return out;
}

export function div(a: number, b: number): number;
export function div(a: ArrayInput, b: Operand): Float64Array;
export function div(a: Operand, b: ArrayInput): Float64Array;
export function div(a: Operand, b: Operand): number | Float64Array;
export function div(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'div', 'a');
  const y = asOperand(b, 'div', 'b');
  if (typeof x === 'number') {
    if (typeof y === 'number') return x / y;
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x / y[i];
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) out[i] = x[i] / y;
    return out;
  }
  sameLength('div', x, y);
  for (let i = 0; i < n; i++) out[i] = x[i] / y[i];
  return out;
}

/** Element-wise `a ** p`; either side may be a number. */
export function pow(a: number, p: number): number;
export function pow(a: ArrayInput, p: Operand): Float64Array;
export function pow(a: Operand, p: ArrayInput): Float64Array;
export function pow(a: Operand, p: Operand): number | Float64Array;
export function pow(a: Operand, p: Operand): number | Float64Array {
  const x = asOperand(a, 'pow', 'a');
  const y = asOperand(p, 'pow', 'p');
  if (typeof x === 'number') {
    if (typeof y === 'number') return Math.pow(x, y);
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.pow(x, y[i]);
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) out[i] = Math.pow(x[i], y);
    return out;
  }
  sameLength('pow', x, y);
  for (let i = 0; i < n; i++) out[i] = Math.pow(x[i], y[i]);
  return out;
}

/**
 * Element-wise maximum. Where `a[i] >= b[i]` the result is `a[i]` (ties go to
 * `a`, which is what the derivative rule uses); a NaN on either side gives NaN.
 */
export function maximum(a: number, b: number): number;
export function maximum(a: ArrayInput, b: Operand): Float64Array;
export function maximum(a: Operand, b: ArrayInput): Float64Array;
export function maximum(a: Operand, b: Operand): number | Float64Array;
export function maximum(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'maximum', 'a');
  const y = asOperand(b, 'maximum', 'b');
  if (typeof x === 'number') {
    if (typeof y === 'number') return x >= y || x !== x ? x : y;
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) { const v = y[i]; out[i] = x >= v || x !== x ? x : v; }
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) { const u = x[i]; out[i] = u >= y || u !== u ? u : y; }
    return out;
  }
  sameLength('maximum', x, y);
  for (let i = 0; i < n; i++) { const u = x[i], v = y[i]; out[i] = u >= v || u !== u ? u : v; }
  return out;
}

/**
 * Element-wise minimum. Where `a[i] <= b[i]` the result is `a[i]` (ties go to
 * `a`); a NaN on either side gives NaN.
 */
export function minimum(a: number, b: number): number;
export function minimum(a: ArrayInput, b: Operand): Float64Array;
export function minimum(a: Operand, b: ArrayInput): Float64Array;
export function minimum(a: Operand, b: Operand): number | Float64Array;
export function minimum(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'minimum', 'a');
  const y = asOperand(b, 'minimum', 'b');
  if (typeof x === 'number') {
    if (typeof y === 'number') return x <= y || x !== x ? x : y;
    const n = y.length, out = new Float64Array(n);
    for (let i = 0; i < n; i++) { const v = y[i]; out[i] = x <= v || x !== x ? x : v; }
    return out;
  }
  const n = x.length, out = new Float64Array(n);
  if (typeof y === 'number') {
    for (let i = 0; i < n; i++) { const u = x[i]; out[i] = u <= y || u !== u ? u : y; }
    return out;
  }
  sameLength('minimum', x, y);
  for (let i = 0; i < n; i++) { const u = x[i], v = y[i]; out[i] = u <= v || u !== u ? u : v; }
  return out;
}

// ---------------------------------------------------------------------------
// Element-wise unary operations
// ---------------------------------------------------------------------------

export function neg(a: number): number;
export function neg(a: ArrayInput): Float64Array;
export function neg(a: Operand): number | Float64Array;
export function neg(a: Operand): number | Float64Array {
  const x = asOperand(a, 'neg', 'a');
  if (typeof x === 'number') return -x;
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -x[i];
  return out;
}

export function exp(a: number): number;
export function exp(a: ArrayInput): Float64Array;
export function exp(a: Operand): number | Float64Array;
export function exp(a: Operand): number | Float64Array {
  const x = asOperand(a, 'exp', 'a');
  if (typeof x === 'number') return Math.exp(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
  return out;
}

export function log(a: number): number;
export function log(a: ArrayInput): Float64Array;
export function log(a: Operand): number | Float64Array;
export function log(a: Operand): number | Float64Array {
  const x = asOperand(a, 'log', 'a');
  if (typeof x === 'number') return Math.log(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
  return out;
}

export function sin(a: number): number;
export function sin(a: ArrayInput): Float64Array;
export function sin(a: Operand): number | Float64Array;
export function sin(a: Operand): number | Float64Array {
  const x = asOperand(a, 'sin', 'a');
  if (typeof x === 'number') return Math.sin(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
  return out;
}

export function cos(a: number): number;
export function cos(a: ArrayInput): Float64Array;
export function cos(a: Operand): number | Float64Array;
export function cos(a: Operand): number | Float64Array {
  const x = asOperand(a, 'cos', 'a');
  if (typeof x === 'number') return Math.cos(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
  return out;
}

export function tanh(a: number): number;
export function tanh(a: ArrayInput): Float64Array;
export function tanh(a: Operand): number | Float64Array;
export function tanh(a: Operand): number | Float64Array {
  const x = asOperand(a, 'tanh', 'a');
  if (typeof x === 'number') return Math.tanh(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
  return out;
}

export function sqrt(a: number): number;
export function sqrt(a: ArrayInput): Float64Array;
export function sqrt(a: Operand): number | Float64Array;
export function sqrt(a: Operand): number | Float64Array {
  const x = asOperand(a, 'sqrt', 'a');
  if (typeof x === 'number') return Math.sqrt(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
  return out;
}

export function abs(a: number): number;
export function abs(a: ArrayInput): Float64Array;
export function abs(a: Operand): number | Float64Array;
export function abs(a: Operand): number | Float64Array {
  const x = asOperand(a, 'abs', 'a');
  if (typeof x === 'number') return Math.abs(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
  return out;
}

/** The logistic function 1 / (1 + e^-x), evaluated without overflow for large |x|. */
export function sigmoid1(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Element-wise logistic function 1 / (1 + e^-a), stable for large |a|. */
export function sigmoid(a: number): number;
export function sigmoid(a: ArrayInput): Float64Array;
export function sigmoid(a: Operand): number | Float64Array;
export function sigmoid(a: Operand): number | Float64Array {
  const x = asOperand(a, 'sigmoid', 'a');
  if (typeof x === 'number') return sigmoid1(x);
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v >= 0) {
      out[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
  return out;
}

/** Element-wise max(a, 0). relu(-0) is +0 and relu(NaN) is NaN. */
export function relu(a: number): number;
export function relu(a: ArrayInput): Float64Array;
export function relu(a: Operand): number | Float64Array;
export function relu(a: Operand): number | Float64Array {
  const x = asOperand(a, 'relu', 'a');
  if (typeof x === 'number') return x <= 0 ? 0 : x;
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v <= 0 ? 0 : v; }
  return out;
}

// ---------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------

/** Sum of the elements (0 for an empty array). */
export function sum(a: ArrayInput): number {
  const x = asArray(a, 'sum', 'a');
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}

/** Arithmetic mean (NaN for an empty array). */
export function mean(a: ArrayInput): number {
  const x = asArray(a, 'mean', 'a');
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s / n;
}

/**
 * Index of the first maximal element; the index of the first NaN if there is
 * one; -1 for an empty array. This is the element `max` differentiates through.
 */
export function argmax(a: ArrayInput): number {
  const x = asArray(a, 'argmax', 'a');
  const n = x.length;
  if (n === 0) return -1;
  let best = x[0], at = 0;
  if (best !== best) return 0;
  for (let i = 1; i < n; i++) {
    const v = x[i];
    if (v > best) { best = v; at = i; } else if (v !== v) return i;
  }
  return at;
}

/** Index of the first minimal element (first NaN if any; -1 if empty). */
export function argmin(a: ArrayInput): number {
  const x = asArray(a, 'argmin', 'a');
  const n = x.length;
  if (n === 0) return -1;
  let best = x[0], at = 0;
  if (best !== best) return 0;
  for (let i = 1; i < n; i++) {
    const v = x[i];
    if (v < best) { best = v; at = i; } else if (v !== v) return i;
  }
  return at;
}

/** Largest element (NaN if any element is NaN). An empty array is an error. */
export function max(a: ArrayInput): number {
  const x = asArray(a, 'max', 'a');
  if (x.length === 0) shapeError('max', 'empty array (length 0)');
  return x[argmax(x)];
}

/** Smallest element (NaN if any element is NaN). An empty array is an error. */
export function min(a: ArrayInput): number {
  const x = asArray(a, 'min', 'a');
  if (x.length === 0) shapeError('min', 'empty array (length 0)');
  return x[argmin(x)];
}

/** log(sum(exp(a))), computed as m + log(sum(exp(a - m))) with m = max(a). -Infinity if empty. */
export function logsumexp(a: ArrayInput): number {
  const x = asArray(a, 'logsumexp', 'a');
  const n = x.length;
  if (n === 0) return -Infinity;
  const m = x[argmax(x)];
  if (m === Infinity || m === -Infinity || m !== m) return m;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[i] - m);
  return m + Math.log(s);
}

// ---------------------------------------------------------------------------
// Linear algebra
// ---------------------------------------------------------------------------

/** Inner product of two equal-length arrays. */
export function dot(a: ArrayInput, b: ArrayInput): number {
  const x = asArray(a, 'dot', 'a');
  const y = asArray(b, 'dot', 'b');
  sameLength('dot', x, y);
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

/** A·x for a row-major rows×cols matrix A; the result has length rows. */
export function matvec(A: ArrayInput, x: ArrayInput, rows: number, cols: number): Float64Array {
  const M = asArray(A, 'matvec', 'A');
  const v = asArray(x, 'matvec', 'x');
  asSize(rows, 'matvec', 'rows');
  asSize(cols, 'matvec', 'cols');
  checkMatrix('matvec', 'A', M, rows, cols, 'rows', 'cols');
  checkVector('matvec', 'x', v, cols, 'cols');
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += M[r + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** A·B for row-major A (m×k) and B (k×n); the result is m×n. */
export function matmul(A: ArrayInput, B: ArrayInput, m: number, k: number, n: number): Float64Array {
  const X = asArray(A, 'matmul', 'A');
  const Y = asArray(B, 'matmul', 'B');
  asSize(m, 'matmul', 'm');
  asSize(k, 'matmul', 'k');
  asSize(n, 'matmul', 'n');
  checkMatrix('matmul', 'A', X, m, k, 'm', 'k');
  checkMatrix('matmul', 'B', Y, k, n, 'k', 'n');
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k, ci = i * n;
    for (let p = 0; p < k; p++) {
      const s = X[ai + p], bp = p * n;
      for (let j = 0; j < n; j++) out[ci + j] += s * Y[bp + j];
    }
  }
  return out;
}

/** The transpose of a row-major rows×cols matrix: a cols×rows matrix. */
export function transpose(A: ArrayInput, rows: number, cols: number): Float64Array {
  const M = asArray(A, 'transpose', 'A');
  asSize(rows, 'transpose', 'rows');
  asSize(cols, 'transpose', 'cols');
  checkMatrix('transpose', 'A', M, rows, cols, 'rows', 'cols');
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = M[r + j];
  }
  return out;
}

/** Outer product a·bᵀ: a row-major a.length × b.length matrix. */
export function outer(a: ArrayInput, b: ArrayInput): Float64Array {
  const x = asArray(a, 'outer', 'a');
  const y = asArray(b, 'outer', 'b');
  const m = x.length, n = y.length;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const s = x[i], r = i * n;
    for (let j = 0; j < n; j++) out[r + j] = s * y[j];
  }
  return out;
}

/** exp(a - max(a)) / sum(exp(a - max(a))). */
export function softmax(a: ArrayInput): Float64Array {
  const x = asArray(a, 'softmax', 'a');
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const m = x[argmax(x)];
  let s = 0;
  for (let i = 0; i < n; i++) { const e = Math.exp(x[i] - m); out[i] = e; s += e; }
  for (let i = 0; i < n; i++) out[i] /= s;
  return out;
}

// ---------------------------------------------------------------------------
// Constructors, copies, slices
// ---------------------------------------------------------------------------

/** A new array of n zeros. */
export function zeros(n: number): Float64Array {
  asSize(n, 'zeros', 'n');
  return new Float64Array(n);
}

/** A new array of n ones. */
export function ones(n: number): Float64Array {
  asSize(n, 'ones', 'n');
  return new Float64Array(n).fill(1);
}

/** A new array of n copies of value. */
export function full(n: number, value: number): Float64Array {
  asSize(n, 'full', 'n');
  asNumber(value, 'full', 'value');
  return new Float64Array(n).fill(value);
}

/**
 * A new array shaped like `a` with every element set to `value` (NumPy's
 * `full_like`). `a` itself is not modified: cotangent arrays are values.
 */
export function fill(a: ArrayInput, value: number): Float64Array {
  const x = asArray(a, 'fill', 'a');
  asNumber(value, 'fill', 'value');
  return new Float64Array(x.length).fill(value);
}

/** A new array with the same elements. */
export function copy(a: ArrayInput): Float64Array {
  const x = asArray(a, 'copy', 'a');
  return x === a ? x.slice() : x;
}

/**
 * Resolves slice bounds the way `TypedArray.prototype.slice` does: negative
 * values count from the end, out-of-range values are clamped, and an omitted
 * end means the length. Returns [start, end] with 0 <= start <= end <= length.
 */
export function sliceBounds(op: string, length: number, start: number, end?: number): [number, number] {
  if (typeof start !== 'number' || !Number.isInteger(start)) {
    shapeError(op, `start must be an integer (got ${typeof start === 'number' ? start : describe(start)})`);
  }
  if (end !== undefined && (typeof end !== 'number' || !Number.isInteger(end))) {
    shapeError(op, `end must be an integer (got ${typeof end === 'number' ? end : describe(end)})`);
  }
  const s = start < 0 ? Math.max(length + start, 0) : Math.min(start, length);
  let e = end === undefined ? length : end < 0 ? Math.max(length + end, 0) : Math.min(end, length);
  if (e < s) e = s;
  return [s, e];
}

/** Elements start..end-1 of a 1-D array as a new array (negative indices count from the end). */
export function slice(a: ArrayInput, start: number, end?: number): Float64Array {
  const x = asArray(a, 'slice', 'a');
  const [s, e] = sliceBounds('slice', x.length, start, end);
  return x.slice(s, e);
}

/** The elements of a followed by those of b. */
export function concat(a: ArrayInput, b: ArrayInput): Float64Array {
  const x = asArray(a, 'concat', 'a');
  const y = asArray(b, 'concat', 'b');
  const out = new Float64Array(x.length + y.length);
  out.set(x, 0);
  out.set(y, x.length);
  return out;
}

// ---------------------------------------------------------------------------
// Building blocks of the derivatives the compiler writes (also usable directly)
// ---------------------------------------------------------------------------

export { vecmat, matmulNT, matmulTN } from './np-rules.js';

/** Element-wise sign: -1, 0 or 1 (0 at 0, NaN at NaN). */
export function sign(a: number): number;
export function sign(a: ArrayInput): Float64Array;
export function sign(a: Operand): number | Float64Array;
export function sign(a: Operand): number | Float64Array {
  const x = asOperand(a, 'sign', 'a');
  if (typeof x === 'number') return Math.sign(x);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.sign(x[i]);
  return out;
}

/** Element-wise 1 where a ≥ b and 0 elsewhere (the mask `maximum` sends its adjoint through; ties go to a). */
export function atLeast(a: Operand, b: Operand): number | Float64Array {
  const x = asOperand(a, 'atLeast', 'a');
  const y = asOperand(b, 'atLeast', 'b');
  if (typeof x === 'number' && typeof y === 'number') return x >= y ? 1 : 0;
  const n = typeof x === 'number' ? (y as Float64Array).length : x.length;
  if (typeof x !== 'number' && typeof y !== 'number' && x.length !== y.length) shapeError('atLeast', `lengths differ (${x.length} vs ${y.length})`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (typeof x === 'number' ? x : x[i]) >= (typeof y === 'number' ? y : y[i]) ? 1 : 0;
  return out;
}

/** An array of n zeros with `value` at index i. */
export function onehot(n: number, i: number, value: number): Float64Array {
  asSize(n, 'onehot', 'n');
  const out = new Float64Array(n);
  if (i < 0 || i >= n || !Number.isInteger(i)) shapeError('onehot', `index ${i} is out of range for length ${n}`);
  out[i] = asNumber(value, 'onehot', 'value');
  return out;
}

/** An array of n zeros with g written at start..end (or from start on), the adjoint of `slice`; bounds as `slice` reads them. */
export function embed(g: ArrayInput, n: number, start: number, end?: number): Float64Array {
  const x = asArray(g, 'embed', 'g');
  asSize(n, 'embed', 'n');
  // Without an end, g fills from start on.
  const [s, e0] = sliceBounds('embed', n, start, end);
  const e = end === undefined ? Math.min(s + x.length, n) : e0;
  if (e - s !== x.length) shapeError('embed', `g has length ${x.length}, the slice ${s}..${e} has ${e - s}`);
  const out = new Float64Array(n);
  out.set(x, s);
  return out;
}
