// Extended Rosenbrock function in n dimensions.
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

export function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    s += 100 * a * a + b * b;
  }
  return s;
}

export function rosenbrockGrad(x: Float64Array): Value[] {
  const n = x.length;
  const g = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    const a = x[i + 1] - xi * xi;
    g[i] += -400 * a * xi - 2 * (1 - xi);
    g[i + 1] += 200 * a;
  }
  return [g];
}

export const problem: Problem = {
  id: 'rosenbrock',
  title: 'Rosenbrock',
  f: rosenbrock,
  scope: {},
  wrt: 0,
  handGrad: rosenbrockGrad,
  sizes: [
    { key: 'n1e3', label: 'n=1,000', quick: true, params: { n: 1000 } },
    { key: 'n1e5', label: 'n=100,000', quick: true, params: { n: 100000 } },
  ],
  checkParams: { n: 7 },
  generate({ n }, seed) {
    const rng = new Rng(seed);
    return [rng.uniformArray(n, -1.5, 1.5)];
  },
  tfjs(tf, args) {
    const x0 = args[0] as Float64Array;
    const n = x0.length;
    const x = tf.tensor1d(Float32Array.from(x0), 'float32');
    return {
      params: [x],
      loss: (v: any) => {
        const head = v.slice(0, n - 1);
        const tail = v.slice(1, n - 1);
        const a = tail.sub(head.square());
        const b = tf.scalar(1).sub(head);
        return a.square().mul(100).add(b.square()).sum();
      },
      dispose: () => x.dispose(),
    };
  },
  jax(jax, args) {
    const np = jax.numpy;
    const x0 = args[0] as Float64Array;
    const n = x0.length;
    const x = np.array(x0, { dtype: np.float64 });
    return {
      params: [x],
      consts: [],
      loss: (v: any) => {
        const head = v.ref.slice([0, n - 1]);
        const tail = v.slice([1, n]);
        const a = tail.sub(head.ref.mul(head.ref));
        const b = np.subtract(1, head);
        return a.ref.mul(a).mul(100).add(b.ref.mul(b)).sum();
      },
      dispose: () => x.dispose(),
    };
  },
  torch: true,
};
