// The pipeline, as one function of named stages:
//   parse → lower (+ types) → ad → opt → emit.
// Each stage's IR can be printed by name (`stages`), as `--dump-after` does.
import { reverseModule } from './ad/reverse.js';
import { emitModule } from './emit/js/emit.js';
import { lowerProgram, type ProgramOptions } from './ir/program.js';
import type { IrModule } from './ir/nodes.js';
import { parseFunctionValue, type ParsedFunction } from './parse/source.js';

export interface DeriveOptions extends ProgramOptions {
  mode: 'grad' | 'primal';
  wrt: number[];
  preserveResult?: boolean;
  optimized?: boolean;
}

export interface Derived {
  /** The final IR (what both emitters consume). */
  module: IrModule;
  /** Readable JavaScript of every function in the module; the entry is last. */
  source: string;
  /** IR after each stage, by stage name. */
  stages: Map<string, IrModule>;
}

export function derive(input: Function | ParsedFunction, opts: DeriveOptions): Derived {
  const stages = new Map<string, IrModule>();
  const parsed = typeof input === 'function' ? parseFunctionValue(input) : input;
  const program = lowerProgram(parsed, opts);
  stages.set('lower', program.module);
  let mod = program.module;
  if (opts.mode === 'grad') {
    mod = reverseModule(mod, { wrt: opts.wrt, preserveResult: opts.preserveResult });
    stages.set('reverse', mod);
  }
  if (opts.optimized !== false) {
    // The optimiser lands in compiler/opt (pipeline.ts); until then the raw transformation is emitted.
    stages.set('optimize', mod);
  }
  return { module: mod, source: emitModule(mod), stages };
}
