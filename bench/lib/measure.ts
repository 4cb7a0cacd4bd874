// Timing: warm-up, calibrated batches (so sub-microsecond calls are timed accurately), then repeated
// samples until a time budget is spent; the median and quartiles of the per-call time are reported.
//
// A library such as tinybench times every call separately; for the tiny scalar problem (tens of
// nanoseconds per call) the timer's own cost would dominate, so batches are timed here instead.

export interface Budget {
  /** Warm-up time before sampling (ms). */
  warmupMs: number;
  /**
   * At least this many warm-up calls (V8 runs a new function in its interpreter until it has been
   * called often enough: a generated gradient's first calls can be 50–100× slower than later ones)...
   */
  warmupCalls?: number;
  /** ...unless warm-up has already taken this long (ms). */
  warmupMaxMs?: number;
  /** Sampling time (ms). */
  budgetMs: number;
  /** A sample is a batch of calls lasting at least this long (ms). */
  sampleMs: number;
  minSamples: number;
  maxSamples: number;
}

export interface Stats {
  /** Per-call times in ms. */
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  samples: number;
  /** Calls per sample. */
  batch: number;
}

let sink: unknown = null;
/** Keeps results alive so the optimiser cannot drop the work. */
export function consume(v: unknown): void {
  sink = v;
}
export function lastSink(): unknown {
  return sink;
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function statsOf(perCall: number[], batch: number): Stats {
  const s = [...perCall].sort((a, b) => a - b);
  return {
    median: quantile(s, 0.5),
    p25: quantile(s, 0.25),
    p75: quantile(s, 0.75),
    min: s[0],
    max: s[s.length - 1],
    samples: s.length,
    batch,
  };
}

/**
 * Times `fn` after warm-up. The fastest warm-up call (not the first call, which may include a JIT
 * compilation) decides the regime: a call that is long next to `budget.budgetMs` gets the fixed,
 * small sample count of `slow`; a short one is batched so that a sample lasts about `sampleMs`.
 */
export function measure(fn: () => unknown, budget: Budget, slow: Budget = budget): Stats {
  let t0 = nowMs();
  let fastest = Infinity;
  let calls = 0;
  const minCalls = budget.warmupCalls ?? 1;
  const maxMs = budget.warmupMaxMs ?? Infinity;
  for (;;) {
    const a = nowMs();
    consume(fn());
    fastest = Math.min(fastest, nowMs() - a);
    calls++;
    const el = nowMs() - t0;
    if ((el >= budget.warmupMs && calls >= minCalls) || el >= maxMs) break;
  }
  // the fastest warm-up call: a call preempted by another process must not set the regime
  const single = Math.max(fastest, 1e-6);
  const b = single * 3 > budget.budgetMs ? slow : budget;

  // Calibrate the batch so one sample lasts about sampleMs.
  let batch = Math.max(1, Math.floor(b.sampleMs / single));
  if (batch > 1) {
    for (;;) {
      const a = nowMs();
      for (let i = 0; i < batch; i++) consume(fn());
      const el = nowMs() - a;
      if (el >= b.sampleMs * 0.5 || batch > 1e8) break;
      batch *= 2;
    }
  }

  const perCall: number[] = [];
  t0 = nowMs();
  while (perCall.length < b.minSamples || (perCall.length < b.maxSamples && nowMs() - t0 < b.budgetMs)) {
    const a = nowMs();
    for (let i = 0; i < batch; i++) consume(fn());
    perCall.push((nowMs() - a) / batch);
  }
  return statsOf(perCall, batch);
}

/** Times one call (ms) and returns its result. */
export function timeOnce<T>(fn: () => T): { value: T; ms: number } {
  const a = nowMs();
  const value = fn();
  return { value, ms: nowMs() - a };
}

export async function timeOnceAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const a = nowMs();
  const value = await fn();
  return { value, ms: nowMs() - a };
}

/** Per-round ratios b ÷ a from alternating rounds (see `interleave`). */
export interface Interleaved {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/**
 * Times `a` and `b` in alternating rounds, each side for at least `roundMs` (or one call), and returns
 * the ratios b ÷ a of the rounds. Measured one after the other, two functions meet different moments
 * of a shared machine (another process's burst lands in one window); in alternating rounds both see
 * the same drift, so the median ratio is the comparison least disturbed by it.
 */
export function interleave(a: () => unknown, b: () => unknown, rounds: number, roundMs: number): Interleaved {
  const time = (f: () => unknown): number => {
    let reps = 1;
    for (;;) {
      const t0 = nowMs();
      for (let i = 0; i < reps; i++) consume(f());
      const ms = nowMs() - t0;
      if (ms >= roundMs) return ms / reps;
      reps = ms > 0 ? Math.max(reps * 2, Math.ceil((reps * roundMs) / ms)) : reps * 2;
    }
  };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ta = time(a);
    ratios.push(time(b) / ta);
  }
  const s = statsOf(ratios, 1);
  return { median: s.median, min: s.min, max: s.max, rounds };
}
