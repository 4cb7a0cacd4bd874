function dtriangle_ddiag_L(diag, L, X, n) {
  // primal
  const d = diag.length;
  // adjoint
  const ddiag = new Float64Array(d);
  const dL = new Float64Array(L.length);
  const trips_int = Math.ceil(Math.max(d, 0)) | 0;
  const saved_j = new Float64Array(trips_int);
  const j_last = d - 1;
  const dz_at = new Float64Array(trips_int);
  const diff = 2 * d - 1;
  for (let i = (Math.ceil(n) | 0) - 1; i >= 0; i--) {
    let z;
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      z = diag[j] * X[prod + j];
      const sum2 = j - 1;
      for (let l = 0; l < j; l++) {
        z += L[sum2 + (l * (diff - l) / 2 | 0) - l] * X[prod + l];
      }
      saved_j[j] = z;
    }
    for (let j = 0; j < d; j++) {
      z = saved_j[j];
      // grad of: total += z * z
      const dz = z + z;
      dz_at[j] = dz;
      // grad of: let z = diag[j] * X[i * d + j]
      ddiag[j] += dz * X[prod + j];
    }
    for (let l = 0; l < j_last; l++) {
      const X_l = X[prod + l];
      const diff3_2 = (l * (diff - l) / 2 | 0) - 1 - l;
      for (let j = l + 1; j < d; j++) {
        const dz2 = dz_at[j];
        // grad of: z += L[(l * (2 * d - l - 1)) / 2 + j - l - 1] * X[i * d + l]
        dL[diff3_2 + j] += dz2 * X_l;
      }
    }
  }
  return [ddiag, dL];
}
