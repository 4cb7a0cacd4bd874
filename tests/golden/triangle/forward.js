function jvp_triangle(diag, L, X, n, tdiag, tL) {
  const d = diag.length;
  let ttotal = 0;
  const diff = 2 * d - 1;
  for (let i = 0; i < n; i++) {
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      const X_sum = X[prod + j];
      let z = diag[j] * X_sum;
      let tz = X_sum * tdiag[j];
      const sum2 = j - 1;
      for (let l = 0; l < j; l++) {
        const diff4 = sum2 + (l * (diff - l) / 2 | 0) - l;
        const X_sum3 = X[prod + l];
        z = z + L[diff4] * X_sum3;
        tz = tz + X_sum3 * tL[diff4];
      }
      const t_term3 = z * tz;
      ttotal += t_term3 + t_term3;
    }
  }
  return ttotal;
}
