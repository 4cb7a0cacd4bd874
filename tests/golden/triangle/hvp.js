function hvp_triangle(diag, L, X, n, tdiag) {
  // primal
  const d = diag.length;
  // adjoint
  const tddiag = new Float64Array(d);
  const tsaved_j = new Float64Array(Math.ceil(Math.max(d, 0)) | 0);
  for (let i = (Math.ceil(n) | 0) - 1; i >= 0; i--) {
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      const tz = X[prod + j] * tdiag[j];
      tsaved_j[j] = tz;
    }
    for (let j = 0; j < d; j++) {
      const tsaved_j2_j = tsaved_j[j];
      // grad of: let z = diag[j] * X[i * d + j]
      tddiag[j] += X[prod + j] * (tsaved_j2_j + tsaved_j2_j);
    }
  }
  return tddiag;
}
