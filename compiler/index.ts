// The pipeline, as one function of named stages:
//   parse → lower (+ types) → ad → opt → emit.
// Each stage's IR can be printed by name (`stages`), as `--dump-after` does.
import { forwardModule } from './ad/forward.js';
import { reverseModule } from './ad/reverse.js';
import { emitModule } from './emit/js/emit.js';
import { lowerProgram, type ProgramOptions } from './ir/program.js';
import type { IrModule } from './ir/nodes.js';
import { parseFunctionValue, type ParsedFunction } from './parse/source.js';
import { optimizeModule } from './opt/pipeline.js';

export interface DeriveOptions extends ProgramOptions {
  mode: 'grad' | 'jvp' | 'hvp' | 'primal';
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
  if (opts.mode === 'grad' || opts.mode === 'hvp') {
    mod = reverseModule(mod, { wrt: opts.wrt, preserveResult: opts.preserveResult });
    stages.set('reverse', mod);
  }
  if (opts.mode === 'jvp') {
    mod = forwardModule(mod, { wrt: opts.wrt, preserveResult: opts.preserveResult });
    stages.set('forward', mod);
  }
  if (opts.mode === 'hvp') {
    // Forward over reverse: the tangent of the gradient along v is H·v.
    const entryName = program.module.entry;
    mod = forwardModule(mod, { wrt: opts.wrt, preserveResult: opts.preserveResult, name: `hvp_${entryName}` });
    stages.set('forward', mod);
  }
  if (opts.optimized !== false) {
    mod = optimizeModule(mod);
    stages.set('optimize', mod);
  }
  return { module: mod, source: emitModule(mod), stages };
}
