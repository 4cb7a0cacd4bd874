// Measures what the optimiser buys on the gradients of the test corpora
// (tests/corpus/functions.ts and tests/opt/corpus.ts): statements in the
// generated IR with and without optimisation, and values pushed on the tape
// per call (run in the test interpreter). Not a test; run it with
//   npx tsx tests/opt/measure.ts
import { reverseModule } from '../../compiler/ad/reverse.js';
import type { IrModule } from '../../compiler/ir/nodes.js';
import { lowerProgram } from '../../compiler/ir/program.js';
import { countStmts } from '../../compiler/opt/analysis.js';
import { optimizeModule } from '../../compiler/opt/pipeline.js';
import { parseFunctionValue } from '../../compiler/parse/source.js';
import { corpus as shared } from '../corpus/functions.js';
import { Rng } from '../support/rng.js';
import { runModule, type Value } from '../support/interp.js';
import { corpus as local } from './corpus.js';
import { randomArgs, rng } from './support.js';

// support.ts turns validation on for the tests; the figures here time the passes alone.
delete process.env.COTANGENT_VALIDATE;

interface Row { name: string; raw: number; opt: number; tapeRaw: number; tapeOpt: number; ms: number }

const statements = (m: IrModule) => m.functions.reduce((n, f) => n + countStmts(f.body), 0);

function tapeValues(m: IrModule, args: Value[]): number {
  const stats = { pushes: 0, steps: 0 };
  try { runModule(m, args, { stats, lenientReads: true }); } catch { return NaN; }
  return stats.pushes;
}

const rows: Row[] = [];
const skipped: string[] = [];
const measure = (name: string, f: Function, wrt: number[], scope: Record<string, unknown> | undefined, args: Value[]) => {
  let raw: IrModule;
  try {
    raw = reverseModule(lowerProgram(parseFunctionValue(f), { wrt, scope }).module, { wrt });
  } catch (e) {
    skipped.push(`${name} (${(e as Error).message.split('\n')[0]})`);
    return;
  }
  const t0 = performance.now();
  const opt = optimizeModule(raw);
  const ms = performance.now() - t0;
  rows.push({ name, raw: statements(raw), opt: statements(opt), tapeRaw: tapeValues(raw, args), tapeOpt: tapeValues(opt, args), ms });
};

for (const c of shared) {
  try {
    measure(c.name, c.f, c.wrt ?? [0], c.scope, c.args(new Rng(7)) as Value[]);
  } catch (e) {
    skipped.push(`${c.name} (${(e as Error).message.split('\n')[0]})`);
  }
}
for (const c of local) {
  const entry = lowerProgram(parseFunctionValue(c.fn), { wrt: c.wrt, scope: c.scope }).module;
  if (!entry) continue;
  const fn = entry.functions.find((f) => f.name === entry.entry)!;
  measure(`opt/${c.name}`, c.fn, c.wrt, c.scope, randomArgs(fn, rng(7)));
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`${'function'.padEnd(22)} ${pad('raw', 5)} ${pad('opt', 5)} ${pad('ratio', 6)}   ${pad('tape raw', 8)} ${pad('tape opt', 8)}  ${pad('opt ms', 7)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(22)} ${pad(r.raw, 5)} ${pad(r.opt, 5)} ${pad((r.opt / r.raw).toFixed(2), 6)}   ${pad(r.tapeRaw, 8)} ${pad(r.tapeOpt, 8)}  ${pad(r.ms.toFixed(1), 7)}`);
}
const sum = (k: keyof Row) => rows.reduce((n, r) => n + (Number(r[k]) || 0), 0);
console.log(`${'total'.padEnd(22)} ${pad(sum('raw'), 5)} ${pad(sum('opt'), 5)} ${pad((sum('opt') / sum('raw')).toFixed(3), 6)}   ${pad(sum('tapeRaw'), 8)} ${pad(sum('tapeOpt'), 8)}  ${pad(sum('ms').toFixed(0), 7)}`);
console.log(`statements: optimised = ${(100 * sum('opt') / sum('raw')).toFixed(1)}% of raw (target ≤ 60%); `
  + `tape values per call (one seeded input each): ${sum('tapeOpt')} instead of ${sum('tapeRaw')}`);
if (skipped.length) console.log(`not measured (no gradient yet): ${skipped.join('; ')}`);
