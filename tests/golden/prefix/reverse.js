function dprefix_dx(x) {
  // primal
  const x_len = x.length;
  const p = new Float64Array(x_len);
  const dp = new Float64Array(x_len);
  p[0] = x[0];
  for (let i = 1; i < x_len; i++) {
    p[i] = p[i - 1] + x[i];
  }
  // adjoint
  const dx = new Float64Array(x_len);
  for (let i2 = 0; i2 < p.length; i2++) {
    // grad of: s += Math.sin(p[i])
    dp[i2] += Math.cos(p[i2]);
  }
  for (let i = x_len - 1; i >= 1; i--) {
    // grad of: p[i] = p[i - 1] + x[i]
    const dp_i = dp[i];
    dp[i] = 0;
    dx[i] += dp_i;
    dp[i - 1] += dp_i;
  }
  // grad of: p[0] = x[0]
  dx[0] += dp[0];
  return dx;
}
