function hvp_layer(W, x, n, tW) {
  // primal
  const m = x.length;
  const h = new Float64Array(n);
  const th = new Float64Array(n);
  const dh = new Float64Array(n);
  const tdh = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let a = 0;
    let ta = 0;
    const prod = j * m;
    for (let i = 0; i < m; i++) {
      const sum = prod + i;
      const x_i = x[i];
      a = a + W[sum] * x_i;
      ta = ta + x_i * tW[sum];
    }
    const tanh_a = Math.tanh(a);
    h[j] = tanh_a;
    th[j] = (1 - tanh_a * tanh_a) * ta;
  }
  // adjoint
  const tdW = new Float64Array(W.length);
  for (let j2 = 0; j2 < n; j2++) {
    const h_j = h[j2];
    const th_j2 = th[j2];
    // grad of: s += h[j] * h[j]
    dh[j2] += h_j + h_j;
    tdh[j2] += th_j2 + th_j2;
  }
  for (let j = 0; j < n; j++) {
    const tanh_a2 = h[j];
    // grad of: h[j] = Math.tanh(a)
    const dh_j = dh[j];
    const tdh_j = tdh[j];
    dh[j] = 0;
    tdh[j] = 0;
    const t_term9 = tanh_a2 * th[j];
    const t_sum19 = (1 - tanh_a2 * tanh_a2) * tdh_j + dh_j * -(t_term9 + t_term9);
    const prod2 = j * m;
    for (let i = 0; i < m; i++) {
      // grad of: a += W[j * m + i] * x[i]
      tdW[prod2 + i] += x[i] * t_sum19;
    }
  }
  return tdW;
}
