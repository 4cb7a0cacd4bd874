// Random programs (tests/fuzz/generator.ts) against every oracle (oracles.ts),
// with a fixed seed so `npm test` is repeatable; `npm run fuzz` runs more.
// Also checks that the oracles do catch wrong derivatives and that failing
// programs shrink to small ones.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSource } from '../../runtime/index.js';
import { campaign, type Failure } from './campaign.js';
import { arbitraries } from './generator.js';
import { checkFd, checkProgram, compileApi, newStats, OracleFailure } from './oracles.js';
import { printProgram, type Printed } from './print.js';

const SEED = 20261127;
const PROGRAMS = 250;
const WASM_PROGRAMS = 8;

const report = (f: Failure) => `${f.message}\n--- shrunk program (wrt ${JSON.stringify(f.printed.wrt)}, params ${JSON.stringify(f.printed.params)}):\n${f.printed.source}`;

test(`${PROGRAMS} random programs: value, fd, opt, jvp, hvp and purity oracles agree`, async () => {
  const r = await campaign({ runs: PROGRAMS, seed: SEED, batch: PROGRAMS, check: { points: 2 } });
  assert.is(r.failures.length, 0, r.failures.map(report).join('\n\n'));
  assert.is(r.runs, PROGRAMS);
  // The checks really ran: most points are smooth enough for differences.
  assert.ok(r.stats.fd > PROGRAMS, `only ${r.stats.fd} finite-difference checks ran`);
  assert.ok(r.stats.hvp > PROGRAMS, `only ${r.stats.hvp} hvp checks ran`);
});

test(`${WASM_PROGRAMS} random programs: JS and Wasm (compile) agree`, async () => {
  if (!compileApi) return; // compile has not landed in runtime/index.ts
  const r = await campaign({ runs: WASM_PROGRAMS, seed: SEED + 1, batch: WASM_PROGRAMS, check: { points: 2, wasm: true } });
  assert.is(r.failures.length, 0, r.failures.map(report).join('\n\n'));
  assert.is(r.stats.wasm, 2 * WASM_PROGRAMS);
});

// ---- the oracles catch what they should -------------------------------------

const program = (source: string, js = source, wrt: number | number[] = 0): Printed =>
  ({ source, js, params: [{ name: 'a', kind: 'num' }], wrt });

test('the value oracle catches a primal that differs from the program', async () => {
  const p = program('function f(a) { return a * a; }', 'function f(a) { return a * a + 1e-9; }');
  try {
    await checkProgram(p, 1, newStats());
    assert.unreachable('no failure');
  } catch (e) {
    assert.instance(e, OracleFailure);
    assert.is((e as OracleFailure).oracle, 'value');
  }
});

test('the fd oracle catches a wrong directional derivative, and skips kinks', () => {
  const f = (a: number) => a * a * a;
  const stats = newStats();
  checkFd(f as never, [0.7], [0], [1], 3 * 0.49, f(0.7), stats, () => '');
  assert.is(stats.fd, 1);
  assert.throws(() => checkFd(f as never, [0.7], [0], [1], 3 * 0.49 * (1 + 1e-4), f(0.7), stats, () => ''), /central differences/);
  // |a - 0.7000005| has its kink inside the difference step: not checked.
  const kink = (a: number) => Math.abs(a - 0.7000005);
  checkFd(kink as never, [0.7], [0], [1], 123, kink(0.7), stats, () => '');
  assert.is(stats.fdSkipped, 1);
  // A kink exactly at the point (both central differences see the mean slope): not checked either.
  const at = (a: number) => Math.max(a, 0.5 * a + 0.35);
  checkFd(at as never, [0.7], [0], [1], 1, at(0.7), stats, () => '');
  assert.is(stats.fdSkipped, 2);
});

test('a correct program passes every oracle', async () => {
  const p: Printed = {
    source: 'function f(a: number, x: Float64Array) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s += Math.sin(a * x[i]);\n  return s;\n}\n',
    js: 'function f(a, x) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s += Math.sin(a * x[i]);\n  return s;\n}\n',
    params: [{ name: 'a', kind: 'num' }, { name: 'x', kind: 'arr', len: 4 }],
    wrt: [0, 1],
  };
  const stats = newStats();
  await checkProgram(p, 7, stats, { points: 3, full: true });
  assert.is(stats.fd, 3);
  assert.is(stats.hvp, 3);
});

// ---- the generator -------------------------------------------------------------

test('generated programs parse, print deterministically, and keep to the supported language', () => {
  const { program: arb } = arbitraries();
  for (const p of fc.sample(arb, { numRuns: 200, seed: SEED })) {
    const a = printProgram(p), b = printProgram(p);
    assert.is(a.source, b.source);
    fromSource(a.source, 'f'); // parses (CompileError otherwise)
    new Function(`${a.js}\nreturn f;`); // and is plain JavaScript once annotations are dropped
  }
});

test('a failing program shrinks to a minimal one', () => {
  const { program: arb } = arbitraries();
  // A stand-in failure: "the program calls Math.cosh". The counterexample shrinks to functions
  // of one `return` each (a helper's call cannot move into f, so a helper may stay).
  const r = fc.check(fc.property(arb, (p) => !printProgram(p).source.includes('Math.cosh')), { seed: SEED, numRuns: 2000 });
  assert.ok(r.failed, 'some program calls Math.cosh');
  const src = printProgram(r.counterexample![0]).source;
  const lines = src.trim().split('\n').filter((l) => l.trim() !== '');
  const statements = lines.filter((l) => !/^function |^}$/.test(l));
  assert.ok(statements.length <= 2 && statements.every((l) => /^\s*return /.test(l)), `not minimal:\n${src}`);
  assert.match(src, /Math\.cosh/);
});

test.run();
