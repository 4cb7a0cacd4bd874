function dtriangle_ddiag_L(diag, L, X, n) {
  // primal
  const d = diag.length;
  let total = 0;
  const total_at = new Float64Array(Math.ceil(Math.max(n, 0)) | 0);
  for (let i = 0; i < n; i++) {
    total_at[i] = total;
    for (let j2 = 0; j2 < d; j2++) {
      let z2 = diag[j2] * X[i * d + j2];
      for (let l2 = 0; l2 < j2; l2++) {
        z2 += L[(l2 * (2 * d - l2 - 1) / 2 | 0) + j2 - l2 - 1] * X[i * d + l2];
      }
      total += z2 * z2;
    }
  }
  // adjoint
  const ddiag = new Float64Array(diag.length);
  const dL = new Float64Array(L.length);
  let dtotal = 1;
  let z = 0;
  const trips_int2 = Math.ceil(Math.max(d, 0)) | 0;
  const saved_j = new Float64Array(trips_int2);
  const saved_j2 = new Float64Array(trips_int2);
  const saved_j3 = new Float64Array(trips_int2);
  for (let i = (Math.ceil(n - 0) | 0) - 1; i >= 0; i--) {
    let diag_j, prod, sum, X_sum, prod2, diff, diff2, prod3, quot, sum2, diff3, diff4, L_diff4, prod4, sum3, X_sum3, z3, total2;
    total = total_at[i];
    for (let j = 0; j < d; j++) {
      diag_j = diag[j];
      prod = i * d;
      sum = prod + j;
      X_sum = X[sum];
      z = diag_j * X_sum;
      for (let l = 0; l < j; l++) {
        prod2 = 2 * d;
        diff = prod2 - l;
        diff2 = diff - 1;
        prod3 = l * diff2;
        quot = prod3 / 2 | 0;
        sum2 = quot + j;
        diff3 = sum2 - l;
        diff4 = diff3 - 1;
        L_diff4 = L[diff4];
        prod4 = i * d;
        sum3 = prod4 + l;
        X_sum3 = X[sum3];
        z3 = L_diff4 * X_sum3;
        tape.push(z);
        z += z3;
      }
      total2 = z * z;
      saved_j[j] = total;
      total += total2;
      saved_j2[j] = z;
      saved_j3[j] = total2;
    }
    for (let j = d - 1; j >= 0; j--) {
      total2 = saved_j3[j];
      z = saved_j2[j];
      diag_j = diag[j];
      prod = i * d;
      sum = prod + j;
      X_sum = X[sum];
      const total_out = total;
      total = saved_j[j];
      // grad of: total += z * z
      const dtotal_new = dtotal;
      dtotal = dtotal_new;
      const dtotal2 = dtotal_new;
      let dz = dtotal2 * z;
      dz += dtotal2 * z;
      for (let l = j - 1; l >= 0; l--) {
        prod2 = 2 * d;
        diff = prod2 - l;
        diff2 = diff - 1;
        prod3 = l * diff2;
        quot = prod3 / 2 | 0;
        sum2 = quot + j;
        diff3 = sum2 - l;
        diff4 = diff3 - 1;
        L_diff4 = L[diff4];
        prod4 = i * d;
        sum3 = prod4 + l;
        X_sum3 = X[sum3];
        z3 = L_diff4 * X_sum3;
        const z_out = z;
        z = tape.pop();
        // grad of: z += L[(l * (2 * d - l - 1)) / 2 + j - l - 1] * X[i * d + l]
        const dz_new = dz;
        dz = dz_new;
        dL[diff4] += dz_new * X_sum3;
      }
      // grad of: let z = diag[j] * X[i * d + j]
      ddiag[j] += dz * X_sum;
    }
  }
  return [ddiag, dL];
}
