function dtriangle_ddiag_L(diag, L, X, n) {
  // primal
  const d = diag.length;
  const prod2 = 2 * d;
  // adjoint
  const ddiag = new Float64Array(d);
  const dL = new Float64Array(L.length);
  const span = Math.max(d, 0);
  const saved_j = new Float64Array(Math.ceil(span) | 0);
  const j_last = d - 1;
  const dz_at = new Float64Array(span | 0);
  for (let i = (Math.ceil(n) | 0) - 1; i >= 0; i--) {
    let z;
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      z = diag[j] * X[prod + j];
      for (let l = 0; l < j; l++) {
        z += L[(l * (prod2 - l - 1) / 2 | 0) + j - l - 1] * X[prod + l];
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
      const quot2 = l * (prod2 - l - 1) / 2 | 0;
      for (let j = l + 1; j < d; j++) {
        const dz2 = dz_at[j];
        // grad of: z += L[(l * (2 * d - l - 1)) / 2 + j - l - 1] * X[i * d + l]
        dL[quot2 + j - l - 1] += dz2 * X_l;
      }
    }
  }
  return [ddiag, dL];
}
