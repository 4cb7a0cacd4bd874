// compile(): the same function through WebAssembly, for every kind of
// derivative the API makes, with the properties API.md promises.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { mismatch } from '../support/fd.js';

function rosenbrock(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}
function scale(a: number, b: number) { return Math.sin(a) * b + a * a; }

const x = new Float64Array([0.5, 1.2, -0.3, 0.8, 1.1, -0.7]);
const v = new Float64Array([1, -0.5, 0.25, 2, 0, 1]);

test('compile(grad(f)), compile(jvp(f)), compile(hvp(f)) and compile(f) agree with the JS path', async () => {
  const g = grad(rosenbrock), j = jvp(rosenbrock), h = hvp(rosenbrock);
  const [wg, wj, wh, wf] = await Promise.all([compile(g), compile(j), compile(h), compile(rosenbrock)]);
  assert.is(mismatch(wg(x) as Float64Array, g(x) as Float64Array, 1e-12, 0), '');
  assert.is(mismatch(wj(x, v) as number, j(x, v) as number, 1e-12, 0), '');
  assert.is(mismatch(wh(x, v) as Float64Array, h(x, v) as Float64Array, 1e-12, 0), '');
  assert.is(mismatch(wf(x) as number, rosenbrock(x), 1e-12, 0), '');
});

test('compile keeps the options a derivative was made with', async () => {
  const g = grad(scale, { wrt: [0, 1], preserveResult: true });
  const w = await compile(g);
  const [[da, db], value] = w(0.3, 2) as [[number, number], number];
  const [[ja, jb], jvalue] = g(0.3, 2) as [[number, number], number];
  assert.equal([da, db, value], [ja, jb, jvalue]);
  assert.is(w.source, g.source);
  assert.ok(w.assemblyScript.includes('function'), 'carries its AssemblyScript');
  assert.ok(w.wasm instanceof Uint8Array && w.wasm[0] === 0 && w.wasm[1] === 0x61, 'carries the module bytes');
});

test('alloc gives arrays that are passed without copying; arguments are still checked', async () => {
  const w = await compile(grad(rosenbrock));
  const view = w.alloc(x.length);
  view.set(x);
  assert.is(mismatch(w(view) as Float64Array, grad(rosenbrock)(x) as Float64Array, 1e-12, 0), '');
  w.free(view);
  assert.throws(() => w('nope'), (e: unknown) => e instanceof TypeError && /argument 1/.test((e as Error).message));
});

test('cotangent/np operations run on the Wasm path too', async () => {
  const f = fromSource("import * as np from 'cotangent/np';\nexport function f(x: Float64Array) {\n  return np.sum(np.exp(x)) + np.dot(x, x);\n}\n", 'f');
  const w = await compile(grad(f));
  assert.is(mismatch(w(x) as Float64Array, grad(f)(x) as Float64Array, 1e-12, 0), '');
});

test.run();
