// Numeric truth for derivative tests: central finite differences, and
// comparisons with a relative + absolute tolerance.
export type Value = number | Float64Array;

const clone = (args: unknown[]) => args.map((a) => (a instanceof Float64Array ? a.slice() : a));

/** Central difference of scalar `f` w.r.t. argument k (every element if it is an array). */
export function fdGrad(f: (...a: any[]) => number, args: unknown[], k: number, h = 1e-6): Value {
  const a = args[k];
  const at = (delta: number, i?: number) => {
    const c = clone(args);
    if (i === undefined) (c[k] as number) += delta;
    else (c[k] as Float64Array)[i] += delta;
    return f(...c);
  };
  if (typeof a === 'number') {
    const s = h * Math.max(1, Math.abs(a));
    return (at(s) - at(-s)) / (2 * s);
  }
  const arr = a as Float64Array;
  const g = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const s = h * Math.max(1, Math.abs(arr[i]));
    g[i] = (at(s, i) - at(-s, i)) / (2 * s);
  }
  return g;
}

/** Central difference of (possibly array-valued) `f` along direction `dirs` (one per wrt argument). */
export function fdDirectional(f: (...a: any[]) => Value, args: unknown[], wrt: number[], dirs: Value[], h = 1e-6): Value {
  const shifted = (s: number) => {
    const c = clone(args);
    wrt.forEach((k, j) => {
      const d = dirs[j];
      if (typeof c[k] === 'number') (c[k] as number) += s * (d as number);
      else { const arr = c[k] as Float64Array; for (let i = 0; i < arr.length; i++) arr[i] += s * (d as Float64Array)[i]; }
    });
    return f(...c);
  };
  const p = shifted(h), m = shifted(-h);
  if (typeof p === 'number') return (p - (m as number)) / (2 * h);
  return (p as Float64Array).map((x, i) => (x - (m as Float64Array)[i]) / (2 * h));
}

export function dot(a: Value, b: Value): number {
  if (typeof a === 'number') return a * (b as number);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * (b as Float64Array)[i];
  return s;
}

/** Largest violation of |a - b| <= atol + rtol·max(|a|, |b|), as a message, or '' if none. */
export function mismatch(a: Value, b: Value, rtol: number, atol: number): string {
  const as = typeof a === 'number' ? [a] : [...a];
  const bs = typeof b === 'number' ? [b] : [...b];
  if (as.length !== bs.length) return `length ${as.length} vs ${bs.length}`;
  for (let i = 0; i < as.length; i++) {
    const x = as[i], y = bs[i];
    if (Number.isNaN(x) || Number.isNaN(y)) return `NaN at ${i}: ${x} vs ${y}`;
    if (Math.abs(x - y) > atol + rtol * Math.max(Math.abs(x), Math.abs(y))) return `at ${i}: ${x} vs ${y}`;
  }
  return '';
}
