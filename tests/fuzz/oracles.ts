// The oracles every random program is checked against, at a few seeded points:
//
//   value     grad's and jvp's preserved value = the program run as plain JS (1e-12)
//   fd        ⟨grad, v⟩ = central differences of the program along v; points
//             where the program is not smooth at the difference scale are skipped
//             (differences at two step sizes, and the one-sided slopes, disagree)
//   opt       optimised = unoptimised (`optimized: false`) to 1e-12 (grad; also
//             jvp and hvp with `full`)
//   jvp       jvp(f)(x, v) = ⟨grad, v⟩ to 1e-9
//   hvp       hvp(f)(x, v) = central differences of grad along v (skipped where
//             grad is not smooth at that scale)
//   pure      the derivative does not write into its arguments, and a second
//             call returns the same bits (the shared tape is left clean)
//   wasm      JS = Wasm through `compile` (grad with its value, and hvp) to 1e-9, with `wasm`
//
// A check throws an OracleFailure naming the oracle; everything else the
// compiler throws on a generated program is a failure of the `compile` oracle.
import * as api from '../../runtime/index.js';
import { fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import * as np from '../../runtime/np.js';
import { Rng } from '../support/rng.js';
import type { ParamSpec, Printed } from './print.js';

export type Value = number | Float64Array;

export class OracleFailure extends Error {
  constructor(readonly oracle: string, detail: string) {
    super(`[${oracle}] ${detail}`);
    this.name = 'OracleFailure';
  }
}

export interface Stats {
  programs: number;
  points: number;
  /** Points whose value was not finite or too large (the program is skipped there). */
  unbounded: number;
  fd: number;
  fdSkipped: number;
  hvp: number;
  hvpSkipped: number;
  wasm: number;
}

export const newStats = (): Stats => ({ programs: 0, points: 0, unbounded: 0, fd: 0, fdSkipped: 0, hvp: 0, hvpSkipped: 0, wasm: 0 });

export interface CheckOptions {
  points?: number;
  /** Also compare jvp and hvp optimised against unoptimised. */
  full?: boolean;
  /** Compare JS against Wasm (needs `compile` in runtime/index.ts). */
  wasm?: boolean;
}

/** `compile` from the public API, when it has landed. */
export const compileApi = (api as Record<string, unknown>).compile as ((g: unknown, o?: unknown) => Promise<(...a: unknown[]) => unknown>) | undefined;

const clone = (args: unknown[]) => args.map((a) => (a instanceof Float64Array ? a.slice() : a));
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** The program's arguments at one seeded point; directions for each wrt argument. */
export function samplePoint(params: ParamSpec[], wrt: number[], seed: number): { args: unknown[]; dirs: Value[] } {
  const r = new Rng(seed);
  const args = params.map((p) => (p.kind === 'num' ? r.uniform(-1.5, 1.5) : p.kind === 'arr' ? r.array(p.len!, -1.5, 1.5) : p.value!));
  const dirs = wrt.map((k) => (typeof args[k] === 'number' ? r.uniform(-1, 1) : r.array((args[k] as Float64Array).length)));
  return { args, dirs };
}

/** The program as plain JavaScript: the reference (cotangent/np passed in as `np`). */
export function reference(p: Printed): (...a: unknown[]) => number {
  return new Function('np', `"use strict";\n${p.js}\nreturn f;`)(np) as (...a: unknown[]) => number;
}

function shifted(args: unknown[], wrt: number[], dirs: Value[], s: number): unknown[] {
  const c = clone(args);
  wrt.forEach((k, j) => {
    const d = dirs[j];
    if (typeof c[k] === 'number') (c[k] as number) += s * (d as number);
    else { const a = c[k] as Float64Array; for (let i = 0; i < a.length; i++) a[i] += s * (d as Float64Array)[i]; }
  });
  return c;
}

const dot = (a: Value, b: Value) => {
  if (typeof a === 'number') return a * (b as number);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * (b as Float64Array)[i];
  return s;
};
const absDot = (a: Value, b: Value) => {
  if (typeof a === 'number') return Math.abs(a * (b as number));
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * (b as Float64Array)[i]);
  return s;
};

/** '' when a and b agree elementwise to |a-b| <= atol + rtol·max(|a|,|b|) (NaN agrees only with NaN). */
export function differ(a: Value, b: Value, rtol: number, atol: number): string {
  const as = typeof a === 'number' ? [a] : [...a];
  const bs = typeof b === 'number' ? [b] : [...(b as Float64Array)];
  if (typeof a !== typeof b || as.length !== bs.length) return `shape ${describe(a)} vs ${describe(b)}`;
  for (let i = 0; i < as.length; i++) {
    const x = as[i], y = bs[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.max(Math.abs(x), Math.abs(y)))) return `at [${i}]: ${x} vs ${y}`;
  }
  return '';
}

export function describe(v: unknown): string {
  if (v instanceof Float64Array) return `Float64Array [${[...v].join(', ')}]`;
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  return String(v);
}

function same(label: string, a: Value, b: Value, rtol: number, atol: number, ctx: () => string): void {
  const m = differ(a, b, rtol, atol);
  if (m) throw new OracleFailure(label, `${m}\n${ctx()}`);
}

/** Checks one printed program at `points` seeded points; adds to `stats`. Throws OracleFailure. */
export async function checkProgram(p: Printed, seed: number, stats: Stats, opts: CheckOptions = {}): Promise<void> {
  const wrt = list(p.wrt);
  const f = reference(p);
  const derived = compileAll(p, wrt, !!opts.full);
  if (opts.wasm && compileApi) await compileWasm(derived);
  stats.programs++;
  const points = opts.points ?? 2;
  for (let pt = 0; pt < points; pt++) {
    const { args, dirs } = samplePoint(p.params, wrt, seed * 7919 + pt);
    await checkPoint(p, f, derived, wrt, args, dirs, stats, opts);
  }
}

interface Derived {
  g: api.Derivative; graw: api.Derivative; j: api.Derivative; h: api.Derivative; jraw?: api.Derivative; hraw?: api.Derivative;
  /** grad and hvp compiled to WebAssembly. */
  wg?: (...a: unknown[]) => unknown; wh?: (...a: unknown[]) => unknown;
}

function compileAll(p: Printed, wrt: number[], full: boolean): Derived {
  try {
    const sf = fromSource(p.source, 'f', 'fuzz.ts');
    const k = wrt[0];
    return {
      g: grad(sf, { wrt: p.wrt, preserveResult: true }),
      graw: grad(sf, { wrt: p.wrt, preserveResult: true, optimized: false }),
      j: jvp(sf, { wrt: p.wrt, preserveResult: true }),
      h: hvp(sf, { wrt: k }),
      jraw: full ? jvp(sf, { wrt: p.wrt, optimized: false }) : undefined,
      hraw: full ? hvp(sf, { wrt: k, optimized: false }) : undefined,
    };
  } catch (e) {
    throw new OracleFailure('compile', `${(e as Error).name}: ${(e as Error).message}`);
  }
}

/** Calls a derivative; a throw is a failure of `oracle`. */
function call(oracle: string, d: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  try {
    return d(...args);
  } catch (e) {
    throw new OracleFailure(oracle, `calling it threw ${(e as Error).name}: ${(e as Error).message}`);
  }
}

async function checkPoint(p: Printed, f: (...a: unknown[]) => number, d: Derived, wrt: number[], args: unknown[], dirs: Value[],
  stats: Stats, opts: CheckOptions): Promise<void> {
  const ctx = () => `at args ${describe(args)}, directions ${describe(dirs)}`;
  const value = f(...clone(args));
  if (!Number.isFinite(value) || Math.abs(value) > 1e6) { stats.unbounded++; return; }
  stats.points++;
  const before = clone(args);
  const [G, gv] = call('grad', d.g, args) as [Value | Value[], number];
  same('pure', describe(args) === describe(before) ? 0 : 1, 0, 0, 0, () => `grad wrote into its arguments: ${describe(before)} became ${describe(args)}`);
  const grads = Array.isArray(p.wrt) ? (G as Value[]) : [G as Value];
  same('value', gv, value, 1e-12, 1e-14, () => `grad's preserved value vs the program, ${ctx()}`);
  const again = call('grad', d.g, args) as [Value | Value[], number];
  same('pure', describe(again[0]) === describe(G) ? 0 : 1, 0, 0, 0, () => `a second call gave ${describe(again[0])}, the first ${describe(G)}, ${ctx()}`);
  const [Graw] = call('grad (unoptimised)', d.graw, args) as [Value | Value[], number];
  const raws = Array.isArray(p.wrt) ? (Graw as Value[]) : [Graw as Value];
  grads.forEach((g, i) => same('opt', g, raws[i], 1e-12, 1e-300, () => `grad optimised vs unoptimised, ∂/∂${p.params[wrt[i]].name}, ${ctx()}`));

  // Forward against reverse.
  const directional = grads.reduce<number>((s, g, i) => s + dot(g, dirs[i]), 0);
  const scale = grads.reduce<number>((s, g, i) => s + absDot(g, dirs[i]), 0);
  const [tangent, jv] = call('jvp', d.j, [...args, ...dirs]) as [number, number];
  same('value', jv, value, 1e-12, 1e-14, () => `jvp's preserved value vs the program, ${ctx()}`);
  same('jvp', tangent, directional, 0, 1e-9 * scale + 1e-13, () => `jvp vs ⟨grad, v⟩ (scale ${scale}), ${ctx()}`);
  if (d.jraw) same('opt', call('jvp (unoptimised)', d.jraw, [...args, ...dirs]) as number, tangent, 1e-12, 1e-300, () => `jvp optimised vs unoptimised, ${ctx()}`);

  checkFd(f, args, wrt, dirs, directional, value, stats, ctx);
  checkHvp(d, grads, wrt, args, dirs[0], stats, ctx);
  if (d.wg) checkWasm(d, args, dirs[0], [G, gv], stats, ctx);
}

/** ⟨grad, v⟩ against central differences of the program, where it is smooth at that scale (else counted as skipped). */
export function checkFd(f: (...a: unknown[]) => number, args: unknown[], wrt: number[], dirs: Value[], directional: number, value: number,
  stats: Stats, ctx: () => string): void {
  const at = (s: number) => f(...shifted(args, wrt, dirs, s));
  const central = (h: number) => (at(h) - at(-h)) / (2 * h);
  const fd1 = central(1e-6), fd2 = central(4e-6);
  const h3 = 1e-8;
  const fwd = (at(h3) - value) / h3, bwd = (value - at(-h3)) / h3;
  const tol = 1e-5 * Math.max(Math.abs(fd1), Math.abs(directional)) + 1e-6 * (1 + Math.abs(value));
  const smooth = Number.isFinite(fd1) && Math.abs(fd1 - fd2) <= 0.1 * tol && Math.abs(fwd - bwd) <= 1e-4 * (1 + Math.abs(fd1)) + 1e-6 * (1 + Math.abs(value));
  if (!smooth) { stats.fdSkipped++; return; }
  stats.fd++;
  if (!(Math.abs(directional - fd1) <= tol)) {
    throw new OracleFailure('fd', `⟨grad, v⟩ = ${directional} but central differences give ${fd1} (and ${fd2} at 4x the step), ${ctx()}`);
  }
}

/** hvp along the first wrt argument's direction against central differences of grad. */
function checkHvp(d: Derived, grads: Value[], wrt: number[], args: unknown[], v: Value, stats: Stats, ctx: () => string): void {
  const k = wrt[0];
  const H = call('hvp', d.h, [...args, v]) as Value;
  if (d.hraw) same('opt', call('hvp (unoptimised)', d.hraw, [...args, v]) as Value, H, 1e-12, 1e-300, () => `hvp optimised vs unoptimised, ${ctx()}`);
  const gradAt = (s: number): Value => {
    const [G] = call('grad', d.g, shifted(args, [k], [v], s)) as [Value | Value[], number];
    return Array.isArray(G) ? G[0] : G;
  };
  const fdOf = (h: number): Value => {
    const a = gradAt(h), b = gradAt(-h);
    return typeof a === 'number' ? (a - (b as number)) / (2 * h) : a.map((x, i) => (x - (b as Float64Array)[i]) / (2 * h));
  };
  const fd1 = fdOf(1e-5), fd2 = fdOf(4e-5);
  const g0 = grads[0];
  const mag = typeof g0 === 'number' ? Math.abs(g0) : g0.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const atol = 1e-5 * (1 + mag);
  const finite = typeof fd1 === 'number' ? Number.isFinite(fd1) : fd1.every(Number.isFinite);
  if (!finite || differ(fd1, fd2, 1e-5, 0.1 * atol) !== '') { stats.hvpSkipped++; return; }
  stats.hvp++;
  same('hvp', H, fd1, 1e-4, atol, () => `hvp along v vs central differences of grad (∂/∂${String(k)}), ${ctx()}`);
}

/** grad and hvp through `compile` (runtime/index.ts): the same functions, computed by WebAssembly. */
async function compileWasm(d: Derived): Promise<void> {
  try {
    d.wg = await compileApi!(d.g);
    d.wh = await compileApi!(d.h);
  } catch (e) {
    throw new OracleFailure('wasm', `compile threw ${(e as Error).name}: ${(e as Error).message}`);
  }
}

/**
 * JS against Wasm, for grad (with its value) and hvp. Wasm's Math functions are
 * not V8's (they may differ by an ulp, which the program can amplify), so the
 * tolerance is 1e-9 relative rather than bit-for-bit.
 */
function checkWasm(d: Derived, args: unknown[], v: Value, js: [Value | Value[], number], stats: Stats, ctx: () => string): void {
  const [Gw, vw] = call('wasm', d.wg!, args) as [Value | Value[], number];
  same('wasm', vw, js[1], 1e-9, 1e-12, () => `JS vs Wasm value, ${ctx()}`);
  const as = Array.isArray(js[0]) ? js[0] : [js[0]];
  const ws = Array.isArray(Gw) ? Gw : [Gw];
  if (as.length !== ws.length) throw new OracleFailure('wasm', `JS gives ${as.length} gradients, Wasm ${ws.length}, ${ctx()}`);
  as.forEach((x, i) => same('wasm', ws[i], x, 1e-9, 1e-12, () => `JS vs Wasm gradient ${i}, ${ctx()}`));
  const Hj = call('hvp', d.h, [...args, v]) as Value;
  const Hw = call('wasm', d.wh!, [...args, v]) as Value;
  same('wasm', Hw, Hj, 1e-9, 1e-12, () => `JS vs Wasm hvp, ${ctx()}`);
  stats.wasm++;
}
