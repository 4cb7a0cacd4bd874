// Golden samples of generated code: the lowered IR, the gradient, the
// forward-mode derivative and the Hessian-vector product of representative
// functions. A readability change shows up as a diff here.
// UPDATE_GOLDEN=1 npm test rewrites them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import { printModule } from '../../compiler/ir/print.js';
import { fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { golden } from '../support/golden.js';

const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'cases.ts'), 'utf8');
const cases: { name: string; wrt: number[] }[] = [
  { name: 'rosenbrock', wrt: [0] },
  { name: 'branch', wrt: [0, 1] },
  { name: 'subroutine', wrt: [0, 1] },
  { name: 'newton', wrt: [0] },
  { name: 'spring', wrt: [0, 1] },
  { name: 'prefix', wrt: [0] },
  // Checkpointed per-sample loop with a branch: one forward loop, the branch's values kept in locals.
  { name: 'logistic', wrt: [0] },
  // A hidden layer: the adjoint reads h[j] back instead of taping tanh(a), and runs forwards.
  { name: 'layer', wrt: [0] },
  // A packed triangle read row by row: the adjoint walks it column by column (interchange), each row's
  // dz kept in an array, the column's sum in a local (scalar-replace).
  { name: 'triangle', wrt: [0, 1] },
];

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const f = fromSource(text, c.name, 'cases.ts');
    const g = grad(f, { wrt: c.wrt });
    golden(`golden/${c.name}/lowered.ir`, printModule(g.stages.get('lower')!));
    golden(`golden/${c.name}/reverse.js`, g.source);
    golden(`golden/${c.name}/reverse.raw.js`, grad(f, { wrt: c.wrt, optimized: false }).source);
    golden(`golden/${c.name}/forward.js`, jvp(f, { wrt: c.wrt }).source);
    golden(`golden/${c.name}/hvp.js`, hvp(f, { wrt: c.wrt[0] }).source);
  });
}

test.run();
