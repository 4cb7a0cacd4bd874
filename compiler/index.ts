// The pipeline, as one function of named stages:
//   parse → lower (+ types) → ad → opt → emit.
// Each stage's IR can be printed by name (`stages`), as `--dump-after` does.
import { forwardModule } from './ad/forward.js';
import { reverseModule } from './ad/reverse.js';
import { emitModuleWithMap, type SourceMapV3 } from './emit/js/emit.js';
import { lowerProgram, type ProgramOptions } from './ir/program.js';
import type { IrModule } from './ir/nodes.js';
import { parseFunctionValue, type ParsedFunction } from './parse/source.js';
import { optimizeModule } from './opt/pipeline.js';
import { CompileError } from './diagnostics.js';
import { forEachStmt } from './ir/walk.js';

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
  /** Source map from `source` back to the user's text. */
  map: SourceMapV3;
  /** IR after each stage, by stage name. */
  stages: Map<string, IrModule>;
}

/** What derive starts from: a function value, a parsed function, or the IR of an earlier derivative (higher order). */
export type DeriveInput = Function | ParsedFunction | { ir: IrModule };

export function derive(input: DeriveInput, opts: DeriveOptions): Derived {
  const stages = new Map<string, IrModule>();
  let mod: IrModule;
  if (typeof input !== 'function' && 'ir' in input) {
    mod = input.ir;
    checkComposable(mod, opts.mode);
    stages.set('input', mod);
  } else {
    const parsed = typeof input === 'function' ? parseFunctionValue(input) : (input as ParsedFunction);
    mod = lowerProgram(parsed, opts).module;
    stages.set('lower', mod);
  }
  const entryName = mod.entry;
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
    mod = forwardModule(mod, { wrt: opts.wrt, preserveResult: opts.preserveResult, name: `hvp_${entryName}` });
    stages.set('forward', mod);
  }
  if (opts.optimized !== false) {
    mod = optimizeModule(mod);
    stages.set('optimize', mod);
  }
  const { code, map } = emitModuleWithMap(mod);
  return { module: mod, source: code, map, stages };
}

/**
 * Reverse mode applies to a derivative only when it has no tape and no
 * multi-result calls (their reverse is not written yet); forward mode applies
 * to anything.
 */
function checkComposable(mod: IrModule, mode: DeriveOptions['mode']): void {
  if (mode !== 'grad' && mode !== 'hvp') return;
  for (const fn of mod.functions) {
    forEachStmt(fn.body, (s) => {
      const what = s.kind === 'push' || (s.kind === 'assign' && s.expr.kind === 'pop') ? 'the tape (it overwrites values in a loop)'
        : s.kind === 'multi' ? 'a helper with several results' : undefined;
      if (what) {
        throw new CompileError('CT1204', { what: `differentiating \`${mod.entry}\`, whose code uses ${what},`, mode: 'reverse mode (grad of a derivative)',
          remedy: 'take the outer derivative in forward mode: jvp(grad(f)) is a Hessian-vector product, as hvp(f) is' });
      }
    });
  }
}
