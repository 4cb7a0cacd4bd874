function hvp_logistic(w, X, y, n, tw) {
  // primal
  const d = w.length;
  const p = 1 / n;
  // adjoint
  const tdw = new Float64Array(d);
  // grad of: return loss / n
  for (let i = 0; i < (Math.ceil(n) | 0); i++) {
    let exp_neg_z, texp_neg_z, sum2, tsum2, exp_z, texp_z, sum3, tsum3, tdz;
    let z = 0;
    let tz = 0;
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      const X_sum = X[prod + j];
      z = z + X_sum * w[j];
      tz = tz + X_sum * tw[j];
    }
    const cond = z > 0;
    if (cond) {
      exp_neg_z = Math.exp(-z);
      const t_term9 = exp_neg_z * -tz;
      texp_neg_z = t_term9;
      sum2 = 1 + exp_neg_z;
      tsum2 = t_term9;
    } else {
      exp_z = Math.exp(z);
      const t_term11 = exp_z * tz;
      texp_z = t_term11;
      sum3 = 1 + exp_z;
      tsum3 = t_term11;
    }
    // grad of: loss += softplus - y[i] * z
    if (cond) {
      // grad of: softplus = z + Math.log(1 + Math.exp(-z))
      const p2 = 1 / sum2;
      tdz = -(exp_neg_z * (p * (-p2 / sum2 * tsum2)) + p * p2 * texp_neg_z);
    } else {
      // grad of: softplus = Math.log(1 + Math.exp(z))
      const p3 = 1 / sum3;
      tdz = exp_z * (p * (-p3 / sum3 * tsum3)) + p * p3 * texp_z;
    }
    for (let j = 0; j < d; j++) {
      // grad of: z += X[i * d + j] * w[j]
      tdw[j] += X[prod + j] * tdz;
    }
  }
  return tdw;
}
