// Dense derivatives for small problems, as JAX's jacfwd/jacrev and hessian:
// built from grad, jvp and hvp, never from anything else.
import { checkCall, grad, hvp, jvp, type Options, type SourceFunction } from './index.js';

type Fn = ((...args: any[]) => number | Float64Array) | SourceFunction;

/**
 * `jacobian(f, { wrt })(...args)`: ∂f/∂args[wrt] as a row-major
 * Float64Array of (result length) × (argument length). A scalar-valued `f`
 * takes one reverse pass (its gradient); an array-valued one takes one
 * forward pass per input component. Scalar by scalar gives a number.
 */
export function jacobian(f: Fn, options?: Omit<Options, 'wrt' | 'preserveResult'> & { wrt?: number }) {
  const opts = checkCall('jacobian', f, options) as Omit<Options, 'wrt' | 'preserveResult'> & { wrt?: number };
  const k = opts.wrt ?? 0;
  const fwd = jvp(f as (...a: any[]) => number, { ...opts, wrt: k });
  return (...args: unknown[]): number | Float64Array => {
    const x = args[k];
    const n = typeof x === 'number' ? 1 : (x as ArrayLike<number>).length;
    const unit = (j: number) => {
      if (typeof x === 'number') return 1;
      const e = new Float64Array(n);
      e[j] = 1;
      return e;
    };
    const first = fwd(...args, unit(0)) as number | Float64Array;
    if (typeof first === 'number') {
      if (typeof x === 'number') return first;
      return grad(f as (...a: any[]) => number, { ...opts, wrt: k })(...args) as Float64Array;
    }
    const m = first.length;
    const J = new Float64Array(m * n);
    for (let j = 0; j < n; j++) {
      const col = j === 0 ? first : (fwd(...args, unit(j)) as Float64Array);
      for (let i = 0; i < m; i++) J[i * n + j] = col[i];
    }
    return J;
  };
}

/**
 * `hessian(f, { wrt })(...args)`: the n × n Hessian of scalar-valued `f`
 * with respect to argument `wrt`, row-major, from n Hessian-vector products
 * (a number for a scalar argument).
 */
export function hessian(f: Fn, options?: Omit<Options, 'wrt' | 'preserveResult'> & { wrt?: number }) {
  const opts = checkCall('hessian', f, options) as Omit<Options, 'wrt' | 'preserveResult'> & { wrt?: number };
  const k = opts.wrt ?? 0;
  const hv = hvp(f as (...a: any[]) => number, { ...opts, wrt: k });
  return (...args: unknown[]): number | Float64Array => {
    const x = args[k];
    if (typeof x === 'number') return hv(...args, 1) as number;
    const n = (x as ArrayLike<number>).length;
    const H = new Float64Array(n * n);
    const e = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      const col = hv(...args, e) as Float64Array;
      for (let i = 0; i < n; i++) H[i * n + j] = col[i];
    }
    return H;
  };
}
