// Gaussian mixture model objective with a Wishart prior, as ADBench (Srajer et al. 2018) defines it.
//
// Parameters: alphas (K), means (K×d), icf (K × d(d+1)/2). Row k of icf holds the log of Q_k's
// diagonal (d entries), then Q_k's strictly lower triangle packed column by column. The inverse
// covariance is Σ_k⁻¹ = Q_kᵀQ_k, so a point's squared Mahalanobis distance is ‖Q_k(x − μ_k)‖².
// The value is ADBench's: the log-likelihood (with its -n·d/2·log 2π constant and ADBench's
// π = 3.14159265359) plus the negative log Wishart prior with parameters γ and m.
// The objective is a plain port of ADBench's C++, except that ‖Q(x − μ)‖² is summed row by row in a
// scalar (ADBench accumulates Q·(x − μ) column by column into a scratch array; the arithmetic is
// the same and the speed was indistinguishable here).
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

/** ADBench's C++ reference uses this value of π. */
export const ADBENCH_PI = 3.14159265359;

/** log Γ(x) for x ≥ 0.5 (Lanczos approximation, g = 7). */
export function lgamma(x: number): number {
  const z = x - 1;
  const a =
    0.99999999999980993 +
    676.5203681218851 / (z + 1) -
    1259.1392167224028 / (z + 2) +
    771.32342877765313 / (z + 3) -
    176.61502916214059 / (z + 4) +
    12.507343278686905 / (z + 5) -
    0.13857109526572012 / (z + 6) +
    9.9843695780195716e-6 / (z + 7) +
    1.5056327351493116e-7 / (z + 8);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Log of the multivariate gamma function Γ_p(a). */
export function logGammaDistrib(a: number, p: number): number {
  let out = 0.25 * p * (p - 1) * Math.log(ADBENCH_PI);
  for (let j = 1; j <= p; j++) {
    out += lgamma(a + 0.5 * (1 - j));
  }
  return out;
}

export function gmmObjective(
  alphas: Float64Array,
  means: Float64Array,
  icf: Float64Array,
  x: Float64Array,
  d: number,
  K: number,
  n: number,
  wishartGamma: number,
  wishartM: number,
): number {
  const icfSize = (d * (d + 1)) / 2;

  // exp of Q's diagonal, and the sum of its logs (= log det Q), per component
  const qdiag = new Float64Array(K * d);
  const sumQ = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const q = icf[k * icfSize + j];
      qdiag[k * d + j] = Math.exp(q);
      s += q;
    }
    sumQ[k] = s;
  }

  const xc = new Float64Array(d);
  const mainTerm = new Float64Array(K);
  let slse = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        xc[j] = x[i * d + j] - means[k * d + j];
      }
      // ‖Q_k xc‖², one row of Q_k at a time
      let sq = 0;
      for (let j = 0; j < d; j++) {
        let z = qdiag[k * d + j] * xc[j];
        for (let l = 0; l < j; l++) {
          // Q_k[j][l] sits at offset l(2d − l − 1)/2 + (j − l − 1) in the packed lower triangle
          z += icf[k * icfSize + d + (l * (2 * d - l - 1)) / 2 + j - l - 1] * xc[l];
        }
        sq += z * z;
      }
      mainTerm[k] = alphas[k] + sumQ[k] - 0.5 * sq;
    }
    // log-sum-exp over the components
    let mx = mainTerm[0];
    for (let k = 1; k < K; k++) {
      mx = Math.max(mx, mainTerm[k]);
    }
    let se = 0;
    for (let k = 0; k < K; k++) {
      se += Math.exp(mainTerm[k] - mx);
    }
    slse += mx + Math.log(se);
  }

  let amax = alphas[0];
  for (let k = 1; k < K; k++) {
    amax = Math.max(amax, alphas[k]);
  }
  let ase = 0;
  for (let k = 0; k < K; k++) {
    ase += Math.exp(alphas[k] - amax);
  }
  const lseAlphas = amax + Math.log(ase);

  const constant = -n * d * 0.5 * Math.log(2 * ADBENCH_PI);
  const logLikelihood = constant + slse - n * lseAlphas;

  // negative log Wishart prior
  const nW = d + wishartM + 1;
  const C = nW * d * (Math.log(wishartGamma) - 0.5 * Math.log(2)) - logGammaDistrib(0.5 * nW, d);
  let prior = 0;
  for (let k = 0; k < K; k++) {
    let frob = 0;
    for (let j = 0; j < d; j++) {
      frob += qdiag[k * d + j] * qdiag[k * d + j];
    }
    for (let l = d; l < icfSize; l++) {
      const v = icf[k * icfSize + l];
      frob += v * v;
    }
    prior += 0.5 * wishartGamma * wishartGamma * frob - wishartM * sumQ[k];
  }
  prior -= K * C;

  return logLikelihood + prior;
}

/** Hand-derived reverse-mode gradient w.r.t. alphas, means and icf. */
export function gmmGrad(
  alphas: Float64Array,
  means: Float64Array,
  icf: Float64Array,
  x: Float64Array,
  d: number,
  K: number,
  n: number,
  wishartGamma: number,
  wishartM: number,
): Value[] {
  const icfSize = (d * (d + 1)) / 2;
  const gAlphas = new Float64Array(K);
  const gMeans = new Float64Array(K * d);
  const gIcf = new Float64Array(K * icfSize);

  const qdiag = new Float64Array(K * d);
  const sumQ = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const q = icf[k * icfSize + j];
      qdiag[k * d + j] = Math.exp(q);
      s += q;
    }
    sumQ[k] = s;
  }

  const xcs = new Float64Array(K * d); // x_i − μ_k for every k
  const zs = new Float64Array(K * d); // Q_k (x_i − μ_k)
  const main = new Float64Array(K);
  const gxc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    for (let k = 0; k < K; k++) {
      const ko = k * d;
      const base = k * icfSize;
      for (let j = 0; j < d; j++) {
        const c = x[xo + j] - means[ko + j];
        xcs[ko + j] = c;
        zs[ko + j] = qdiag[ko + j] * c;
      }
      let idx = base + d;
      for (let l = 0; l < d; l++) {
        const c = xcs[ko + l];
        for (let j = l + 1; j < d; j++) zs[ko + j] += icf[idx++] * c;
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += zs[ko + j] * zs[ko + j];
      main[k] = alphas[k] + sumQ[k] - 0.5 * sq;
    }
    let mx = main[0];
    for (let k = 1; k < K; k++) if (main[k] > mx) mx = main[k];
    let se = 0;
    for (let k = 0; k < K; k++) {
      main[k] = Math.exp(main[k] - mx);
      se += main[k];
    }
    const inv = 1 / se;
    for (let k = 0; k < K; k++) {
      const w = main[k] * inv; // responsibility of component k for point i
      const ko = k * d;
      const base = k * icfSize;
      gAlphas[k] += w;
      // main = … − ½‖z‖², so d main / dz = −z
      for (let j = 0; j < d; j++) {
        const gz = -w * zs[ko + j];
        zs[ko + j] = gz; // reuse as the adjoint of z
        gIcf[base + j] += w + gz * xcs[ko + j] * qdiag[ko + j];
        gxc[j] = gz * qdiag[ko + j];
      }
      let idx = base + d;
      for (let l = 0; l < d; l++) {
        const c = xcs[ko + l];
        let acc = 0;
        for (let j = l + 1; j < d; j++) {
          const gz = zs[ko + j];
          gIcf[idx] += gz * c;
          acc += gz * icf[idx];
          idx++;
        }
        gxc[l] += acc;
      }
      for (let j = 0; j < d; j++) gMeans[ko + j] -= gxc[j];
    }
  }

  // − n · logsumexp(alphas)
  let amax = alphas[0];
  for (let k = 1; k < K; k++) if (alphas[k] > amax) amax = alphas[k];
  let ase = 0;
  for (let k = 0; k < K; k++) ase += Math.exp(alphas[k] - amax);
  for (let k = 0; k < K; k++) gAlphas[k] -= (n * Math.exp(alphas[k] - amax)) / ase;

  // prior: ½γ²‖Q‖²_F − m·Σ log diag
  const g2 = wishartGamma * wishartGamma;
  for (let k = 0; k < K; k++) {
    const base = k * icfSize;
    for (let j = 0; j < d; j++) {
      const e = qdiag[k * d + j];
      gIcf[base + j] += g2 * e * e - wishartM;
    }
    for (let l = d; l < icfSize; l++) gIcf[base + l] += g2 * icf[base + l];
  }
  return [gAlphas, gMeans, gIcf];
}

/**
 * Where column l of Q_k comes from in a row of icf: Q[l][l] = exp(icf[l]) and rows l+1 … d−1 are the
 * contiguous slice starting at d + l(2d − l − 1)/2. Peers build Qᵀ column by column from these
 * slices (slices and concatenation have cheap gradients on every backend; gathers do not).
 */
function columnOffsets(d: number): number[] {
  const off: number[] = [];
  for (let l = 0; l < d; l++) off.push(d + (l * (2 * d - l - 1)) / 2);
  return off;
}

function priorConstant(d: number, K: number, n: number, gamma: number, m: number): number {
  const nW = d + m + 1;
  const C = nW * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaDistrib(0.5 * nW, d);
  return -n * d * 0.5 * Math.log(2 * ADBENCH_PI) - K * C;
}

type GmmArgs = [Float64Array, Float64Array, Float64Array, Float64Array, number, number, number, number, number];

export const problem: Problem = {
  id: 'gmm',
  title: 'GMM (ADBench)',
  f: gmmObjective,
  scope: { lgamma, logGammaDistrib, ADBENCH_PI },
  wrt: [0, 1, 2],
  handGrad: gmmGrad,
  sizes: [
    { key: 'd2-K5', label: 'd=2 K=5 n=1000', quick: true, params: { d: 2, K: 5, n: 1000 } },
    { key: 'd10-K25', label: 'd=10 K=25 n=1000', quick: true, params: { d: 10, K: 25, n: 1000 } },
    { key: 'd64-K100', label: 'd=64 K=100 n=1000', quick: false, params: { d: 64, K: 100, n: 1000 } },
  ],
  checkParams: { d: 3, K: 4, n: 6 },
  generate({ d, K, n }, seed) {
    const rng = new Rng(seed);
    const icfSize = (d * (d + 1)) / 2;
    const alphas = rng.normalArray(K);
    const means = rng.uniformArray(K * d);
    const icf = new Float64Array(K * icfSize);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < icfSize; j++) icf[k * icfSize + j] = j < d ? rng.range(-0.5, 0.5) : rng.normal() * 0.3;
    }
    const x = rng.uniformArray(n * d);
    // γ ≠ 1 and m ≠ 0 so that no prior term vanishes (ADBench's own files use γ = 1, m = 0).
    return [alphas, means, icf, x, d, K, n, 1.3, 2];
  },
  tfjs(tf, args) {
    const [a0, m0, i0, x0, d, K, n, gamma, wm] = args as GmmArgs;
    const icfSize = (d * (d + 1)) / 2;
    const alphas = tf.tensor1d(Float32Array.from(a0), 'float32');
    const means = tf.tensor2d(Float32Array.from(m0), [K, d], 'float32');
    const icf = tf.tensor2d(Float32Array.from(i0), [K, icfSize], 'float32');
    const x = tf.tensor2d(Float32Array.from(x0), [n, d], 'float32');
    const off = columnOffsets(d);
    const c0 = priorConstant(d, K, n, gamma, wm);
    return {
      params: [alphas, means, icf],
      loss: (al: any, mu: any, ic: any) => {
        const logdiag = ic.slice([0, 0], [K, d]);
        const diag = logdiag.exp();
        // Qᵀ[k][l][j] = Q[k][j][l]: row l of Qᵀ is column l of Q
        const cols = [];
        for (let l = 0; l < d; l++) {
          const parts = [];
          if (l > 0) parts.push(tf.zeros([K, l]));
          parts.push(diag.slice([0, l], [K, 1]));
          if (l < d - 1) parts.push(ic.slice([0, off[l]], [K, d - l - 1]));
          cols.push(parts.length > 1 ? tf.concat(parts, 1) : parts[0]);
        }
        const QT = tf.stack(cols, 1); // K × d × d
        const sumQ = logdiag.sum(1); // K
        const xc = x.expandDims(0).sub(mu.expandDims(1)); // K × n × d
        const z = tf.matMul(xc, QT); // K × n × d: z = Q (x − μ)
        const sq = z.square().sum(2); // K × n
        const main = al.add(sumQ).expandDims(1).sub(sq.mul(0.5)); // K × n
        const slse = tf.logSumExp(main, 0).sum();
        const ll = slse.sub(tf.logSumExp(al).mul(n));
        const frob = diag.square().sum(1).add(ic.slice([0, d], [K, icfSize - d]).square().sum(1));
        const prior = frob.mul(0.5 * gamma * gamma).sub(sumQ.mul(wm)).sum();
        return ll.add(prior).add(c0);
      },
      dispose: () => tf.dispose([alphas, means, icf, x]),
    };
  },
  jax(jax, args) {
    const np = jax.numpy;
    const [a0, m0, i0, x0, d, K, n, gamma, wm] = args as GmmArgs;
    const icfSize = (d * (d + 1)) / 2;
    const f64 = { dtype: np.float64 };
    const alphas = np.array(a0, f64);
    const means = np.array(m0, f64).reshape([K, d]);
    const icf = np.array(i0, f64).reshape([K, icfSize]);
    const x = np.array(x0, f64).reshape([n, d]);
    const off = columnOffsets(d);
    const c0 = priorConstant(d, K, n, gamma, wm);
    return {
      params: [alphas, means, icf],
      consts: [x],
      loss: (al: any, mu: any, ic: any, xv: any) => {
        const logdiag = ic.ref.slice([], [0, d]);
        const diag = np.exp(logdiag.ref);
        const cols = [];
        for (let l = 0; l < d; l++) {
          const parts = [];
          if (l > 0) parts.push(np.zeros([K, l], f64));
          parts.push(diag.ref.slice([], [l, l + 1]));
          if (l < d - 1) parts.push(ic.ref.slice([], [off[l], off[l] + d - l - 1]));
          cols.push(parts.length > 1 ? np.concatenate(parts, 1) : parts[0]);
        }
        const QT = np.stack(cols, 1); // K × d × d
        const sumQ = logdiag.sum(1);
        const xc = xv.reshape([1, n, d]).sub(mu.reshape([K, 1, d]));
        const z = np.matmul(xc, QT);
        const sq = z.ref.mul(z).sum(2);
        const main = al.ref.add(sumQ.ref).reshape([K, 1]).sub(sq.mul(0.5));
        const slse = jax.nn.logsumexp(main, 0).sum();
        const ll = slse.sub(jax.nn.logsumexp(al).mul(n));
        const offd = ic.slice([], [d, icfSize]);
        const frob = diag.ref.mul(diag).sum(1).add(offd.ref.mul(offd).sum(1));
        const prior = frob.mul(0.5 * gamma * gamma).sub(sumQ.mul(wm)).sum();
        return ll.add(prior).add(c0);
      },
      dispose: () => {
        for (const a of [alphas, means, icf, x]) a.dispose();
      },
    };
  },
  torch: true,
  native: true,
};
