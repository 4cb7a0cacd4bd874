// Running one path on one instance: a first call (checked against the reference), then timing.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { compare, flatten } from './compare.js';
import { measure, statsOf, timeOnce, type Budget, type Stats } from './measure.js';
import type { Row, RowStatus } from './types.js';

export interface Mode {
  name: 'quick' | 'full';
  budget: Budget;
  /** Budget for paths whose single call is long compared with `budget.budgetMs`. */
  slowBudget: Budget;
  /** A path whose first call takes longer than this is reported from that one call only. */
  capMs: number;
  /** Alternating rounds of the hand-written and generated JS gradients (`interleave`), each side timed for at least `roundMs`. */
  rounds: number;
  roundMs: number;
}

export const MODES: Record<'quick' | 'full', Mode> = {
  quick: {
    name: 'quick',
    budget: { warmupMs: 30, warmupCalls: 8, warmupMaxMs: 400, budgetMs: 150, sampleMs: 2, minSamples: 3, maxSamples: 20 },
    slowBudget: { warmupMs: 0, budgetMs: 0, sampleMs: 0, minSamples: 3, maxSamples: 3 },
    capMs: 2000,
    rounds: 5,
    roundMs: 10,
  },
  full: {
    name: 'full',
    budget: { warmupMs: 200, warmupCalls: 20, warmupMaxMs: 4000, budgetMs: 1000, sampleMs: 10, minSamples: 7, maxSamples: 100 },
    slowBudget: { warmupMs: 0, budgetMs: 0, sampleMs: 0, minSamples: 3, maxSamples: 3 },
    capMs: 15000,
    rounds: 15,
    roundMs: 50,
  },
};

/** Repository root, removed from messages so that no machine path lands in the results. */
let rootPrefix = '';
export function setRootPrefix(p: string): void {
  rootPrefix = p;
}

/** First line of an error's message, without machine paths. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? `${e.message}` : String(e);
  let line = msg.split('\n').find((l) => l.trim() !== '') ?? msg;
  if (rootPrefix) line = line.split(rootPrefix).join('.');
  line = line.replace(/file:\/\/\S*/g, (m) => m.replace(/^file:\/\/.*\/(?=[^/]+$)/, ''));
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

let gcFn: (() => void) | null | undefined;
function gc(): (() => void) | null {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  return gcFn;
}

/**
 * Bytes of JS heap and ArrayBuffer memory that one call leaves allocated before any collection: an
 * approximation of the tape and result memory of a JS gradient (a collection during the call makes
 * it an underestimate).
 */
export function allocatedBy(fn: () => unknown): number | undefined {
  const collect = gc();
  if (!collect) return undefined;
  collect();
  collect();
  const m0 = process.memoryUsage();
  const keep = fn();
  const m1 = process.memoryUsage();
  void keep;
  return m1.heapUsed - m0.heapUsed + (m1.arrayBuffers - m0.arrayBuffers);
}

export interface PathSpec {
  path: string;
  key: string;
  kind: 'objective' | 'gradient';
  precision: string;
  /** The reference result (flattened) and the tolerance on the max-norm relative error. */
  reference: Float64Array;
  tolerance: number;
  call: () => unknown;
  /** Converts a result to a flat array; `flatten` by default. */
  toFlat?: (r: unknown) => Float64Array;
  objective?: Stats;
  /** Status when the call throws (cotangent: unsupported; peers: failed). */
  onThrow: RowStatus;
  alloc?: boolean;
  note?: string;
}

export function runPath(spec: PathSpec, mode: Mode): Row {
  const row: Row = { path: spec.path, key: spec.key, kind: spec.kind, status: 'ok', precision: spec.precision };
  if (spec.note) row.note = spec.note;
  if (spec.objective) row.objective = spec.objective;
  let first: { value: unknown; ms: number };
  try {
    first = timeOnce(spec.call);
  } catch (e) {
    row.status = spec.onThrow;
    row.note = `${spec.onThrow === 'unsupported' ? 'unsupported' : 'error'}: ${firstLine(e)}`;
    return row;
  }
  let flat: Float64Array;
  try {
    flat = (spec.toFlat ?? flatten)(first.value);
  } catch (e) {
    row.status = 'failed';
    row.note = `FAILED: result has the wrong shape: ${firstLine(e)}`;
    return row;
  }
  const cmp = compare(flat, spec.reference, spec.tolerance);
  row.relErr = cmp.relErr;
  row.tolerance = spec.tolerance;
  if (!cmp.ok) {
    row.status = 'failed';
    row.note = `FAILED: ${cmp.message}`;
    return row;
  }
  try {
    if (first.ms > mode.capMs) {
      row.stats = statsOf([first.ms], 1);
      row.note = [row.note, `one cold call only (> ${mode.capMs / 1000} s cap in ${mode.name} mode)`].filter(Boolean).join('; ');
    } else {
      row.stats = measure(spec.call, mode.budget, mode.slowBudget);
    }
    if (spec.alloc) row.allocBytes = allocatedBy(spec.call);
  } catch (e) {
    row.status = spec.onThrow === 'unsupported' ? 'unsupported' : 'failed';
    row.note = `threw while timing: ${firstLine(e)}`;
    delete row.stats;
  }
  return row;
}

export function skippedRow(path: string, key: string, kind: 'objective' | 'gradient', status: RowStatus, note: string, precision?: string): Row {
  return { path, key, kind, status, note, precision };
}
