function drosenbrock_dx(x) {
  // primal
  const x_len = x.length;
  // adjoint
  const dx = new Float64Array(x_len);
  for (let i = 0; i <= x_len - 2; i++) {
    const sum = i + 1;
    const x_i = x[i];
    const t = x[sum] - x_i * x_i;
    const prod2 = 100 * t;
    // grad of: s += 100 * t * t + (1 - x[i]) ** 2
    const dt = prod2 + prod2;
    // grad of: const t = x[i + 1] - x[i] * x[i]
    const dprod_x_i = -dt * x_i;
    dx[i] += -(2 * (1 - x_i)) + dprod_x_i + dprod_x_i;
    dx[sum] += dt;
  }
  return dx;
}
