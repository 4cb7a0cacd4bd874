function jvp_prefix(x, tx) {
  const x_len = x.length;
  const p = new Float64Array(x_len);
  const tp = new Float64Array(x_len);
  p[0] = x[0];
  tp[0] = tx[0];
  for (let i = 1; i < x_len; i++) {
    const diff = i - 1;
    p[i] = p[diff] + x[i];
    tp[i] = tp[diff] + tx[i];
  }
  let ts = 0;
  for (let i2 = 0; i2 < p.length; i2++) {
    ts += Math.cos(p[i2]) * tp[i2];
  }
  return ts;
}
