// Long functions: the optimiser and the JS emitter take time linear in a
// function's length (BUG C12 in tests/catalogue/bugs.test.ts: their analyses
// were quadratic, optimising 1,000 statements took ~45 s). Twice the
// statements must take about twice the time (under 3 times), not four times;
// measured in one process, in CPU time, after a smaller run to warm up (and
// again if the machine seemed busy: the sizes are small, so noise counts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reverseModule } from '../../compiler/ad/reverse.js';
import { emitModuleWithMap } from '../../compiler/emit/js/emit.js';
import type { IrModule } from '../../compiler/ir/nodes.js';
import { lowerProgram } from '../../compiler/ir/program.js';
import { optimizeModule } from '../../compiler/opt/pipeline.js';
import { fromSource } from '../../runtime/index.js';

const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');

const shapes: Record<string, (n: number) => string> = {
  'straight-line code': (n) => `function f(a) {\n  let s = a;\n${lines(n, (i) => `  s = s * 0.999 + Math.sin(s + ${i % 7} * a);`)}\n  return s;\n}`,
  'nested ternaries': (n) => `function f(a) {\n  return ${Array.from({ length: n }, (_, i) => `a > ${i % 5} ? Math.sin(a * ${i % 3}) : `).join('')}a;\n}`,
  'loops in a row': (n) => `function f(a, x: Float64Array) {\n  let s = a;\n${lines(n, (i) => `  for (let i${i} = 0; i${i} < x.length; i${i}++) s = Math.sin(s) * x[i${i}] + a;`)}\n  return s;\n}`,
};

const reverse = (src: string): IrModule => reverseModule(lowerProgram(fromSource(src, 'f').parsed, { wrt: [0] }).module, { wrt: [0] });

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** CPU milliseconds to optimise and emit a module. */
function cost(m: IrModule): number {
  const t = cpu();
  emitModuleWithMap(optimizeModule(m));
  return cpu() - t;
}

const sizes: Record<string, number> = { 'straight-line code': 200, 'nested ternaries': 60, 'loops in a row': 60 };

for (const [name, make] of Object.entries(shapes)) {
  test(`${name}: twice as long, about twice the time to optimise and emit`, () => {
    const n = sizes[name];
    cost(reverse(make(n / 4))); // warm up
    const small = reverse(make(n)), large = reverse(make(2 * n));
    let a = Math.min(cost(small), cost(small));
    let b = cost(large);
    // The machine may have been busy, or a major collection of the whole suite's heap may have landed
    // in one measurement (CPU time counts the collector's threads): the fastest of several of each.
    for (let retry = 0; retry < 6 && b / a >= 3; retry++) { a = Math.min(a, cost(small)); b = Math.min(b, cost(large)); }
    assert.ok(b / a < 3, `${n} → ${2 * n}: ${a.toFixed(0)} ms → ${b.toFixed(0)} ms (×${(b / a).toFixed(1)})`);
  });
}

test.run();
