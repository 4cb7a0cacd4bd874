// Derivatives nobody holds are not kept alive by Node's cache of generated
// sources' maps (with source maps enabled: node --enable-source-maps, tsx).
//
// BUG C14, fixed: each derivative was evaluated under a URL of its own
// (`//# sourceURL=cotangent:///df_da-17.js`) with an inline source map, and Node
// keeps every generated source's map in a Map keyed by that URL, for good:
// the map, the generated source and the user's source (~4 KB each). Making
// 2,000 gradients of one function grew the heap by ~11 MB. The URL is now a
// hash of the generated code and its map: a repeat replaces its own entry, and
// two different maps never share a URL (tests/emit/js/sourcemap.test.ts checks
// that stack traces still map to the user's lines).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fromSource, grad } from '../../runtime/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };

const src = 'function f(a, x) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s = Math.sin(s) * x[i] + a;\n  return s;\n}';

/** The URL the derivative's code was evaluated under (raw call sites: no source-map translation). */
function urlOf(d: (...a: any[]) => unknown, ...args: unknown[]): string {
  const prepare = Error.prepareStackTrace;
  let url = '';
  Error.prepareStackTrace = (_e, sites) => {
    url = sites.map((s) => s.getScriptNameOrSourceURL() ?? '').find((n) => n.startsWith('cotangent:///')) ?? '';
    return '';
  };
  try {
    d(...args);
  } catch (e) {
    void (e as Error).stack;
  } finally {
    Error.prepareStackTrace = prepare;
  }
  return url;
}

test('the same derivative made again is evaluated under the same URL; a different one under another', () => {
  // np.dot of arrays of different lengths throws inside the generated code.
  const dot = (file: string, k = 1) => fromSource(`import * as np from 'cotangent/np';\nexport function f(x: Float64Array, y: Float64Array) {\n  return ${k} * np.dot(x, y) * np.dot(x, x);\n}`, 'f', file);
  const args = [new Float64Array(3), new Float64Array(2)];
  const first = urlOf(grad(dot('a.ts')), ...args);
  assert.match(first, /^cotangent:\/\/\/df_dx-[0-9a-f]{16}\.js$/);
  assert.is(urlOf(grad(dot('a.ts')), ...args), first, 'same code and map: same URL');
  assert.is.not(urlOf(grad(dot('b.ts')), ...args), first, 'another file name (another map): another URL');
  assert.is.not(urlOf(grad(dot('a.ts', 2)), ...args), first, 'other code: another URL');
});

test('making many derivatives of one function does not grow the heap', () => {
  process.setSourceMapsEnabled(true);
  // Unoptimised: cheaper to make, and as large a source map each.
  const make = () => grad(fromSource(src, 'f'), { wrt: [0, 1], optimized: false });
  for (let i = 0; i < 100; i++) make();
  const base = heap();
  for (let i = 0; i < 600; i++) make();
  const grown = heap() - base;
  // ~0.6 MB of it is there with source maps off too; a URL per derivative kept ~3 MB.
  assert.ok(grown < 1.5e6, `${(grown / 1e6).toFixed(1)} MB kept by 600 derivatives nobody holds`);
});

test.run();
