// Helpers for the optimiser's tests: golden files, seeded inputs, and
// comparing a function's results before and after optimisation.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import type { IrFunction, IrModule } from '../../compiler/ir/nodes.js';
import { printFunction, printModule } from '../../compiler/ir/print.js';
import { runModule, type Value } from '../support/interp.js';
import { lowerProgram } from '../../compiler/ir/program.js';
import { parseFunctionValue } from '../../compiler/parse/source.js';
import { runPass } from '../../compiler/opt/pipeline.js';
import { parseIr } from './parse-ir.js';

/**
 * Validation between passes, for the opt suites only: set while a suite runs
 * (uvu imports every test file before running any, so a module-level setting
 * would leak into every other suite of the run).
 */
export function validating(suite: { before: (fn: () => void) => void; after: (fn: () => void) => void }): void {
  suite.before(() => { process.env.COTANGENT_VALIDATE = '1'; });
  suite.after(() => { delete process.env.COTANGENT_VALIDATE; });
}

const here = dirname(fileURLToPath(import.meta.url));

/** Compares text with tests/opt/<folder>/<name>.txt; UPDATE_GOLDEN=1 rewrites the file instead. */
export function golden(folder: string, name: string, text: string): void {
  const file = join(here, folder, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    if (!process.env.UPDATE_GOLDEN && process.env.CI) assert.unreachable(`missing golden file ${folder}/${name}.txt`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.fixture(text, readFileSync(file, 'utf8'), `${folder}/${name}.txt differs (UPDATE_GOLDEN=1 npm test rewrites it)`);
}

/** The golden text of a pass on a function: the IR before, then after. */
export function beforeAfter(pass: string, before: IrFunction | IrModule, after: IrFunction | IrModule): string {
  const p = (x: IrFunction | IrModule) => ('functions' in x ? printModule(x).trimEnd() : printFunction(x));
  return `;; before ${pass}\n${p(before)}\n\n;; after ${pass}\n${p(after)}\n`;
}

/** A small seeded generator (mulberry32), so failures reproduce. */
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

/** Random arguments for a function, by parameter type and name (n… are counts). */
export function randomArgs(fn: IrFunction, r: () => number): Value[] {
  const special = [0, -0, 1, -1, 0.5, 2];
  const scalar = () => (r() < 0.15 ? special[Math.floor(r() * special.length)] : (r() - 0.5) * 6);
  return fn.params.map((p) => {
    if (p.type === 'f64[]') return Float64Array.from({ length: Math.floor(r() * 7) }, scalar);
    if (p.type === 'i32' || p.name.startsWith('n')) return Math.floor(r() * 6);
    return scalar();
  });
}

/**
 * How far apart results may be when a pass adds up in another order (loop-order runs an
 * adjoint loop's sums the other way, combine-adds sums before adding into an element):
 * the bound for optimised vs unoptimised derivatives.
 */
export const REASSOCIATION = 1e-12;
/** The tolerance a pass alone is held to. */
export const toleranceOf = (pass: string): number => (pass === 'loop-order' || pass === 'combine-adds' || pass === 'interchange' ? REASSOCIATION : 0);

/**
 * Same value, bit for bit (NaN equals NaN, -0 differs from +0), arrays element-wise;
 * with a tolerance, finite numbers may differ by that much relative to the larger.
 */
export function same(a: Value | Value[], b: Value | Value[], tolerance = 0): boolean {
  if (Array.isArray(a) || a instanceof Float64Array) {
    const bb = b as ArrayLike<Value>;
    return a.length === bb.length && Array.from(a as ArrayLike<Value>).every((x, i) => same(x, bb[i], tolerance));
  }
  if (Object.is(a, b)) return true;
  if (!tolerance || typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Runs both modules on `trials` seeded inputs and fails on the first
 * difference (beyond `tolerance`, relative). `lenientReads` forgives the raw
 * module reads of unassigned variables (a known producer bug); the optimised
 * one must never do that.
 */
export function assertSameResults(
  label: string, raw: IrModule, opt: IrModule, trials = 40, seed = 1, lenientReads = false,
  makeArgs?: (k: number) => Value[], tolerance = 0,
): void {
  const entry = raw.functions.find((f) => f.name === raw.entry)!;
  const r = rng(seed);
  for (let k = 0; k < trials; k++) {
    const args = makeArgs ? makeArgs(k) : randomArgs(entry, r);
    const want = runModule(raw, args, { lenientReads });
    const got = runModule(opt, args);
    if (!same(want, got, tolerance)) {
      assert.unreachable(`${label}: optimised result differs on ${JSON.stringify(args.map((a) => (a instanceof Float64Array ? Array.from(a) : a)))}: `
        + `${String(got)} instead of ${String(want)}\n${printModule(opt)}`);
    }
  }
}

/** A pass's test case: a user function (lowered with wrt [0]) or hand-written IR text. */
export function moduleOf(input: Function | string): IrModule {
  if (typeof input === 'string') {
    const fn = parseIr(input);
    return { functions: [fn], entry: fn.name };
  }
  return lowerProgram(parseFunctionValue(input), { wrt: [0] }).module;
}

/**
 * Runs one pass alone on every function of the case (validating its output),
 * compares the IR before and after with tests/opt/<pass>/<name>.txt, and
 * checks the results are unchanged on seeded random inputs.
 */
export function checkPass(pass: string, name: string, input: Function | string, trials = 25): IrModule {
  const before = moduleOf(input);
  const after: IrModule = { ...before, functions: before.functions.map((f) => runPass(pass, f, before)) };
  golden(pass, name, beforeAfter(pass, before, after));
  assertSameResults(`${pass} on ${name}`, before, after, trials, 1, false, undefined, toleranceOf(pass));
  return after;
}
