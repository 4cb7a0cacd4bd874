function jvp_rosenbrock(x, tx) {
  let ts = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const sum = i + 1;
    const x_i = x[i];
    const tx_i = tx[i];
    const t_term = x_i * tx_i;
    const t = x[sum] - x_i * x_i;
    const t_sum4 = tx[sum] - (t_term + t_term);
    ts += t * (100 * t_sum4) + 100 * t * t_sum4 + 2 * (1 - x_i) * -tx_i;
  }
  return ts;
}
