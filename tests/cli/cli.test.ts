// The cotangent command, run as a user runs it: output and exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli', 'index.ts'), ...args], { cwd: root, encoding: 'utf8' });

test('grad prints the generated gradient; exit 0', () => {
  const r = cli('grad', 'examples/logistic.ts', '--fn', 'pendulumPeriod', '--wrt', '0,1');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /function dpendulumPeriod_dlength_theta0\(length, theta0\)/);
  assert.match(r.stdout, /\/\/ adjoint/);
});

test('--no-optimize, --dump-after and --emit as', () => {
  const raw = cli('grad', 'examples/logistic.ts', '--fn', 'loss', '--no-optimize');
  const opt = cli('grad', 'examples/logistic.ts', '--fn', 'loss');
  assert.ok(raw.stdout.split('\n').length > opt.stdout.split('\n').length, 'the raw transformation is longer');
  assert.match(cli('jvp', 'examples/logistic.ts', '--fn', 'loss', '--dump-after', 'lower').stdout, /^function loss\(w: f64\[\]/m);
  assert.match(cli('grad', 'examples/logistic.ts', '--fn', 'pendulumPeriod', '--emit', 'as').stdout, /: f64/);
});

test('refused input: exit 1 with the code frame; usage errors: exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cotangent-cli-'));
  const file = join(dir, 'bad.ts');
  writeFileSync(file, 'export function f(a: number) {\n  return a ?? 1;\n}\n');
  const r = cli('grad', file, '--fn', 'f');
  assert.is(r.status, 1);
  assert.match(r.stderr, /the `\?\?` operator is not supported in `f` at .*bad\.ts:2:10/);
  assert.match(r.stderr, /> 2 \|/);
  assert.is(cli('grad', file).status, 2, 'missing --fn');
  assert.is(cli('grad', file, '--fn', 'f', '--wrt', 'x').status, 2, 'bad --wrt');
  assert.is(cli('frobnicate').status, 2, 'unknown command');
});

test('build writes .wasm, an eval-free wrapper and .d.ts', () => {
  const out = mkdtempSync(join(tmpdir(), 'cotangent-build-'));
  const r = cli('build', 'examples/logistic.ts', '--fn', 'pendulumPeriod', '--wrt', '0,1', '--out', out);
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(out).sort(), ['grad_pendulumPeriod.d.ts', 'grad_pendulumPeriod.js', 'grad_pendulumPeriod.wasm']);
  const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e',
    `import load from ${JSON.stringify(join(out, 'grad_pendulumPeriod.js'))}; const g = await load(); console.log(JSON.stringify(g(1, 0.5)));`], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const [dL, dTheta] = JSON.parse(run.stdout.trim()) as number[];
  assert.ok(Math.abs(dL - 1.01893395758) < 1e-9 && Math.abs(dTheta - 0.129061249374) < 1e-9, run.stdout);
});

test('the built wrapper checks arguments as the runtime does: 32-bit loop bounds, booleans, tangent lengths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cotangent-build-checks-'));
  const file = join(dir, 'f.ts');
  writeFileSync(file, 'export function f(x: Float64Array, n: number, flip: boolean) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += x[i % x.length] * (flip ? 2 : 1);\n  return s;\n}\n');
  const r = cli('build', file, '--fn', 'f', '--jvp', '--wrt', '0', '--out', dir);
  assert.is(r.status, 0, r.stderr);
  const script = `import load from ${JSON.stringify(join(dir, 'jvp_f.js'))};
const g = await load();
const x = [1, 2], out = { ok: g(x, 3, true, [1, 0]), flip: g(x, 3, false, [1, 0]) };
for (const [k, args] of Object.entries({ big: [x, 2 ** 31, true, [1, 0]], nan: [x, NaN, true, [1, 0]], short: [x, 3, true, [1]], str: [x, 3, 'yes', [1, 0]] })) {
  try { g(...args); out[k] = 'no error'; } catch (e) { out[k] = e.message; }
}
console.log(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim());
  assert.is(out.ok, 2 * (1 + 0 + 1)); // d/dx along [1, 0] of 2·(x0 + x1 + x0)
  assert.is(out.flip, 2);
  assert.match(out.big, /argument 2 \(`n`\) bounds a loop, which counts in 32 bits/);
  assert.match(out.nan, /argument 2 \(`n`\) bounds a loop/);
  assert.match(out.short, /argument 4 \(`tx`\) must have length 2 like `x`, got 1/);
  assert.match(out.str, /argument 3 \(`flip`\) must be a number \(or a boolean\)/);
});

test.run();
