// Shared shapes of problems, instances and results.

export type Value = number | Float64Array;

/** Sizes for one instance of a problem. `quick` instances run in `--quick` mode too. */
export interface SizeSpec {
  /** Short id suffix, e.g. `d10`. */
  key: string;
  /** Human label, e.g. `d=10 K=25 n=1000`. */
  label: string;
  quick: boolean;
  params: Record<string, number>;
}

/** A problem expressed with TensorFlow.js ops (float32). `params` are the wrt tensors. */
export interface TfProgram {
  params: unknown[];
  loss: (...params: any[]) => any;
  dispose(): void;
}

/** A problem expressed with jax-js ops. Arguments are passed as params then consts (refs taken by the harness). */
export interface JaxProgram {
  params: any[];
  consts: any[];
  loss: (...arrays: any[]) => any;
  dispose(): void;
}

export type PeerName = 'tfjs' | 'jax' | 'torch';

export interface Problem {
  id: string;
  title: string;
  /** The objective, written once as plain TS. */
  f: (...args: any[]) => number;
  /** Named helpers and constants `f` refers to. */
  scope: Record<string, unknown>;
  /** Arguments differentiated, as given to `grad`. */
  wrt: number | number[];
  /** Hand-written gradient: same arguments as `f`, gradients in wrt order. */
  handGrad: (...args: any[]) => Value[];
  sizes: SizeSpec[];
  /** Seeded data: the full argument list of `f`. */
  generate(params: Record<string, number>, seed: number): Value[];
  /** Small sizes for the finite-difference check in check.ts. */
  checkParams: Record<string, number>;
  /** Relative step for the sampled finite-difference check at benchmark sizes (default 1e-4). */
  fdStep?: number;
  tfjs?: (tf: any, args: Value[]) => TfProgram;
  jax?: (jax: any, args: Value[]) => JaxProgram;
  /** Why a peer formulation is missing or how it differs, shown in the table. */
  peerNotes?: Partial<Record<PeerName, string>>;
  /** Peers whose formulation exists but is not run (too slow or broken there), with the measured reason. */
  peerSkip?: Partial<Record<PeerName, string>>;
  /** Peers not run in --quick mode because one call takes many seconds. */
  quickSkip?: Partial<Record<PeerName, string>>;
  /** bench/torch/runner.py implements this problem id. */
  torch?: boolean;
  /** bench/native has a C implementation (objective + hand gradient). */
  native?: boolean;
}

export function wrtList(p: Problem): number[] {
  return typeof p.wrt === 'number' ? [p.wrt] : p.wrt;
}

export type RowStatus = 'ok' | 'unsupported' | 'failed' | 'skipped' | 'n/a';

/** One path's result on one instance. */
export interface Row {
  /** Display name, e.g. `cotangent Wasm (SIMD)`. */
  path: string;
  /** Stable key used in the summary and chart, e.g. `cotangent-wasm-simd`. */
  key: string;
  kind: 'objective' | 'gradient';
  status: RowStatus;
  precision?: string;
  stats?: import('./measure.js').Stats;
  /** The same family's objective (for the gradient/objective ratio). */
  objective?: import('./measure.js').Stats;
  /** Max-norm relative error against the hand-written JS gradient. */
  relErr?: number;
  tolerance?: number;
  /** Approximate JS heap + ArrayBuffer bytes allocated by one call (tape memory for JS paths). */
  allocBytes?: number;
  note?: string;
}

export interface CompileLatency {
  /** `grad(f, opts)` construction (source transformation). */
  gradMs?: number;
  /** First `compile(f)` of this problem's objective. */
  objectiveMs?: number;
  /** First `compile(g)` of the gradient, per variant. */
  gradientMs?: Record<string, number>;
  /** `compile(g)` again on the same derivative function. */
  repeatMs?: Record<string, number>;
  /** True when this instance's first compile was the first in the process (cold). */
  cold?: boolean;
  /** True when this instance's grad() was the first in the process (cold: loads the compiler). */
  gradCold?: boolean;
  error?: string;
}

export interface InstanceResult {
  id: string;
  problem: string;
  title: string;
  label: string;
  rows: Row[];
  compile?: CompileLatency;
  /** Hand-written JS gradient re-timed at the end, after Wasm and peers ran in the process. */
  handAfter?: import('./measure.js').Stats;
  /** Generated ÷ hand-written JS gradient time, from alternating rounds of the two (measure.ts `interleave`). */
  jsVsHand?: import('./measure.js').Interleaved;
}
