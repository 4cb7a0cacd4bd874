/** Test helpers shared by the np tests: a seeded RNG and tolerant comparisons. */

/** Small seeded generator (mulberry32): deterministic uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Value = number | Float64Array;

/** Random array of length n, uniform in [lo, hi). */
export function vec(r: () => number, n: number, lo = -2, hi = 2): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** Random value shaped like `x`. */
export function randomLike(r: () => number, x: Value): Value {
  return typeof x === 'number' ? -1 + 2 * r() : vec(r, x.length, -1, 1);
}

/** x + h*v for values of the same shape. */
export function axpy(x: Value, h: number, v: Value): Value {
  if (typeof x === 'number') return x + h * (v as number);
  const out = new Float64Array(x.length), w = v as Float64Array;
  for (let i = 0; i < x.length; i++) out[i] = x[i] + h * w[i];
  return out;
}

/** Inner product of two values of the same shape. */
export function inner(a: Value, b: Value): number {
  if (typeof a === 'number') {
    if (typeof b !== 'number') throw new Error('inner: shape mismatch (number vs array)');
    return a * b;
  }
  if (typeof b === 'number' || a.length !== b.length) throw new Error('inner: shape mismatch');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(x: Value): number {
  if (typeof x === 'number') return Math.abs(x);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/**
 * Largest absolute difference between `got` and `want`, divided by
 * max(1, max|want|). Throws on a shape mismatch.
 */
export function relErr(got: Value, want: Value): number {
  const scale = Math.max(1, maxAbs(want));
  if (typeof want === 'number') {
    if (typeof got !== 'number') throw new Error(`expected a number, got an array of length ${got.length}`);
    if (Object.is(got, want) || got === want || (Number.isNaN(want) && Number.isNaN(got))) return 0;
    return Math.abs(got - want) / scale;
  }
  if (typeof got === 'number') throw new Error(`expected an array of length ${want.length}, got a number`);
  if (got.length !== want.length) throw new Error(`length ${got.length}, expected ${want.length}`);
  let e = 0;
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i] || (Number.isNaN(want[i]) && Number.isNaN(got[i]))) continue;
    e = Math.max(e, Math.abs(got[i] - want[i]));
  }
  return e / scale;
}

/** Throws unless relErr(got, want) <= tol. */
export function close(got: Value, want: Value, tol: number, what: string): void {
  const e = relErr(got, want);
  if (!(e <= tol)) {
    const show = (v: Value) => (typeof v === 'number' ? String(v) : `[${Array.from(v.slice(0, 6)).join(', ')}${v.length > 6 ? ', …' : ''}]`);
    throw new Error(`${what}: relative error ${e} > ${tol}\n  got  ${show(got)}\n  want ${show(want)}`);
  }
}
