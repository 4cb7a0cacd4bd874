// Ahead-of-time output: build .wasm + .js + .d.ts, then import the .js in a
// child Node that forbids code generation from strings, load it both from
// the file next to it and from a WebAssembly.Module (as edge runtimes do).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildAot } from '../../cli/build.js';
import { lower, tapeModule } from '../emit/as/support.js';

function dot(a: Float64Array, b: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const RUNNER = `
import { readFile } from 'node:fs/promises';
import load from './dot.js';
import { load as loadTp } from './tp.js';
const out = {};
try { eval('1'); out.evalAllowed = true; } catch { out.evalAllowed = false; }
try { new Function('return 1'); out.functionAllowed = true; } catch { out.functionAllowed = false; }
const f = await load();
out.dot = f(new Float64Array([1, 2, 3]), [4, 5, 6]);
const g = await load(new WebAssembly.Module(await readFile(new URL('./dot.wasm', import.meta.url))));
out.fromModule = g([1, 2], [3, 4]);
const v = g.alloc(1001);
for (let i = 0; i < v.length; i++) v[i] = 1;
out.alloc = g(v, v);
const t = await loadTp();
out.tp = t(0.5, 6).map((x) => (x instanceof Float64Array ? Array.from(x) : x));
try { f(['a'], [1]); } catch (e) { out.typeError = e instanceof TypeError ? e.message : String(e); }
console.log(JSON.stringify(out));
`;

test('the AOT output runs under --disallow-code-generation-from-strings, from a file or a WebAssembly.Module', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cotangent-aot-'));
  try {
    const r = await buildAot(lower(dot), dir, 'dot', { description: 'a dot product', assemblyScript: true });
    await buildAot(tapeModule(), dir, 'tp');
    assert.equal(r.files.map((f) => f.slice(dir.length + 1)).sort(), ['dot.as.ts', 'dot.d.ts', 'dot.js', 'dot.wasm']);
    const js = await readFile(join(dir, 'dot.js'), 'utf8');
    assert.not.match(js, /\beval\s*\(|new Function|assemblyscript|binaryen/);
    const dts = await readFile(join(dir, 'dot.d.ts'), 'utf8');
    assert.match(dts, /\(a: Float64Array \| number\[\], b: Float64Array \| number\[\]\): number;/);
    assert.match(await readFile(join(dir, 'tp.d.ts'), 'utf8'), /\(x: number, n: number\): \[number, Float64Array\];/);
    await writeFile(join(dir, 'run.mjs'), RUNNER);
    const { stdout } = await promisify(execFile)(process.execPath, ['--disallow-code-generation-from-strings', join(dir, 'run.mjs')], { cwd: dir });
    const out = JSON.parse(stdout);
    assert.is(out.evalAllowed, false);
    assert.is(out.functionAllowed, false);
    assert.is(out.dot, 32);
    assert.is(out.fromModule, 11);
    assert.is(out.alloc, 1001);
    assert.equal(out.tp, [2 * (0.5 * 15), [0, 0.5, 1, 1.5, 2, 2.5]]);
    assert.match(out.typeError, /argument 1 \(`a`\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
