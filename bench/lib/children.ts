// Out-of-process paths: the native C GMM (cc -O3) and PyTorch (system python3 with Debian's
// python3-torch). Each child times itself on the same data, written to a temporary file.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statsOf, type Stats } from './measure.js';
import type { Budget } from './measure.js';
import type { Value } from './types.js';

/** Writes the arguments as little-endian doubles: [count, lengths…, arrays…]; numbers have length 1. */
export function writeArgs(path: string, args: Value[]): void {
  const lens = args.map((a) => (typeof a === 'number' ? 1 : a.length));
  const total = 1 + lens.length + lens.reduce((s, n) => s + n, 0);
  const buf = new Float64Array(total);
  buf[0] = args.length;
  lens.forEach((n, i) => (buf[1 + i] = n));
  let o = 1 + lens.length;
  for (const a of args) {
    if (typeof a === 'number') buf[o++] = a;
    else {
      buf.set(a, o);
      o += a.length;
    }
  }
  const bytes = new Uint8Array(buf.buffer);
  // Float64Array uses the platform's byte order; every supported platform is little-endian.
  writeFileSync(path, bytes);
}

export function readDoubles(path: string): Float64Array {
  const b = readFileSync(path);
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export interface ChildTiming {
  gradient: Stats;
  objective: Stats;
}

function toStats(t: { batch: number; samples: number[] }): Stats {
  return statsOf(t.samples, t.batch);
}

export function capped(t: unknown): boolean {
  return !!(t as { capped?: boolean } | undefined)?.capped;
}

// ---------------------------------------------------------------- native C

export interface Native {
  exe?: string;
  error?: string;
  compiler?: string;
}

export function buildNative(benchDir: string, tmp: string): Native {
  const probe = spawnSync('cc', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { error: 'no C compiler (cc) found' };
  const compiler = probe.stdout.split('\n')[0].trim();
  const exe = join(tmp, 'gmm-native');
  const build = spawnSync('cc', ['-O3', '-o', exe, join(benchDir, 'native', 'gmm.c'), '-lm'], { encoding: 'utf8' });
  if (build.status !== 0) return { error: `cc -O3 failed: ${(build.stderr || '').split('\n')[0]}` };
  return { exe, compiler };
}

export function runNative(n: Native, tmp: string, id: string, args: Value[], budget: Budget, timeoutMs: number): { grad: Float64Array; timing: ChildTiming } | { error: string } {
  if (!n.exe) return { error: n.error ?? 'not built' };
  const data = join(tmp, `${id}.bin`);
  const out = join(tmp, `${id}.native.out`);
  writeArgs(data, args);
  const r = spawnSync(
    n.exe,
    [data, out, budget.warmupMs, budget.budgetMs, budget.sampleMs, budget.minSamples, budget.maxSamples].map(String),
    { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 24 },
  );
  if (r.error || r.status !== 0) return { error: `native run failed: ${r.error?.message ?? (r.stderr || '').split('\n')[0]}` };
  const j = JSON.parse(r.stdout) as { objective: { batch: number; samples: number[] }; gradient: { batch: number; samples: number[] } };
  return { grad: readDoubles(out), timing: { gradient: toStats(j.gradient), objective: toStats(j.objective) } };
}

// ---------------------------------------------------------------- PyTorch

export interface Torch {
  python?: string;
  version?: string;
  error?: string;
}

/** The first python3 that imports torch and numpy. Debian's python3-torch imports only in the system python3. */
export function findTorch(): Torch {
  const candidates = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const py of [...new Set(candidates)]) {
    const r = spawnSync(py, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', timeout: 60000 });
    if (!r.error && r.status === 0) return { python: py, version: r.stdout.trim() };
  }
  return { error: 'torch is not importable by python3 (Debian package python3-torch not installed)' };
}

export interface TorchJob {
  id: string;
  problem: string;
  args: Value[];
}

export type TorchResult =
  | { id: string; grad: Float64Array; firstCallMs: number; timing: ChildTiming; threads: number; capped: boolean }
  | { id: string; error: string };

export function runTorch(t: Torch, benchDir: string, tmp: string, jobs: TorchJob[], budget: Budget, slowMinSamples: number, capMs: number, timeoutMs: number): Map<string, TorchResult> {
  const results = new Map<string, TorchResult>();
  if (!t.python) {
    for (const j of jobs) results.set(j.id, { id: j.id, error: t.error ?? 'no torch' });
    return results;
  }
  const manifest = jobs.map((j) => {
    const data = join(tmp, `${j.id}.bin`);
    writeArgs(data, j.args);
    return { id: j.id, problem: j.problem, data, out: join(tmp, `${j.id}.torch.out`), ...budget, slowMinSamples, capMs };
  });
  const mpath = join(tmp, 'torch-manifest.json');
  writeFileSync(mpath, JSON.stringify(manifest));
  const r = spawnSync(t.python, [join(benchDir, 'torch', 'runner.py'), mpath], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  const lines = (r.stdout || '').split('\n').filter((l) => l.startsWith('{'));
  for (const line of lines) {
    const j = JSON.parse(line);
    if (j.error) results.set(j.id, { id: j.id, error: j.error });
    else {
      const job = manifest.find((m) => m.id === j.id)!;
      results.set(j.id, {
        id: j.id,
        grad: readDoubles(job.out),
        firstCallMs: j.firstCallMs,
        threads: j.threads,
        capped: capped(j.gradient),
        timing: { gradient: toStats(j.gradient), objective: toStats(j.objective) },
      });
    }
  }
  const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop() || `exit ${r.status}`;
  for (const j of jobs) if (!results.has(j.id)) results.set(j.id, { id: j.id, error: `python runner did not report: ${why}` });
  return results;
}
