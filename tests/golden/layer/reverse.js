function dlayer_dW(W, x, n) {
  // primal
  const m = x.length;
  const h = new Float64Array(n);
  const dh = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let a = 0;
    const prod = j * m;
    for (let i = 0; i < m; i++) {
      a += W[prod + i] * x[i];
    }
    h[j] = Math.tanh(a);
  }
  // adjoint
  const dW = new Float64Array(W.length);
  for (let j2 = 0; j2 < n; j2++) {
    const h_j = h[j2];
    // grad of: s += h[j] * h[j]
    dh[j2] += h_j + h_j;
  }
  for (let j = 0; j < n; j++) {
    const tanh_a2 = h[j];
    // grad of: h[j] = Math.tanh(a)
    const dh_j = dh[j];
    dh[j] = 0;
    const da = dh_j * (1 - tanh_a2 * tanh_a2);
    const prod2 = j * m;
    for (let i = 0; i < m; i++) {
      // grad of: a += W[j * m + i] * x[i]
      dW[prod2 + i] += da * x[i];
    }
  }
  return dW;
}
