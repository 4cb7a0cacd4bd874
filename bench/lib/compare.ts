// Flattening gradients and comparing them with the reference (the hand-written JS gradient).
import type { Value } from './types.js';

/** Flattens a gradient result (a number, an array, or a list of them) into one Float64Array. */
export function flatten(v: unknown): Float64Array {
  const parts: ArrayLike<number>[] = [];
  const walk = (x: unknown): void => {
    if (typeof x === 'number') parts.push([x]);
    else if (x instanceof Float64Array || x instanceof Float32Array) parts.push(x);
    else if (Array.isArray(x)) {
      if (x.length > 0 && x.every((e) => typeof e === 'number')) parts.push(x as number[]);
      else x.forEach(walk);
    } else if (ArrayBuffer.isView(x)) parts.push(x as unknown as ArrayLike<number>);
    else throw new TypeError(`unexpected gradient value of type ${x === null ? 'null' : typeof x}`);
  };
  walk(v);
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[o + i] = p[i];
    o += p.length;
  }
  return out;
}

/** A result with exactly `count` gradients, as `grad` returns them for one or several wrt indices. */
export function asGradList(v: unknown, count: number): unknown[] {
  if (count === 1) return [v];
  if (!Array.isArray(v)) throw new TypeError(`expected an array of ${count} gradients`);
  if (v.length !== count) throw new TypeError(`expected ${count} gradients, got ${v.length}`);
  return v;
}

export interface Comparison {
  ok: boolean;
  /** max |a - b| / max |b| (a norm-wise relative error). */
  relErr: number;
  message?: string;
}

/** Compares with the reference in the max norm, relative to the reference's max norm. */
export function compare(got: Float64Array, ref: Float64Array, tol: number): Comparison {
  if (got.length !== ref.length) {
    return { ok: false, relErr: Infinity, message: `length ${got.length}, expected ${ref.length}` };
  }
  let scale = 0;
  let err = 0;
  let worst = -1;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i]));
    const e = Math.abs(got[i] - ref[i]);
    if (!(e <= err)) {
      err = Number.isNaN(e) ? Infinity : e;
      worst = i;
    }
  }
  const relErr = err / (scale || 1);
  const ok = relErr <= tol;
  return {
    ok,
    relErr,
    message: ok ? undefined : `max rel. error ${relErr.toExponential(2)} > ${tol.toExponential(0)} (at [${worst}]: ${got[worst]} vs ${ref[worst]})`,
  };
}

export function cloneArgs(args: Value[]): Value[] {
  return args.map((a) => (typeof a === 'number' ? a : a.slice()));
}
