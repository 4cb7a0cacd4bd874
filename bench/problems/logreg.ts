// L2-regularised logistic regression: mean negative log-likelihood over n samples of d features.
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

export function logreg(
  w: Float64Array,
  b: number,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  lambda: number,
): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < d; j++) {
      z += X[i * d + j] * w[j];
    }
    // log(1 + exp(z)), written so that it cannot overflow
    let softplus = 0;
    if (z > 0) {
      softplus = z + Math.log(1 + Math.exp(-z));
    } else {
      softplus = Math.log(1 + Math.exp(z));
    }
    loss += softplus - y[i] * z;
  }
  let reg = 0;
  for (let j = 0; j < d; j++) {
    reg += w[j] * w[j];
  }
  return loss / n + 0.5 * lambda * reg;
}

export function logregGrad(
  w: Float64Array,
  b: number,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  lambda: number,
): Value[] {
  const gw = new Float64Array(d);
  let gb = 0;
  const inv = 1 / n;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let z = b;
    for (let j = 0; j < d; j++) z += X[row + j] * w[j];
    const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    const dz = (s - y[i]) * inv;
    gb += dz;
    for (let j = 0; j < d; j++) gw[j] += dz * X[row + j];
  }
  for (let j = 0; j < d; j++) gw[j] += lambda * w[j];
  return [gw, gb];
}

export const problem: Problem = {
  id: 'logreg',
  title: 'Logistic regression',
  f: logreg,
  scope: {},
  wrt: [0, 1],
  handGrad: logregGrad,
  sizes: [{ key: 'n5000-d100', label: 'n=5,000 d=100', quick: true, params: { n: 5000, d: 100 } }],
  checkParams: { n: 9, d: 4 },
  generate({ n, d }, seed) {
    const rng = new Rng(seed);
    const X = rng.normalArray(n * d);
    const wTrue = rng.normalArray(d, 1 / Math.sqrt(d));
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let z = 0.3;
      for (let j = 0; j < d; j++) z += X[i * d + j] * wTrue[j];
      y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    const w = rng.normalArray(d, 0.1);
    return [w, 0.1, X, y, n, d, 1e-3];
  },
  tfjs(tf, args) {
    const [w0, b0, X0, y0, n, d, lambda] = args as [Float64Array, number, Float64Array, Float64Array, number, number, number];
    const w = tf.tensor2d(Float32Array.from(w0), [d, 1], 'float32');
    const b = tf.scalar(b0, 'float32');
    const X = tf.tensor2d(Float32Array.from(X0), [n, d], 'float32');
    const y = tf.tensor2d(Float32Array.from(y0), [n, 1], 'float32');
    return {
      params: [w, b],
      loss: (wv: any, bv: any) => {
        const z = tf.matMul(X, wv).add(bv);
        const nll = tf.softplus(z).sub(y.mul(z)).mean();
        return nll.add(wv.square().sum().mul(0.5 * lambda));
      },
      dispose: () => tf.dispose([w, b, X, y]),
    };
  },
  jax(jax, args) {
    const np = jax.numpy;
    const [w0, b0, X0, y0, n, d, lambda] = args as [Float64Array, number, Float64Array, Float64Array, number, number, number];
    const w = np.array(w0, { dtype: np.float64 });
    const b = np.array(b0, { dtype: np.float64 });
    const X = np.array(X0, { dtype: np.float64 }).reshape([n, d]);
    const y = np.array(y0, { dtype: np.float64 });
    return {
      params: [w, b],
      consts: [X, y],
      loss: (wv: any, bv: any, Xv: any, yv: any) => {
        const z = np.matmul(Xv, wv.ref).add(bv);
        const nll = jax.nn.softplus(z.ref).sub(yv.mul(z)).mean();
        return nll.add(wv.ref.mul(wv).sum().mul(0.5 * lambda));
      },
      dispose: () => {
        for (const a of [w, b, X, y]) a.dispose();
      },
    };
  },
  torch: true,
};
