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
  /** Why a peer formulation is missing or differs, shown in the table. */
  peerNotes?: Partial<Record<'tfjs' | 'jax' | 'torch', string>>;
  /** bench/torch/runner.py implements this problem id. */
  torch?: boolean;
  /** bench/native has a C implementation (objective + hand gradient). */
  native?: boolean;
}

export function wrtList(p: Problem): number[] {
  return typeof p.wrt === 'number' ? [p.wrt] : p.wrt;
}
