// The optimisation pipeline: the one ordered list of passes, with the reason
// each runs where it does. `optimize` runs the list until the function stops
// changing (at most MAX_ROUNDS times). With COTANGENT_VALIDATE set, the IR
// is validated after every pass; a failure names the pass and prints the IR
// from before it. Problems already present in the input are the producer's
// (lowering or AD) and are not blamed on a pass; COTANGENT_VALIDATE=strict
// rejects them too.
import type { IrFunction, IrModule } from '../ir/nodes.js';
import { samePrinted } from '../ir/print.js';
import { assertValid, validate } from '../ir/validate.js';
import { constantFold } from './constant-fold.js';
import { copyProp } from './copy-prop.js';
import { cse } from './cse.js';
import { deadCode } from './dead-code.js';
import { tapeElision } from './tape-elision.js';
import { splitNames } from './split-names.js';
import { tidyNames } from './tidy-names.js';
import { licm } from './licm.js';
import { combineAdds } from './combine-adds.js';
import { loopOrder } from './loop-order.js';
import { interchange } from './interchange.js';
import { scalarReplace } from './scalar-replace.js';
import { moduleEffects, type PassContext } from './analysis.js';

export interface Pass {
  run: (fn: IrFunction, ctx?: PassContext) => IrFunction;
  description: string;
}

/** Every pass by name (the name is also its file, its fixture folder and its dump label). */
export const passes: Record<string, Pass> = {
  'constant-fold': { run: constantFold, description: 'fold literal ⊕ literal, IEEE-exact identities (x*1, x+(-0), -(-x), ...) and branches on literals' },
  'copy-prop': { run: copyProp, description: 'after a = b (or a = literal), read b instead of a while neither changes' },
  'licm': { run: licm, description: 'move pure operations whose operands a loop never changes in front of the loop' },
  'cse': { run: cse, description: 'reuse the value of an identical pure operation computed earlier' },
  'combine-adds': { run: combineAdds, description: 'a[k] += u; …; a[k] += v ==> a[k] += u + v when nothing between reads a or changes k or u' },
  'tape-elision': { run: tapeElision, description: 'drop dead tape pairs; pops of unchanged values become copies; loop-free slots become locals' },
  'dead-code': { run: deadCode, description: 'remove assignments, stores, tape pairs and blocks that cannot affect the results' },
  'interchange': { run: interchange, description: 'swap an adjoint loop nest whose inner loop strides through memory that the outer index walks in order (values it takes from the outer iteration kept per index)' },
  'loop-order': { run: loopOrder, description: 'run a backward adjoint loop forwards when its iterations are independent (sums, added-into arrays, their own tape)' },
  'scalar-replace': { run: scalarReplace, description: 'keep an array element that a loop reads or updates at an index it never changes in a local for the length of the loop' },
  'split-names': { run: splitNames, description: 'give a variable that is several (one per block that assigns it first) a name for each' },
  'tidy-names': { run: tidyNames, description: 'a generated name with a number on it (acc2) takes its plain form (acc) once nothing else goes by it' },
};

/** The order, with the reason for each position. */
export const pipeline: { pass: keyof typeof passes; why: string }[] = [
  { pass: 'constant-fold', why: 'literals first: the AD writes `dy = 1.0; t = dy * x`, so folding gives copy-prop plain copies to chase' },
  { pass: 'copy-prop', why: 'spreads literals and copies into their uses, exposing literal ⊕ literal and identities' },
  { pass: 'constant-fold', why: 'folds what copy-prop exposed, including branches whose condition became a literal' },
  { pass: 'licm', why: 'after folding and copies, invariance is visible; before cse, so copies hoisted from two loops merge' },
  { pass: 'cse', why: 'operands are now canonical (copies resolved), so equal operations look equal' },
  { pass: 'copy-prop', why: 'cse leaves `t = h` copies; reads of t become reads of h' },
  { pass: 'combine-adds', why: 'after cse, which makes the loads of one element one value and so their adjoints adds at one index' },
  { pass: 'tape-elision', why: 'before dead-code: turns pops into copies and locals, leaving pushes that dead-code can judge' },
  { pass: 'dead-code', why: 'sweeps the copies, temporaries, tape pairs and empty blocks the passes above left behind' },
  { pass: 'interchange', why: 'after dead-code, which leaves the inner loop only the adds and the values they need; before licm (next round), which then hoists what depends on the new outer index alone' },
  { pass: 'loop-order', why: 'after dead-code, which removes the resets and tape pairs that would tie one iteration to the next' },
  { pass: 'scalar-replace', why: 'after the passes that move and turn loops, on the loops they leave; its locals are then named by split-names and tidy-names' },
  { pass: 'split-names', why: 'for the reader: the adjoint recomputes loop temporaries under their primal names; split, each is a const of its loop' },
  { pass: 'tidy-names', why: 'last, for the reader: numbers told apart names that dead-code has since thinned out' },
];

const MAX_ROUNDS = 6;

const validating = () => typeof process !== 'undefined' && Boolean(process.env?.COTANGENT_VALIDATE);

export interface OptimizeOptions {
  /** Called after every pass (the CLI's `--passes` dump): the pass, the round (from 1) and the function after it. */
  trace?: (pass: string, round: number, fn: IrFunction) => void;
}

/** Runs the pipeline on one function until it stops changing. */
export function optimize(fn: IrFunction, module?: IrModule, ctx: PassContext = module ? moduleEffects(module) : {}, opts: OptimizeOptions = {}): IrFunction {
  let known: Set<string> | undefined;
  if (validating()) {
    if (typeof process !== 'undefined' && process.env?.COTANGENT_VALIDATE === 'strict') assertValid(fn, 'the stage before optimize', undefined, module);
    known = new Set(validate(fn, module));
  }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = fn;
    for (const { pass } of pipeline) {
      fn = runPass(pass, fn, module, known, ctx);
      opts.trace?.(pass, round + 1, fn);
    }
    if (samePrinted(fn, before)) break;
  }
  return fn;
}

/** Runs one pass by name, validating its output when COTANGENT_VALIDATE is set. */
export function runPass(name: string, fn: IrFunction, module?: IrModule, known?: ReadonlySet<string>, ctx: PassContext = module ? moduleEffects(module) : {}): IrFunction {
  const pass = passes[name];
  if (!pass) throw new Error(`internal error: no optimisation pass named \`${name}\``);
  const out = pass.run(fn, ctx);
  if (validating()) assertValid(out, `the ${name} pass`, fn, module, known ?? new Set(validate(fn, module)));
  return out;
}

/** Optimises every function; what each callee may write is computed once, from the input module. */
export function optimizeModule(m: IrModule, opts: OptimizeOptions = {}): IrModule {
  const ctx = moduleEffects(m);
  return { ...m, functions: m.functions.map((f) => optimize(f, m, ctx, opts)) };
}
