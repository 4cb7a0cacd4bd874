// `npm run bench [-- --quick] [-- --only=REGEX] [-- --no-peers] [-- --readme]`
//
// Runs every benchmark problem through every path side by side in this one process (the native C and
// PyTorch paths in child processes that time themselves on the same data), checks each path's
// gradient against the hand-written JS gradient before timing it, and writes a Markdown table to
// stdout plus JSON, Markdown and an SVG chart to bench/results/. Progress goes to stderr.
//
// Order of work: all pure-JS paths first, then Wasm (cotangent), then the in-process peers, then the
// child processes. Growing or detaching a Wasm memory's ArrayBuffer slows later JS typed-array loops
// in the same process, so the hand-written JS gradient is re-timed at the end and both figures shown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problems } from './problems/index.js';
import { asGradList, cloneArgs, compare, flatten } from './lib/compare.js';
import { loadCotangent, wasmVariants, type Cotangent } from './lib/cotangent.js';
import { buildNative, findTorch, runNative, runTorch, type Native, type TorchJob } from './lib/children.js';
import { interleave, measure, statsOf, timeOnce, timeOnceAsync, type Stats } from './lib/measure.js';
import { firstLine, MODES, runPath, setRootPrefix, skippedRow, type Mode } from './lib/paths.js';
import { loadJax, loadTfjs, quietly } from './lib/peers.js';
import { markdown, svgChart, type Results, type RunInfo } from './lib/report.js';
import { wrtList, type InstanceResult, type PeerName, type Problem, type Row, type SizeSpec, type Value } from './lib/types.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
setRootPrefix(root);

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (flag('help')) {
  process.stdout.write(
    [
      'usage: npm run bench -- [--quick] [--only=REGEX] [--no-peers] [--no-install] [--readme]',
      '  --quick       smoke run (< 2 min): smaller budgets, the largest GMM left out',
      '  --only=RE     run only instances whose id matches RE (ids: gmm-d10-K25, ba-small, rosenbrock-n1e5, ...)',
      '  --no-peers    skip TensorFlow.js, jax-js, PyTorch and C',
      '  --no-install  do not run `npm ci --prefix bench` when bench/node_modules is missing',
      '  --all-peers   also run peer formulations marked as not run (see peerSkip in bench/problems)',
      '  --readme      update the results section of bench/README.md (full runs always do)',
      '  --rerender    only rebuild results/<mode>.md, .svg (and the README section) from results/<mode>.json',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const mode: Mode = flag('quick') ? MODES.quick : MODES.full;
const only = option('only') ? new RegExp(option('only')!) : null;
const withPeers = !flag('no-peers');
const started = performance.now();
const log = (s: string) => process.stderr.write(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${s}\n`);
const loadAtStart = os.loadavg()[0];
const notes: string[] = [];
const peerInfo: Record<string, string> = {};

// ---------------------------------------------------------------- peers installation

function ensurePeers(): void {
  if (!withPeers) return;
  if (existsSync(join(benchDir, 'node_modules'))) return;
  if (flag('no-install')) {
    notes.push('bench/node_modules is missing and --no-install was given: in-process peers skipped.');
    return;
  }
  log('bench/node_modules is missing: installing the peers with `npm ci --prefix bench` (once) ...');
  const r = spawnSync('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
  if (r.error || r.status !== 0) notes.push(`\`npm ci --prefix bench\` failed (${r.error?.message ?? `exit ${r.status}`}): in-process peers skipped.`);
}

// ---------------------------------------------------------------- instances

interface Instance {
  problem: Problem;
  size: SizeSpec;
  id: string;
  args: Value[];
  /** The hand-written gradient, flattened: the reference for every path. */
  ref: Float64Array;
  refValue: number;
  result: InstanceResult;
  gradFn?: unknown;
  gradError?: string;
}

function seedOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

function makeInstances(): Instance[] {
  const list: Instance[] = [];
  for (const problem of problems) {
    for (const size of problem.sizes) {
      if (mode.name === 'quick' && !size.quick) continue;
      const id = `${problem.id}-${size.key}`;
      if (only && !only.test(id)) continue;
      const args = problem.generate(size.params, seedOf(id));
      list.push({
        problem,
        size,
        id,
        args,
        ref: flatten(problem.handGrad(...args)),
        refValue: problem.f(...args),
        result: { id, problem: problem.id, title: problem.title, label: size.label, rows: [] },
      });
    }
  }
  return list;
}

const TOL_F64 = 1e-8;
const TOL_JAX = 1e-3; // jax-js's f64 exp/log/sin/cos/tanh are float32-accurate (≈1e-7), amplified by conditioning (BA: ≈1e-4)
const TOL_F32 = 1e-2;

function sameArgs(a: Value[], b: Value[]): boolean {
  return a.every((v, i) => (typeof v === 'number' ? v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i] as number)) : compare(v, b[i] as Float64Array, 0).relErr === 0));
}

/** Runs a cotangent path on its own copy of the arguments and fails it if it mutates them. */
function cotangentPath(inst: Instance, row: Row, args: Value[]): Row {
  if (row.status === 'ok' && !sameArgs(args, inst.args)) {
    return { ...row, status: 'failed', note: 'FAILED: the call modified its input arrays', stats: undefined };
  }
  return row;
}

// ---------------------------------------------------------------- phase A: plain JS

function phaseJs(insts: Instance[], cot: Cotangent): void {
  let firstGrad = true;
  for (const inst of insts) {
    const { problem: p, args } = inst;
    log(`[js] ${inst.id}`);
    const obj = runPath(
      { path: 'JS objective', key: 'js-objective', kind: 'objective', precision: 'f64', reference: Float64Array.of(inst.refValue), tolerance: 1e-12, call: () => p.f(...args), onThrow: 'failed' },
      mode,
    );
    inst.result.rows.push(obj);
    inst.result.rows.push(
      runPath(
        { path: 'hand-written JS gradient', key: 'hand-js', kind: 'gradient', precision: 'f64', reference: inst.ref, tolerance: 0, call: () => p.handGrad(...args), objective: obj.stats, onThrow: 'failed', alloc: true },
        mode,
      ),
    );
    const wrt = wrtList(p);
    if (cot.error || !cot.grad) {
      inst.gradError = cot.error ?? 'no grad';
      inst.result.rows.push(skippedRow('cotangent JS gradient', 'cotangent-js', 'gradient', 'unsupported', `unsupported: ${inst.gradError}`, 'f64'));
      continue;
    }
    inst.result.compile = { gradCold: firstGrad };
    firstGrad = false;
    try {
      const t = timeOnce(() => cot.grad!(p.f, { scope: p.scope, wrt: p.wrt }));
      inst.gradFn = t.value;
      inst.result.compile.gradMs = t.ms;
    } catch (e) {
      inst.gradError = `grad(): ${firstLine(e)}`;
      inst.result.compile.error = inst.gradError;
      inst.result.rows.push(skippedRow('cotangent JS gradient', 'cotangent-js', 'gradient', 'unsupported', `unsupported: ${firstLine(e)}`, 'f64'));
      continue;
    }
    const g = inst.gradFn as (...a: Value[]) => unknown;
    const own = cloneArgs(args);
    const row = runPath(
      {
        path: 'cotangent JS gradient',
        key: 'cotangent-js',
        kind: 'gradient',
        precision: 'f64',
        reference: inst.ref,
        tolerance: TOL_F64,
        call: () => g(...own),
        toFlat: (r) => flatten(asGradList(r, wrt.length)),
        objective: obj.stats,
        onThrow: 'unsupported',
        alloc: true,
      },
      mode,
    );
    inst.result.rows.push(cotangentPath(inst, row, own));
    if (row.status === 'ok' && inst.result.rows.some((r) => r.key === 'hand-js' && r.status === 'ok')) {
      inst.result.jsVsHand = interleave(() => p.handGrad(...args), () => g(...own), mode.rounds, mode.roundMs);
    }
  }
}

// ---------------------------------------------------------------- phase B: cotangent Wasm

async function phaseWasm(insts: Instance[], cot: Cotangent): Promise<void> {
  const variants = wasmVariants(cot);
  let firstCompile = true;
  for (const inst of insts) {
    const { problem: p } = inst;
    log(`[wasm] ${inst.id}`);
    const wrt = wrtList(p);
    const unsupportedAll = (why: string) => {
      inst.result.rows.push(skippedRow('cotangent Wasm objective', 'cotangent-wasm-objective', 'objective', 'unsupported', `unsupported: ${why}`, 'f64'));
      for (const v of variants) inst.result.rows.push(skippedRow(v.path, v.key, 'gradient', 'unsupported', `unsupported: ${why}`, 'f64'));
    };
    if (cot.error || !cot.compile) {
      unsupportedAll(cot.error ?? 'runtime/index.ts exports no compile');
    } else {
      const compile = cot.compile;
      const lat = (inst.result.compile ??= {});
      // objective
      let objStats: Stats | undefined;
      try {
        const own = cloneArgs(inst.args);
        const t = await timeOnceAsync(() => compile(p.f, { scope: p.scope }));
        if (firstCompile) lat.cold = true;
        firstCompile = false;
        lat.objectiveMs = t.ms;
        const wf = t.value as (...a: Value[]) => number;
        const row = runPath(
          { path: 'cotangent Wasm objective', key: 'cotangent-wasm-objective', kind: 'objective', precision: 'f64', reference: Float64Array.of(inst.refValue), tolerance: 1e-9, call: () => wf(...own), onThrow: 'unsupported' },
          mode,
        );
        objStats = row.stats;
        inst.result.rows.push(cotangentPath(inst, row, own));
      } catch (e) {
        inst.result.rows.push(skippedRow('cotangent Wasm objective', 'cotangent-wasm-objective', 'objective', 'unsupported', `unsupported: ${firstLine(e)}`, 'f64'));
      }
      // gradient variants
      for (const v of variants) {
        if (!inst.gradFn) {
          inst.result.rows.push(skippedRow(v.path, v.key, 'gradient', 'unsupported', `unsupported: ${inst.gradError ?? 'grad() failed'}`, 'f64'));
          continue;
        }
        try {
          const own = cloneArgs(inst.args);
          const t = await timeOnceAsync(() => compile(inst.gradFn, v.opts));
          if (firstCompile) lat.cold = true;
          firstCompile = false;
          (lat.gradientMs ??= {})[v.key] = t.ms;
          const wg = t.value as (...a: Value[]) => unknown;
          const row = runPath(
            {
              path: v.path,
              key: v.key,
              kind: 'gradient',
              precision: 'f64',
              reference: inst.ref,
              tolerance: TOL_F64,
              call: () => wg(...own),
              toFlat: (r) => flatten(asGradList(r, wrt.length)),
              objective: objStats,
              onThrow: 'unsupported',
            },
            mode,
          );
          inst.result.rows.push(cotangentPath(inst, row, own));
          if (v === variants[0]) inst.result.rows.push(inWasmMemory(inst, wg, v.path, objStats));
          const again = await timeOnceAsync(() => compile(inst.gradFn, v.opts));
          (lat.repeatMs ??= {})[v.key] = again.ms;
        } catch (e) {
          inst.result.rows.push(skippedRow(v.path, v.key, 'gradient', 'unsupported', `unsupported: ${firstLine(e)}`, 'f64'));
        }
      }
    }
    if (!cot.simdOption) {
      inst.result.rows.push(skippedRow('cotangent Wasm, SIMD on / off', 'cotangent-wasm-simd', 'gradient', 'n/a', 'n/a: the runtime declares no `simd` option', 'f64'));
    }
  }
}

/**
 * The same compiled gradient with its array arguments placed in the module's memory once (the
 * runtime's `alloc`), so that a call copies no input: the compute-only figure, comparable with C.
 */
function inWasmMemory(inst: Instance, wg: any, variantPath: string, objStats: Stats | undefined): Row {
  const path = `${variantPath}, inputs in Wasm memory`;
  const key = 'cotangent-wasm-inplace';
  if (typeof wg.alloc !== 'function') return skippedRow(path, key, 'gradient', 'n/a', 'n/a: the compiled function has no alloc()', 'f64');
  const views: Float64Array[] = [];
  try {
    const args = inst.args.map((a) => {
      if (typeof a === 'number') return a;
      const v = wg.alloc(a.length) as Float64Array;
      v.set(a);
      views.push(v);
      return v;
    });
    const wrt = wrtList(inst.problem);
    return runPath(
      {
        path,
        key,
        kind: 'gradient',
        precision: 'f64',
        reference: inst.ref,
        tolerance: TOL_F64,
        call: () => wg(...args),
        toFlat: (r) => flatten(asGradList(r, wrt.length)),
        objective: objStats,
        onThrow: 'unsupported',
        note: 'objective for grad / obj: the compiled objective with copies',
      },
      mode,
    );
  } catch (e) {
    return skippedRow(path, key, 'gradient', 'unsupported', `unsupported: ${firstLine(e)}`, 'f64');
  } finally {
    for (const v of views) {
      try {
        wg.free(v);
      } catch {
        /* ignore */
      }
    }
  }
}

// ---------------------------------------------------------------- phase C: in-process peers

function skipReason(p: Problem, peer: PeerName): string | undefined {
  if (p.peerSkip?.[peer] && !flag('all-peers')) return `not run: ${p.peerSkip[peer]} (--all-peers runs it)`;
  if (mode.name === 'quick' && p.quickSkip?.[peer]) return `skipped in quick mode: ${p.quickSkip[peer]}`;
  return undefined;
}

function peerObjective(call: () => unknown): Stats | undefined {
  try {
    const first = timeOnce(call);
    if (first.ms > mode.capMs) return statsOf([first.ms], 1);
    return measure(call, mode.budget, mode.slowBudget);
  } catch {
    return undefined;
  }
}

async function phaseTfjs(insts: Instance[]): Promise<void> {
  const tfl = await loadTfjs(benchDir);
  const backends: Array<[string, string]> = [
    ['cpu', 'tfjs-cpu'],
    ['wasm', 'tfjs-wasm'],
  ];
  for (const [backend, key] of backends) {
    const path = `TensorFlow.js ${backend} backend`;
    let why = tfl.error ? `could not load @tensorflow/tfjs: ${tfl.error}` : backend === 'wasm' && tfl.wasmError ? `could not load tfjs-backend-wasm: ${tfl.wasmError}` : '';
    const tf = tfl.mod;
    if (!why) {
      try {
        const ok = await quietly(async () => {
          const r = await tf.setBackend(backend);
          await tf.ready();
          return r;
        });
        if (!ok || tf.getBackend() !== backend) why = `tf.setBackend('${backend}') failed`;
      } catch (e) {
        why = `tf.setBackend('${backend}'): ${firstLine(e)}`;
      }
    }
    if (!why) peerInfo[`TensorFlow.js`] = `${tfl.version} (float32; tf.grads, gradients read back with dataSync)`;
    for (const inst of insts) {
      const p = inst.problem;
      if (why) {
        inst.result.rows.push(skippedRow(path, key, 'gradient', 'skipped', `skipped: ${why}`, 'f32'));
        continue;
      }
      if (!p.tfjs) {
        inst.result.rows.push(skippedRow(path, key, 'gradient', 'n/a', p.peerNotes?.tfjs ?? 'not expressed with TensorFlow.js ops', 'f32'));
        continue;
      }
      const skip = skipReason(p, 'tfjs');
      if (skip) {
        inst.result.rows.push(skippedRow(path, key, 'gradient', 'skipped', skip, 'f32'));
        continue;
      }
      log(`[${key}] ${inst.id}`);
      let prog: ReturnType<NonNullable<Problem['tfjs']>> | undefined;
      try {
        prog = await quietly(() => p.tfjs!(tf, inst.args));
        const gfn = tf.grads(prog.loss);
        const params = prog.params;
        const call = () => {
          const gs = gfn(params);
          const out = gs.map((t: any) => t.dataSync());
          tf.dispose(gs);
          return out;
        };
        const loss = prog.loss;
        const objective = peerObjective(() => {
          const l = tf.tidy(() => loss(...params));
          const v = l.dataSync();
          l.dispose();
          return v;
        });
        const before = tf.memory().numTensors;
        const row = await quietly(() =>
          runPath({ path, key, kind: 'gradient', precision: 'f32', reference: inst.ref, tolerance: TOL_F32, call, objective, onThrow: 'unsupported', note: p.peerNotes?.tfjs }, mode),
        );
        const leaked = tf.memory().numTensors - before;
        if (leaked > 0) row.note = [row.note, `${leaked} tensors leaked`].filter(Boolean).join('; ');
        inst.result.rows.push(row);
      } catch (e) {
        inst.result.rows.push(skippedRow(path, key, 'gradient', 'unsupported', `error: ${firstLine(e)}`, 'f32'));
      } finally {
        try {
          prog?.dispose();
        } catch {
          /* already gone */
        }
      }
    }
  }
}

async function phaseJax(insts: Instance[]): Promise<void> {
  const jl = await loadJax(benchDir);
  const path = 'jax-js jit(grad(f)), Wasm';
  if (!jl.error) peerInfo['jax-js'] = `${jl.version} (wasm device, float64, jit(grad(f)); its f64 transcendental functions are float32-accurate, so it is checked to ${TOL_JAX})`;
  for (const inst of insts) {
    const p = inst.problem;
    if (jl.error) {
      inst.result.rows.push(skippedRow(path, 'jax-js', 'gradient', 'skipped', `skipped: could not load @jax-js/jax: ${jl.error}`, 'f64'));
      continue;
    }
    if (!p.jax) {
      inst.result.rows.push(skippedRow(path, 'jax-js', 'gradient', 'n/a', p.peerNotes?.jax ?? 'not expressed with jax-js ops', 'f64'));
      continue;
    }
    const skip = skipReason(p, 'jax');
    if (skip) {
      inst.result.rows.push(skippedRow(path, 'jax-js', 'gradient', 'skipped', skip, 'f64'));
      continue;
    }
    log(`[jax-js] ${inst.id}`);
    const jax = jl.mod;
    let prog: ReturnType<NonNullable<Problem['jax']>> | undefined;
    let gfn: any;
    let ofn: any;
    try {
      prog = p.jax(jax, inst.args);
      const P = prog.params.length;
      gfn = jax.jit(jax.grad(prog.loss, { argnums: [...Array(P).keys()] }));
      ofn = jax.jit(prog.loss);
      const { params, consts } = prog;
      const call = () => {
        const gs = gfn(...params.map((a: any) => a.ref), ...consts.map((a: any) => a.ref));
        const list = Array.isArray(gs) ? gs : [gs];
        return list.map((g: any) => g.dataSync());
      };
      const objective = peerObjective(() => ofn(...params.map((a: any) => a.ref), ...consts.map((a: any) => a.ref)).dataSync());
      inst.result.rows.push(
        await quietly(() => runPath({ path, key: 'jax-js', kind: 'gradient', precision: 'f64', reference: inst.ref, tolerance: TOL_JAX, call, objective, onThrow: 'unsupported', note: p.peerNotes?.jax }, mode)),
      );
    } catch (e) {
      inst.result.rows.push(skippedRow(path, 'jax-js', 'gradient', 'unsupported', `error: ${firstLine(e)}`, 'f64'));
    } finally {
      for (const x of [gfn, ofn, prog]) {
        try {
          x?.dispose?.();
        } catch {
          /* ignore */
        }
      }
    }
  }
}

// ---------------------------------------------------------------- phase D: child processes

function phaseChildren(insts: Instance[], tmp: string): void {
  // native C (GMM only)
  const gmm = insts.filter((i) => i.problem.native);
  let native: Native | undefined;
  if (gmm.length) {
    native = buildNative(benchDir, tmp);
    if (native.compiler) peerInfo['C'] = `${native.compiler}, -O3 (GMM objective and hand-derived gradient; the child times itself)`;
  }
  for (const inst of gmm) {
    const path = 'C -O3, hand-written gradient';
    if (!native?.exe) {
      inst.result.rows.push(skippedRow(path, 'native-c', 'gradient', 'skipped', `skipped: ${native?.error}`, 'f64'));
      continue;
    }
    log(`[native] ${inst.id}`);
    const r = runNative(native, tmp, inst.id, inst.args, mode.budget, 30 * 60 * 1000);
    if ('error' in r) {
      inst.result.rows.push(skippedRow(path, 'native-c', 'gradient', 'unsupported', `error: ${r.error}`, 'f64'));
      continue;
    }
    const cmp = compare(r.grad, inst.ref, TOL_F64);
    inst.result.rows.push(
      cmp.ok
        ? { path, key: 'native-c', kind: 'gradient', status: 'ok', precision: 'f64', stats: r.timing.gradient, objective: r.timing.objective, relErr: cmp.relErr, tolerance: TOL_F64 }
        : { path, key: 'native-c', kind: 'gradient', status: 'failed', precision: 'f64', relErr: cmp.relErr, note: `FAILED: ${cmp.message}` },
    );
  }

  // PyTorch
  for (const inst of insts.filter((i) => i.problem.torch && skipReason(i.problem, 'torch'))) {
    inst.result.rows.push(skippedRow('PyTorch autograd (child process)', 'torch', 'gradient', 'skipped', skipReason(inst.problem, 'torch')!, 'f64'));
  }
  const torchInsts = insts.filter((i) => i.problem.torch && !skipReason(i.problem, 'torch'));
  if (!torchInsts.length) return;
  const torch = findTorch();
  const path = 'PyTorch autograd (child process)';
  if (!torch.python) {
    for (const inst of torchInsts) inst.result.rows.push(skippedRow(path, 'torch', 'gradient', 'skipped', `skipped: ${torch.error}`, 'f64'));
    notes.push(`PyTorch skipped: ${torch.error}.`);
    return;
  }
  log(`[torch] ${torchInsts.length} instances in one python process`);
  const jobs: TorchJob[] = torchInsts.map((i) => ({ id: i.id, problem: i.problem.id, args: i.args }));
  const results = runTorch(torch, benchDir, tmp, jobs, mode.budget, mode.slowBudget.minSamples, mode.capMs, 60 * 60 * 1000);
  let threads = 1;
  for (const inst of torchInsts) {
    const r = results.get(inst.id)!;
    if ('error' in r) {
      inst.result.rows.push(skippedRow(path, 'torch', 'gradient', 'unsupported', `error: ${r.error}`, 'f64'));
      continue;
    }
    threads = r.threads;
    const cmp = compare(r.grad, inst.ref, TOL_F64);
    inst.result.rows.push(
      cmp.ok
        ? { path, key: 'torch', kind: 'gradient', status: 'ok', precision: 'f64', stats: r.timing.gradient, objective: r.timing.objective, relErr: cmp.relErr, tolerance: TOL_F64, note: [inst.problem.peerNotes?.torch, r.capped ? `one cold call only (> ${mode.capMs / 1000} s cap in ${mode.name} mode)` : ''].filter(Boolean).join('; ') || undefined }
        : { path, key: 'torch', kind: 'gradient', status: 'failed', precision: 'f64', relErr: cmp.relErr, note: `FAILED: ${cmp.message}` },
    );
  }
  peerInfo['PyTorch'] = `${torch.version} (float64, ${threads} thread${threads === 1 ? '' : 's'}, torch.autograd.grad; the child times itself)`;
}

// ---------------------------------------------------------------- phase E: re-time the hand-written gradient

function phaseHandAgain(insts: Instance[]): void {
  for (const inst of insts) {
    const { problem: p, args } = inst;
    try {
      inst.result.handAfter = measure(() => p.handGrad(...args), mode.budget, mode.slowBudget);
    } catch {
      /* reported in phase A */
    }
  }
}

// ---------------------------------------------------------------- main

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${model}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}`;
}

function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  return `${r.stdout.trim()}${dirty.stdout.trim() ? ' (modified)' : ''}`;
}

function updateReadme(md: string, res: Results): void {
  const path = join(benchDir, 'README.md');
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  // the summary table and notes of the latest run, with the chart
  const summary = md.split('\n## Details')[0].replace(/^# .*\n/, '').trim().replace(/^## /gm, '### ');
  const block = [start, '', `Latest ${res.info.mode} run:`, '', summary, '', `![chart](results/${res.info.mode}.svg)`, '', `Full details: [results/${res.info.mode}.md](results/${res.info.mode}.md) · [results/${res.info.mode}.json](results/${res.info.mode}.json)`, '', end].join('\n');
  writeFileSync(path, text.slice(0, a) + block + text.slice(b + end.length));
}

/** --rerender: rebuild the Markdown, the chart and the README section from a saved JSON file. */
function rerender(): void {
  const outDir = join(benchDir, 'results');
  const res = JSON.parse(readFileSync(join(outDir, `${mode.name}.json`), 'utf8')) as Results;
  const md = markdown(res);
  writeFileSync(join(outDir, `${mode.name}.md`), md);
  writeFileSync(join(outDir, `${mode.name}.svg`), svgChart(res));
  if (mode.name === 'full' || flag('readme')) updateReadme(md, res);
  process.stdout.write(md);
}

async function main(): Promise<void> {
  if (flag('rerender')) return rerender();
  ensurePeers();
  const insts = makeInstances();
  if (!insts.length) throw new Error(`no instance matches --only=${option('only')}`);
  log(`${insts.length} instances, ${mode.name} mode`);

  const cot = await loadCotangent(root);
  if (cot.error) notes.push(`cotangent: ${cot.error}; its rows are marked unsupported.`);
  phaseJs(insts, cot);
  await phaseWasm(insts, cot);

  const tmp = mkdtempSync(join(os.tmpdir(), 'cotangent-bench-'));
  try {
    if (withPeers) {
      await phaseTfjs(insts);
      await phaseJax(insts);
      phaseChildren(insts, tmp);
    } else {
      notes.push('Peers skipped (--no-peers).');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  phaseHandAgain(insts);

  notes.push(
    'Every path is checked against the hand-written JS gradient before it is timed (max-norm relative error; tolerance ' +
      `${TOL_F64} for f64 paths, ${TOL_JAX} for jax-js, ${TOL_F32} for float32 TensorFlow.js); a mismatch is a FAILED row and is not timed.`,
    'Times are medians of repeated samples after warm-up (at least 8 calls or 0.4 s in quick mode, 20 calls or 4 s in full mode, so that V8 has optimised the code); a sample times a batch of calls when one call is short. IQR is the 25th–75th percentile range; min is the fastest sample, the figure least disturbed by other processes. Wasm and peer times include copying arguments in and results out, except the "inputs in Wasm memory" row.',
    'grad / obj divides by the same family\'s objective: JS gradients by the JS objective, cotangent Wasm by the compiled objective, each peer by its own forward pass, C by the C objective.',
    'JS alloc / call: JS heap plus ArrayBuffer bytes still allocated right after one call (after a full GC before it): tape and results; a GC during the call makes it an underestimate.',
    'A 1-minute load average above the core count means other processes shared the CPUs during the run: treat the figures as noisy.',
    'The hand-written JS gradients are derived by hand and checked against central finite differences by `npx tsx bench/check.ts`.',
  );
  const info: RunInfo = {
    mode: mode.name,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machine(),
    node: process.versions.node,
    commit: commit(),
    wallSeconds: (performance.now() - started) / 1000,
    load: `${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
    peers: peerInfo,
    notes,
  };
  const res: Results = { info, instances: insts.map((i) => i.result) };
  const md = markdown(res);
  const outDir = join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  // a partial run (--only, --no-peers) does not replace the results of a complete one
  const name = only || !withPeers ? `${mode.name}-partial` : mode.name;
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(res, null, 1) + '\n');
  writeFileSync(join(outDir, `${name}.md`), md);
  writeFileSync(join(outDir, `${name}.svg`), svgChart(res));
  if (name === mode.name && (mode.name === 'full' || flag('readme'))) updateReadme(md, res);
  process.stdout.write(md);
  log(`wrote bench/results/${name}.{md,json,svg} in ${info.wallSeconds.toFixed(1)} s`);
}

main().catch((e) => {
  process.stderr.write(`benchmark harness error: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
