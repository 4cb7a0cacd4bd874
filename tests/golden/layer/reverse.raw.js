function dlayer_dW(W, x, n) {
  let a, prod, sum, W_sum, x_i, a2, tanh_a;
  // primal
  const m = x.length;
  const h = new Float64Array(n);
  const dh = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    a = 0;
    for (let i = 0; i < m; i++) {
      prod = j * m;
      sum = prod + i;
      W_sum = W[sum];
      x_i = x[i];
      a2 = W_sum * x_i;
      tape.push(a);
      a += a2;
    }
    tanh_a = Math.tanh(a);
    h[j] = tanh_a;
    tape.push(a);
  }
  let s = 0;
  const s_at = new Float64Array(Math.ceil(Math.max(n, 0)) | 0);
  for (let j2 = 0; j2 < n; j2++) {
    s_at[j2] = s;
    s += h[j2] * h[j2];
  }
  // adjoint
  const dW = new Float64Array(W.length);
  let ds = 1;
  for (let j2 = n - 1; j2 >= 0; j2--) {
    s = s_at[j2];
    const h_j2 = h[j2];
    const h_j2_2 = h[j2];
    tape.push(s);
    s += h_j2 * h_j2_2;
    const s_out = s;
    s = tape.pop();
    // grad of: s += h[j] * h[j]
    const ds_new = ds;
    ds = ds_new;
    const ds2 = ds_new;
    dh[j2] += ds2 * h_j2;
    dh[j2] += ds2 * h_j2_2;
  }
  for (let j = n - 1; j >= 0; j--) {
    a = tape.pop();
    tanh_a = h[j];
    // grad of: h[j] = Math.tanh(a)
    const dh_j = dh[j];
    dh[j] = 0;
    let da = dh_j * (1 - tanh_a * tanh_a);
    for (let i = m - 1; i >= 0; i--) {
      prod = j * m;
      sum = prod + i;
      W_sum = W[sum];
      x_i = x[i];
      a2 = W_sum * x_i;
      const a_out = a;
      a = tape.pop();
      // grad of: a += W[j * m + i] * x[i]
      const da_new = da;
      da = da_new;
      dW[sum] += da_new * x_i;
    }
  }
  return dW;
}
