// A two-layer perceptron (784→128→10, tanh hidden layer), softmax cross-entropy averaged over a
// batch, written with loops.
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

export function mlpLoss(
  W1: Float64Array,
  b1: Float64Array,
  W2: Float64Array,
  b2: Float64Array,
  X: Float64Array,
  labels: Float64Array,
  batch: number,
  nIn: number,
  nHid: number,
  nOut: number,
): number {
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const h = new Float64Array(nHid);
    for (let j = 0; j < nHid; j++) {
      let a = b1[j];
      for (let i = 0; i < nIn; i++) {
        a += W1[j * nIn + i] * X[s * nIn + i];
      }
      h[j] = Math.tanh(a);
    }
    const logits = new Float64Array(nOut);
    let m = -Infinity;
    for (let k = 0; k < nOut; k++) {
      let a = b2[k];
      for (let j = 0; j < nHid; j++) {
        a += W2[k * nHid + j] * h[j];
      }
      logits[k] = a;
      m = Math.max(m, a);
    }
    let se = 0;
    for (let k = 0; k < nOut; k++) {
      se += Math.exp(logits[k] - m);
    }
    loss += m + Math.log(se) - logits[labels[s]];
  }
  return loss / batch;
}

export function mlpGrad(
  W1: Float64Array,
  b1: Float64Array,
  W2: Float64Array,
  b2: Float64Array,
  X: Float64Array,
  labels: Float64Array,
  batch: number,
  nIn: number,
  nHid: number,
  nOut: number,
): Value[] {
  const gW1 = new Float64Array(nHid * nIn);
  const gb1 = new Float64Array(nHid);
  const gW2 = new Float64Array(nOut * nHid);
  const gb2 = new Float64Array(nOut);
  const h = new Float64Array(nHid);
  const gh = new Float64Array(nHid);
  const p = new Float64Array(nOut);
  const inv = 1 / batch;
  for (let s = 0; s < batch; s++) {
    const xo = s * nIn;
    for (let j = 0; j < nHid; j++) {
      let a = b1[j];
      const wo = j * nIn;
      for (let i = 0; i < nIn; i++) a += W1[wo + i] * X[xo + i];
      h[j] = Math.tanh(a);
    }
    let m = -Infinity;
    for (let k = 0; k < nOut; k++) {
      let a = b2[k];
      const wo = k * nHid;
      for (let j = 0; j < nHid; j++) a += W2[wo + j] * h[j];
      p[k] = a;
      if (a > m) m = a;
    }
    let se = 0;
    for (let k = 0; k < nOut; k++) {
      p[k] = Math.exp(p[k] - m);
      se += p[k];
    }
    const label = labels[s];
    gh.fill(0);
    for (let k = 0; k < nOut; k++) {
      // d loss / d logit_k = softmax_k - [k == label], averaged over the batch
      const gl = (p[k] / se - (k === label ? 1 : 0)) * inv;
      gb2[k] += gl;
      const wo = k * nHid;
      for (let j = 0; j < nHid; j++) {
        gW2[wo + j] += gl * h[j];
        gh[j] += gl * W2[wo + j];
      }
    }
    for (let j = 0; j < nHid; j++) {
      const ga = gh[j] * (1 - h[j] * h[j]);
      gb1[j] += ga;
      const wo = j * nIn;
      for (let i = 0; i < nIn; i++) gW1[wo + i] += ga * X[xo + i];
    }
  }
  return [gW1, gb1, gW2, gb2];
}

export const problem: Problem = {
  id: 'mlp',
  title: 'MLP cross-entropy',
  f: mlpLoss,
  scope: {},
  wrt: [0, 1, 2, 3],
  handGrad: mlpGrad,
  sizes: [
    {
      key: '784-128-10-b64',
      label: '784→128→10, batch 64',
      quick: true,
      params: { batch: 64, nIn: 784, nHid: 128, nOut: 10 },
    },
  ],
  checkParams: { batch: 3, nIn: 5, nHid: 4, nOut: 3 },
  generate({ batch, nIn, nHid, nOut }, seed) {
    const rng = new Rng(seed);
    const W1 = rng.normalArray(nHid * nIn, 1 / Math.sqrt(nIn));
    const b1 = rng.normalArray(nHid, 0.1);
    const W2 = rng.normalArray(nOut * nHid, 1 / Math.sqrt(nHid));
    const b2 = rng.normalArray(nOut, 0.1);
    const X = rng.uniformArray(batch * nIn);
    const labels = new Float64Array(batch);
    for (let s = 0; s < batch; s++) labels[s] = rng.int(nOut);
    return [W1, b1, W2, b2, X, labels, batch, nIn, nHid, nOut];
  },
  tfjs(tf, args) {
    const [W10, b10, W20, b20, X0, lab0, batch, nIn, nHid, nOut] = args as [
      Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
      number, number, number, number,
    ];
    const W1 = tf.tensor2d(Float32Array.from(W10), [nHid, nIn], 'float32');
    const b1 = tf.tensor1d(Float32Array.from(b10), 'float32');
    const W2 = tf.tensor2d(Float32Array.from(W20), [nOut, nHid], 'float32');
    const b2 = tf.tensor1d(Float32Array.from(b20), 'float32');
    const X = tf.tensor2d(Float32Array.from(X0), [batch, nIn], 'float32');
    const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(lab0), 'int32'), nOut).toFloat();
    return {
      params: [W1, b1, W2, b2],
      loss: (w1: any, c1: any, w2: any, c2: any) => {
        const h = tf.tanh(tf.matMul(X, w1, false, true).add(c1));
        const logits = tf.matMul(h, w2, false, true).add(c2);
        return tf.logSoftmax(logits).mul(onehot).sum().neg().div(batch);
      },
      dispose: () => tf.dispose([W1, b1, W2, b2, X, onehot]),
    };
  },
  jax(jax, args) {
    const np = jax.numpy;
    const [W10, b10, W20, b20, X0, lab0, batch, nIn, nHid, nOut] = args as [
      Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
      number, number, number, number,
    ];
    const f64 = { dtype: np.float64 };
    const W1 = np.array(W10, f64).reshape([nHid, nIn]);
    const b1 = np.array(b10, f64);
    const W2 = np.array(W20, f64).reshape([nOut, nHid]);
    const b2 = np.array(b20, f64);
    const X = np.array(X0, f64).reshape([batch, nIn]);
    const onehotData = new Float64Array(batch * nOut);
    for (let s = 0; s < batch; s++) onehotData[s * nOut + lab0[s]] = 1;
    const onehot = np.array(onehotData, f64).reshape([batch, nOut]);
    return {
      params: [W1, b1, W2, b2],
      consts: [X, onehot],
      loss: (w1: any, c1: any, w2: any, c2: any, x: any, oh: any) => {
        const h = np.tanh(np.matmul(x, w1.transpose()).add(c1));
        const logits = np.matmul(h, w2.transpose()).add(c2);
        return jax.nn.logSoftmax(logits).mul(oh).sum().neg().div(batch);
      },
      dispose: () => {
        for (const a of [W1, b1, W2, b2, X, onehot]) a.dispose();
      },
    };
  },
  torch: true,
};
