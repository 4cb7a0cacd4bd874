// npm run fuzz -- --runs N --seed S [--points P] [--full] [--wasm] [--skip] [--bugs]
//                 [--smooth] [--no-helpers] [--no-arrays] [--minutes M] [--out DIR] [--no-write]
//
// Checks N random programs (tests/fuzz) against every oracle and writes each
// distinct counterexample, shrunk, as a self-contained uvu test in
// tests/fuzz/regressions/ (one file each; `--skip` writes them as test.skip,
// for bugs that are reported but not yet fixed). Prints the counts at the end.
//
//   --full    also compare jvp and hvp optimised against unoptimised
//   --wasm    also compare JS against Wasm (compile), grad and hvp (about 2 s a program)
//   --bugs    put back the constructs of known bugs (tests/fuzz/print.ts KNOWN_BUGS)
//   --smooth  no kinks or jumps (abs, floor, max, %, ...)
// Node keeps the source map of every evaluated script that has one, keyed by its
// URL, for good when source maps are enabled (as under tsx): each derivative made
// would stay in memory (tests/catalogue/bugs.test.ts, BUG C14). A long campaign
// makes hundreds of thousands, so it runs without them.
process.setSourceMapsEnabled(false);
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { campaign } from '../tests/fuzz/campaign.js';
import { compileApi } from '../tests/fuzz/oracles.js';
import { regressionTest } from '../tests/fuzz/regression-file.js';
import { KNOWN_BUGS } from '../tests/fuzz/print.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const text = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = value('runs', 1000);
const seed = value('seed', Date.now() % 1e9);
const points = value('points', 2);
const minutes = value('minutes', 0);
const out = resolve(root, text('out', 'tests/fuzz/regressions'));
const wasm = flag('wasm');
if (wasm && !compileApi) console.log('note: runtime/index.ts does not export `compile` yet; the wasm oracle is off');

console.log(`fuzz: ${runs} programs, seed ${seed}, ${points} points each${flag('full') ? ', full' : ''}${wasm ? ', wasm' : ''}${flag('bugs') ? ', with known bugs' : ''}`);
const started = Date.now();
let lastReport = 0;
const result = await campaign({
  runs,
  seed,
  deadline: minutes > 0 ? started + minutes * 60_000 : undefined,
  gen: { nonSmooth: !flag('smooth'), helpers: !flag('no-helpers'), localArrays: !flag('no-arrays') },
  check: { points, full: flag('full'), wasm },
  avoid: new Set(flag('bugs') ? [] : KNOWN_BUGS),
  onFailure: (f) => {
    console.log(`\nFAIL ${f.signature}\n${f.message.split('\n').slice(0, 3).join('\n')}\n--- shrunk program:\n${f.printed.source}`);
    if (flag('no-write')) return;
    mkdirSync(out, { recursive: true });
    const name = f.signature.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60);
    const file = join(out, `${name}-${f.seed >>> 0}.test.ts`);
    writeFileSync(file, regressionTest(f, { skip: flag('skip'), points }));
    console.log(`wrote ${relative(root, file)}`);
  },
  onProgress: (done, stats) => {
    if (Date.now() - lastReport < 15_000) return;
    lastReport = Date.now();
    const rate = (done / ((Date.now() - started) / 1000)).toFixed(1);
    console.log(`${done} programs (${rate}/s), ${stats.fd} fd checks (${stats.fdSkipped} skipped), ${stats.hvp} hvp (${stats.hvpSkipped} skipped)`);
  },
});

const s = result.stats;
console.log(`\n${result.runs} programs in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${seed})`);
console.log(`points checked: ${s.points} (${s.unbounded} skipped as unbounded); fd: ${s.fd} (${s.fdSkipped} not smooth); hvp: ${s.hvp} (${s.hvpSkipped} not smooth); wasm: ${s.wasm}`);
console.log(`distinct failures: ${result.failures.length}`);
for (const [sig, n] of result.hits) console.log(`  ${n} batch(es): ${sig}`);
process.exitCode = result.hits.size ? 1 : 0;
