function jvp_logistic(w, X, y, n, tw) {
  const d = w.length;
  let tloss = 0;
  for (let i = 0; i < n; i++) {
    let tsoftplus;
    let z = 0;
    let tz = 0;
    const prod = i * d;
    for (let j = 0; j < d; j++) {
      const X_sum = X[prod + j];
      z = z + X_sum * w[j];
      tz = tz + X_sum * tw[j];
    }
    if (z > 0) {
      const exp_neg_z = Math.exp(-z);
      tsoftplus = tz + 1 / (1 + exp_neg_z) * (exp_neg_z * -tz);
    } else {
      const exp_z = Math.exp(z);
      tsoftplus = 1 / (1 + exp_z) * (exp_z * tz);
    }
    tloss += tsoftplus - y[i] * tz;
  }
  return 1 / n * tloss;
}
