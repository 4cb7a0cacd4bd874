function hvp_rosenbrock(x, tx) {
  // primal
  const x_len = x.length;
  // adjoint
  const tdx = new Float64Array(x_len);
  for (let i = 0; i <= x_len - 2; i++) {
    const sum = i + 1;
    const x_i = x[i];
    const tx_i = tx[i];
    const t_term = x_i * tx_i;
    const t = x[sum] - x_i * x_i;
    const prod2 = 100 * t;
    const t_term9 = 100 * (tx[sum] - (t_term + t_term));
    // grad of: s += 100 * t * t + (1 - x[i]) ** 2
    const t_sum34 = t_term9 + t_term9;
    // grad of: const t = x[i + 1] - x[i] * x[i]
    const t_sum36 = x_i * -t_sum34 + -(prod2 + prod2) * tx_i;
    tdx[i] += -(2 * (Math.pow(1 - x_i, 0) * -tx_i)) + t_sum36 + t_sum36;
    tdx[sum] += t_sum34;
  }
  return tdx;
}
