function dlogistic_dw(w, X, y, n) {
  // primal
  const d = w.length;
  // adjoint
  const dw = new Float64Array(d);
  // grad of: return loss / n
  const p = 1 / n;
  const dprod = -p;
  for (let i = 0; i < (Math.ceil(n) | 0); i++) {
    let exp_neg_z, sum2, exp_z, sum3, dz;
    let z = 0;
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      z += X[prod + j] * w[j];
    }
    const cond = z > 0;
    if (cond) {
      exp_neg_z = Math.exp(-z);
      sum2 = 1 + exp_neg_z;
    } else {
      exp_z = Math.exp(z);
      sum3 = 1 + exp_z;
    }
    // grad of: loss += softplus - y[i] * z
    const dprod2_z = dprod * y[i];
    if (cond) {
      // grad of: softplus = z + Math.log(1 + Math.exp(-z))
      dz = dprod2_z + p;
      dz -= p * (1 / sum2) * exp_neg_z;
    } else {
      // grad of: softplus = Math.log(1 + Math.exp(z))
      dz = dprod2_z + p * (1 / sum3) * exp_z;
    }
    for (let j = 0; j < d; j++) {
      // grad of: z += X[i * d + j] * w[j]
      dw[j] += dz * X[prod + j];
    }
  }
  return dw;
}
