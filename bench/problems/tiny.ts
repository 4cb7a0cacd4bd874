// A tiny scalar function of two numbers: measures per-call overhead.
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

export function tiny(x: number, y: number): number {
  return x * y + Math.sin(x) * Math.exp(-y * y);
}

export function tinyGrad(x: number, y: number): Value[] {
  const e = Math.exp(-y * y);
  return [y + Math.cos(x) * e, x - 2 * y * Math.sin(x) * e];
}

export const problem: Problem = {
  id: 'tiny',
  title: 'Tiny scalar',
  f: tiny,
  scope: {},
  wrt: [0, 1],
  handGrad: tinyGrad,
  sizes: [{ key: 'xy', label: 'f(x, y) = x·y + sin x·exp(−y²)', quick: true, params: {} }],
  checkParams: {},
  generate(_p, seed) {
    const rng = new Rng(seed);
    return [rng.range(-2, 2), rng.range(-2, 2)];
  },
  tfjs(tf, args) {
    const x = tf.scalar(args[0] as number, 'float32');
    const y = tf.scalar(args[1] as number, 'float32');
    return {
      params: [x, y],
      loss: (a: any, b: any) => a.mul(b).add(tf.sin(a).mul(tf.exp(b.square().neg()))),
      dispose: () => {
        x.dispose();
        y.dispose();
      },
    };
  },
  jax(jax, args) {
    const np = jax.numpy;
    const x = np.array(args[0] as number, { dtype: np.float64 });
    const y = np.array(args[1] as number, { dtype: np.float64 });
    return {
      params: [x, y],
      consts: [],
      loss: (a: any, b: any) => {
        const e = np.exp(b.ref.mul(b.ref).neg());
        return a.ref.mul(b).add(np.sin(a).mul(e));
      },
      dispose: () => {
        x.dispose();
        y.dispose();
      },
    };
  },
  torch: true,
};
