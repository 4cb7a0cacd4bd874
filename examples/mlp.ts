// An MLP (784 → 128 → 10) trained with SGD on a synthetic batch, written with
// cotangent/np, differentiated by cotangent: `npx tsx examples/mlp.ts`.
import * as np from '../runtime/np.js';
import { grad } from '../runtime/index.js';

/** Mean softmax cross-entropy of a one-hidden-layer tanh network on a batch (row-major X: batch × nIn). */
export function mlpLoss(W1: Float64Array, b1: Float64Array, W2: Float64Array, b2: Float64Array,
  X: Float64Array, labels: Float64Array, batch: number, nIn: number, nHid: number, nOut: number): number {
  // hidden = tanh(X · W1 + b1), logits = hidden · W2 + b2, both batch-major
  const hidden = np.tanh(np.add(np.matmul(X, W1, batch, nIn, nHid), np.matmul(np.ones(batch), b1, batch, 1, nHid)));
  const logits = np.add(np.matmul(hidden, W2, batch, nHid, nOut), np.matmul(np.ones(batch), b2, batch, 1, nOut));
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const row = np.slice(logits, s * nOut, (s + 1) * nOut);
    loss += np.logsumexp(row) - row[labels[s]];
  }
  return loss / batch;
}

const batch = 64, nIn = 784, nHid = 128, nOut = 10;
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const X = Float64Array.from({ length: batch * nIn }, rand);
const labels = Float64Array.from({ length: batch }, (_, i) => i % nOut);
let W1: Float64Array = Float64Array.from({ length: nIn * nHid }, () => rand() * 0.05);
let b1: Float64Array = new Float64Array(nHid);
let W2: Float64Array = Float64Array.from({ length: nHid * nOut }, () => rand() * 0.1);
let b2: Float64Array = new Float64Array(nOut);

const dLoss = grad(mlpLoss, { wrt: [0, 1, 2, 3], preserveResult: true, scope: { np } });
const rate = 0.5;
for (let step = 0; step < 10; step++) {
  const t0 = performance.now();
  const [[gW1, gb1, gW2, gb2], loss] = dLoss(W1, b1, W2, b2, X, labels, batch, nIn, nHid, nOut) as [Float64Array[], number];
  const ms = performance.now() - t0;
  W1 = np.sub(W1, np.mul(gW1, rate)); b1 = np.sub(b1, np.mul(gb1, rate));
  W2 = np.sub(W2, np.mul(gW2, rate)); b2 = np.sub(b2, np.mul(gb2, rate));
  console.log(`step ${step}: loss ${loss.toFixed(6)}  (gradient in ${ms.toFixed(1)} ms)`);
}
if (process.argv.includes('--source')) console.log(dLoss.source);
