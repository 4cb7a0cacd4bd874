function drosenbrock_dx(x) {
  let sum, x_sum, x_i, x_i2, prod, t, prod2, prod3, x_i3, diff2, pow, s2;
  // primal
  let s = 0;
  const diff = x.length - 1;
  for (let i = 0; i < diff; i++) {
    sum = i + 1;
    x_sum = x[sum];
    x_i = x[i];
    x_i2 = x[i];
    prod = x_i * x_i2;
    t = x_sum - prod;
    prod2 = 100 * t;
    prod3 = prod2 * t;
    x_i3 = x[i];
    diff2 = 1 - x_i3;
    pow = diff2 ** 2;
    s2 = prod3 + pow;
    tape.push(s);
    s += s2;
  }
  // adjoint
  const dx = new Float64Array(x.length);
  let ds = 1;
  for (let i = diff - 1; i >= 0; i--) {
    sum = i + 1;
    x_sum = x[sum];
    x_i = x[i];
    x_i2 = x[i];
    prod = x_i * x_i2;
    t = x_sum - prod;
    prod2 = 100 * t;
    prod3 = prod2 * t;
    x_i3 = x[i];
    diff2 = 1 - x_i3;
    pow = diff2 ** 2;
    s2 = prod3 + pow;
    const s_out = s;
    s = tape.pop();
    // grad of: s += 100 * t * t + (1 - x[i]) ** 2
    const ds_new = ds;
    ds = ds_new;
    const ds2 = ds_new;
    const dprod3 = ds2;
    dx[i] += -(ds2 * (2 * Math.pow(diff2, 2 - 1)));
    let dt = dprod3 * prod2;
    dt += dprod3 * t * 100;
    // grad of: const t = x[i + 1] - x[i] * x[i]
    const dprod = -dt;
    dx[i] += dprod * x_i;
    dx[i] += dprod * x_i2;
    dx[sum] += dt;
  }
  return dx;
}
