function dprefix_dx(x) {
  let diff, p_diff, x_i, sum;
  // primal
  const x_len = x.length;
  const p = new Float64Array(x_len);
  const dp = new Float64Array(x_len);
  p[0] = x[0];
  const x_len2 = x.length;
  for (let i = 1; i < x_len2; i++) {
    diff = i - 1;
    p_diff = p[diff];
    x_i = x[i];
    sum = p_diff + x_i;
    p[i] = sum;
    tape.push(p_diff);
  }
  let s = 0;
  const p_len = p.length;
  const s_at = new Float64Array(Math.ceil(Math.max(p_len, 0)) | 0);
  for (let i2 = 0; i2 < p_len; i2++) {
    s_at[i2] = s;
    s += Math.sin(p[i2]);
  }
  // adjoint
  const dx = new Float64Array(x.length);
  let ds = 1;
  for (let i2 = p_len - 1; i2 >= 0; i2--) {
    s = s_at[i2];
    const p_i2 = p[i2];
    tape.push(s);
    s += Math.sin(p_i2);
    const s_out = s;
    s = tape.pop();
    // grad of: s += Math.sin(p[i])
    const ds_new = ds;
    ds = ds_new;
    dp[i2] += ds_new * Math.cos(p_i2);
  }
  for (let i = x_len2 - 1; i >= 1; i--) {
    p_diff = tape.pop();
    diff = i - 1;
    x_i = x[i];
    sum = p_diff + x_i;
    // grad of: p[i] = p[i - 1] + x[i]
    const dp_i = dp[i];
    dp[i] = 0;
    const dsum = dp_i;
    dx[i] += dsum;
    dp[diff] += dsum;
  }
  // grad of: p[0] = x[0]
  const dp_k = dp[0];
  dp[0] = 0;
  dx[0] += dp_k;
  return dx;
}
