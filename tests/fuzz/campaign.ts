// Running the random-program property with fast-check: in batches, so a long
// campaign goes on after a failure; each failure is shrunk while it stays the
// same failure (same oracle, same kind of message), so the minimal program
// reproduces the bug that was found rather than some other one.
import fc from 'fast-check';
import type { Program } from './ast.js';
import { arbitraries, type GenOptions } from './generator.js';
import { checkProgram, newStats, OracleFailure, type CheckOptions, type Stats } from './oracles.js';
import { KNOWN_BUGS, printProgram, type KnownBug, type Printed } from './print.js';

export interface Failure {
  /** The oracle and the shape of its message, numbers and names blanked: one per bug. */
  signature: string;
  message: string;
  program: Program;
  printed: Printed;
  /** The batch's fast-check seed and path, to replay. */
  seed: number;
  path: string;
}

/** A failure's signature: the oracle and the message's first line with numbers and identifiers blanked. */
export function signatureOf(e: unknown): string {
  const oracle = e instanceof OracleFailure ? e.oracle : 'crash';
  const first = (e as Error).message.split('\n')[0].replace(/^\[[^\]]*\]\s*/, '');
  const shape = first
    .replace(/`[^`]*`/g, '`_`')
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, '#')
    .replace(/\b[a-z_$][\w$]* is not defined/gi, '_ is not defined')
    .replace(/Float64Array \[[^\]]*\]/g, 'array')
    .slice(0, 80);
  return `${oracle}: ${shape}`;
}

export function property(arb: fc.Arbitrary<Program>, stats: Stats, check: CheckOptions, avoid: ReadonlySet<KnownBug>, only?: string) {
  return fc.asyncProperty(arb, async (p) => {
    const printed = printProgram(p, avoid);
    try {
      await checkProgram(printed, p.seed, stats, check);
    } catch (e) {
      // While shrinking one failure, other failures count as passing.
      if (only !== undefined && signatureOf(e) !== only) return;
      throw e;
    }
  });
}

export interface CampaignOptions {
  runs: number;
  seed: number;
  batch?: number;
  gen?: GenOptions;
  check?: CheckOptions;
  /** Constructs of known bugs to leave out (default: all of KNOWN_BUGS). */
  avoid?: ReadonlySet<KnownBug>;
  /** Called on each new failure (after shrinking). */
  onFailure?: (f: Failure) => void;
  /** Called after each batch. */
  onProgress?: (done: number, stats: Stats, failures: Map<string, number>) => void;
  /** Stop after this many milliseconds. */
  deadline?: number;
}

/** Runs `runs` programs; returns the stats and every distinct failure (shrunk), with how often each was hit. */
export async function campaign(o: CampaignOptions): Promise<{ stats: Stats; failures: Failure[]; hits: Map<string, number>; runs: number }> {
  const arb = arbitraries(o.gen).program;
  const stats = newStats();
  const failures: Failure[] = [];
  const hits = new Map<string, number>();
  const batch = o.batch ?? 200;
  const avoid = o.avoid ?? new Set(KNOWN_BUGS);
  let done = 0;
  for (let b = 0; done < o.runs; b++) {
    if (o.deadline && Date.now() > o.deadline) break;
    const seed = (o.seed + b * 1000003) | 0;
    const numRuns = Math.min(batch, o.runs - done);
    const found = await fc.check(property(arb, stats, o.check ?? {}, avoid), { seed, numRuns, endOnFailure: true });
    done += found.numRuns;
    if (found.failed && found.counterexample) {
      const signature = signatureOf(found.errorInstance);
      hits.set(signature, (hits.get(signature) ?? 0) + 1);
      if (hits.get(signature) === 1) {
        const f = await shrink(arb, o.check ?? {}, avoid, signature, seed, found.counterexamplePath!, numRuns);
        if (f) { failures.push(f); o.onFailure?.(f); }
      }
    }
    o.onProgress?.(done, stats, hits);
  }
  return { stats, failures, hits, runs: done };
}

/** Replays a failing run and shrinks it, counting only failures with the same signature. */
async function shrink(arb: fc.Arbitrary<Program>, check: CheckOptions, avoid: ReadonlySet<KnownBug>, signature: string, seed: number, path: string,
  numRuns: number): Promise<Failure | undefined> {
  const scratch = newStats();
  const r = await fc.check(property(arb, scratch, check, avoid, signature), { seed, path, numRuns });
  if (!r.failed || !r.counterexample) return undefined;
  const [program] = r.counterexample;
  return {
    signature,
    message: (r.errorInstance as Error).message,
    program,
    printed: printProgram(program, avoid),
    seed,
    path: r.counterexamplePath!,
  };
}
