function dlogistic_dw(w, X, y, n) {
  // primal
  const d = w.length;
  let loss = 0;
  const loss_at = new Float64Array(Math.ceil(Math.max(n, 0)) | 0);
  for (let i = 0; i < n; i++) {
    loss_at[i] = loss;
    let z3 = 0;
    for (let j2 = 0; j2 < d; j2++) {
      z3 += X[i * d + j2] * w[j2];
    }
    let softplus2 = 0;
    if (z3 > 0) {
      softplus2 = z3 + Math.log(1 + Math.exp(-z3));
    } else {
      softplus2 = Math.log(1 + Math.exp(z3));
    }
    loss += softplus2 - y[i] * z3;
  }
  const quot = loss / n;
  // adjoint
  const dw = new Float64Array(w.length);
  // grad of: return loss / n
  let dloss = 1 * (1 / n);
  let z = 0;
  let softplus = 0;
  const saved_j = new Float64Array(Math.ceil(Math.max(d, 0)) | 0);
  for (let i = (Math.ceil(n - 0) | 0) - 1; i >= 0; i--) {
    let prod, sum, X_sum, w_j, z2, exp_neg_z, sum2, exp_z, sum3;
    loss = loss_at[i];
    z = 0;
    for (let j = 0; j < d; j++) {
      prod = i * d;
      sum = prod + j;
      X_sum = X[sum];
      w_j = w[j];
      z2 = X_sum * w_j;
      saved_j[j] = z;
      z += z2;
    }
    softplus = 0;
    const cond = z > 0;
    if (cond) {
      exp_neg_z = Math.exp(-z);
      sum2 = 1 + exp_neg_z;
      tape.push(softplus);
      softplus = z + Math.log(sum2);
    } else {
      exp_z = Math.exp(z);
      sum3 = 1 + exp_z;
      tape.push(softplus);
      softplus = Math.log(sum3);
    }
    const y_i = y[i];
    tape.push(loss);
    loss += softplus - y_i * z;
    const loss_out = loss;
    loss = tape.pop();
    // grad of: loss += softplus - y[i] * z
    const dloss_new = dloss;
    dloss = dloss_new;
    const dloss2 = dloss_new;
    const dsoftplus = dloss2;
    let dz = -dloss2 * y_i;
    if (cond) {
      // grad of: softplus = z + Math.log(1 + Math.exp(-z))
      dz += dsoftplus;
      softplus = tape.pop();
      dz -= dsoftplus * (1 / sum2) * exp_neg_z;
    } else {
      // grad of: softplus = Math.log(1 + Math.exp(z))
      softplus = tape.pop();
      dz += dsoftplus * (1 / sum3) * exp_z;
    }
    for (let j = d - 1; j >= 0; j--) {
      prod = i * d;
      sum = prod + j;
      X_sum = X[sum];
      w_j = w[j];
      z2 = X_sum * w_j;
      const z_out = z;
      z = saved_j[j];
      // grad of: z += X[i * d + j] * w[j]
      const dz_new = dz;
      dz = dz_new;
      dw[j] += dz_new * X_sum;
    }
  }
  return dw;
}
