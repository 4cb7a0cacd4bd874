// Input text → argument values, and values → text that shows every digit.

export type ParamType = 'f64' | 'i32' | 'bool' | 'f64[]';
export type Value = number | Float64Array;

/** Default input text for a parameter of this type (when the example gives none). */
export function defaultInput(type: ParamType): string {
  return type === 'f64[]' ? '[1, 2, 3]' : type === 'i32' ? '3' : '1';
}

/**
 * Reads a number (`1.5`, `-2e-3`, `Math.PI` is not accepted) or, for an
 * array parameter, a list (`[1, 2, 3]`, `1 2 3`, `1, 2, 3`).
 */
export function parseInput(text: string, type: ParamType, name: string): Value {
  const trimmed = text.trim();
  if (type === 'f64[]') {
    const body = trimmed.replace(/^\[/, '').replace(/\]$/, '').trim();
    const parts = body === '' ? [] : body.split(/[\s,]+/).filter(Boolean);
    const values = parts.map((p) => toNumber(p, name));
    return Float64Array.from(values);
  }
  const v = toNumber(trimmed, name);
  if (type === 'i32' && !Number.isInteger(v)) throw new InputError(name, `\`${name}\` is used as an integer (size, index or count): got ${trimmed}`);
  return v;
}

function toNumber(token: string, name: string): number {
  // Number('') is 0 and Number('0x10') is 16: accept decimal literals only.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(token) && !/^[-+]?Infinity$/.test(token) && token !== 'NaN') {
    throw new InputError(name, `\`${name}\`: "${token}" is not a number`);
  }
  return Number(token);
}

/** A problem with an input field (shown next to the inputs, not as a compiler error). */
export class InputError extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Every digit that round-trips (`String(x)`), arrays as `[a, b, c]`. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v instanceof Float64Array) return `[${Array.from(v, String).join(', ')}]`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  return String(v);
}

/** JSON that keeps arrays as arrays (NaN and ±Infinity become null, as JSON has no such numbers). */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof Float64Array ? Array.from(x) : x));
}

/** A tangent of ones shaped like `v`. */
export function onesLike(v: Value): Value {
  return typeof v === 'number' ? 1 : new Float64Array(v.length).fill(1);
}

/** Sum of the entries (the inner product with ones). */
export function sumOf(v: Value): number {
  if (typeof v === 'number') return v;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** Largest absolute difference between two values of the same shape (NaN if the shapes differ). */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (a instanceof Float64Array && b instanceof Float64Array && a.length === b.length) {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.reduce((m: number, x, i) => Math.max(m, maxAbsDiff(x, b[i])), 0);
  }
  return NaN;
}

/** Per-call time of `fn`: repeats it for about `budgetMs` (once if a single call is already slow). */
export function timeCalls(fn: () => unknown, budgetMs = 40): { msPerCall: number; calls: number } {
  const now = () => performance.now();
  let t0 = now();
  fn();
  const first = now() - t0;
  if (first > budgetMs) return { msPerCall: first, calls: 1 };
  let calls = 0, batch = 1;
  t0 = now();
  let t = t0;
  while (t - t0 < budgetMs) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    batch *= 2;
    t = now();
  }
  return { msPerCall: (t - t0) / calls, calls };
}

export function formatTime(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toFixed(2)} µs`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}
