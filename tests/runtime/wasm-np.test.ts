// cotangent/np through the WebAssembly backend (kernels of assembly/kernels.ts):
// primal values and derivatives equal the JavaScript path, shape errors are
// the same TypeErrors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, fromSource, grad, hvp } from '../../runtime/index.js';
import { close, rng, randomArray } from '../emit/as/support.js';

const SOURCE = `import * as np from 'cotangent/np';

export function layers(x: Float64Array, W: Float64Array, V: Float64Array, m: number, k: number) {
  const h = np.tanh(np.matvec(W, x, m, k));
  const z = np.vecmat(h, V, m, k);
  const p = np.softmax(np.add(z, np.mul(0.5, x)));
  const q = np.div(np.sigmoid(np.sub(1, z)), np.add(2, np.abs(x)));
  const r = np.maximum(np.minimum(q, 0.4), np.relu(np.neg(z)));
  return np.sum(np.mul(p, np.log(np.add(q, 1)))) + np.dot(r, x) + np.max(z) - np.min(h) + np.mean(np.sqrt(np.add(np.exp(r), 1)));
}

export function shapes(A: Float64Array, B: Float64Array, m: number, k: number, n: number) {
  const C = np.matmul(A, B, m, k, n);
  const T = np.transpose(C, m, n);
  const D = np.matmulNT(C, C, m, n, m);
  const E = np.matmulTN(A, A, k, m, k);
  const o = np.outer(np.slice(T, 1, -1), np.slice(A, -3));
  const c = np.concat(np.full(2, 0.25), np.copy(np.slice(B, 2)));
  const w = np.pow(np.add(np.ones(c.length), np.mul(c, c)), 1.5);
  const s = np.sin(np.cos(np.sub(np.fill(w, 0.1), w)));
  return np.sum(D) * 0.01 + np.sum(E) * 0.02 + np.logsumexp(o) + np.dot(s, w) + np.sum(np.zeros(3)) + np.sum(np.pow(1.1, np.slice(w, 0, 2)));
}
`;

const layers = fromSource(SOURCE, 'layers');
const shapes = fromSource(SOURCE, 'shapes');

const r = rng(11);
const m = 3, k = 4, n = 2;
const x = randomArray(r, k), W = randomArray(r, m * k), V = randomArray(r, m * k);
const A = randomArray(r, m * k), B = randomArray(r, k * n);
const tx = randomArray(r, k);

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
function agree(label: string, got: unknown, want: unknown, tol = 1e-12) {
  const g = flat(got), w = flat(want);
  assert.is(g.length, w.length, label);
  g.forEach((v, i) => assert.ok(close(v, w[i], tol), `${label} [${i}]: wasm ${String(v)}, js ${String(w[i])}`));
}

test('np operations compile to kernel calls and agree with the JS path', async () => {
  const f = await compile(layers);
  assert.match(f.assemblyScript, /import \{[^}]*np_matvec[^}]*\} from '\.\/kernels';/);
  // The JS path's value of a function given as source: the primal a gradient preserves.
  agree('layers', f(x, W, V, m, k), (grad(layers, { preserveResult: true })(x, W, V, m, k) as [unknown, number])[1]);
});

test('gradients and Hessian-vector products with np agree with the JS path', async () => {
  const gl = grad(layers, { wrt: [0, 1, 2] });
  agree('grad(layers)', (await compile(gl))(x, W, V, m, k), gl(x, W, V, m, k));
  const h = hvp(layers);
  agree('hvp(layers)', (await compile(h))(x, W, V, m, k, tx), h(x, W, V, m, k, tx));
  // matmul (NT, TN), transpose, outer, slice with negative bounds, concat, full/ones/zeros/fill/copy, pow both ways
  const gs = grad(shapes, { wrt: [0, 1], preserveResult: true });
  agree('grad(shapes)', (await compile(gs))(A, B, m, k, n), gs(A, B, m, k, n));
});

test('a shape error is the TypeError the JS path throws', async () => {
  const f = await compile(layers);
  let js: unknown, wasm: unknown;
  try { grad(layers, { preserveResult: true })(x, W, V, m + 1, k); } catch (e) { js = e; }
  try { f(x, W, V, m + 1, k); } catch (e) { wasm = e; }
  assert.ok(js instanceof TypeError, String(js));
  assert.ok(wasm instanceof TypeError, String(wasm));
  assert.match((wasm as Error).message, /^np\.matvec: A has the wrong length/);
  assert.match((js as Error).message, /^np\.matvec: A has length/);
  assert.is(f(x, W, V, m, k), f(x, W, V, m, k), 'usable after the error');
});

test.run();
