function hvp_prefix(x, tx) {
  // primal
  const x_len = x.length;
  const p = new Float64Array(x_len);
  const tp = new Float64Array(x_len);
  const tdp = new Float64Array(x_len);
  p[0] = x[0];
  tp[0] = tx[0];
  for (let i = 1; i < x_len; i++) {
    const diff = i - 1;
    p[i] = p[diff] + x[i];
    tp[i] = tp[diff] + tx[i];
  }
  // adjoint
  const tdx = new Float64Array(x_len);
  for (let i2 = 0; i2 < p.length; i2++) {
    // grad of: s += Math.sin(p[i])
    tdp[i2] += -Math.sin(p[i2]) * tp[i2];
  }
  for (let i = x_len - 1; i >= 1; i--) {
    // grad of: p[i] = p[i - 1] + x[i]
    const tdp_i = tdp[i];
    tdp[i] = 0;
    tdx[i] += tdp_i;
    tdp[i - 1] += tdp_i;
  }
  // grad of: p[0] = x[0]
  tdx[0] += tdp[0];
  return tdx;
}
