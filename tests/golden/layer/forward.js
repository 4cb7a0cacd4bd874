function jvp_layer(W, x, n, tW) {
  const m = x.length;
  const h = new Float64Array(n);
  const th = new Float64Array(n);
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
  let ts = 0;
  for (let j2 = 0; j2 < n; j2++) {
    const t_term3 = h[j2] * th[j2];
    ts += t_term3 + t_term3;
  }
  return ts;
}
