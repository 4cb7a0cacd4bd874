function drosenbrock_dx(x) {
  // primal
  let s = 0;
  const diff = x.length - 1;
  const s_at = new Float64Array(Math.ceil(Math.max(diff, 0)) | 0);
  for (let i = 0; i < diff; i++) {
    s_at[i] = s;
    const t2 = x[i + 1] - x[i] * x[i];
    s += 100 * t2 * t2 + (1 - x[i]) ** 2;
  }
  // adjoint
  const dx = new Float64Array(x.length);
  let ds = 1;
  for (let i = diff - 1; i >= 0; i--) {
    s = s_at[i];
    const sum = i + 1;
    const x_i = x[i];
    const x_i2 = x[i];
    const t = x[sum] - x_i * x_i2;
    const prod2 = 100 * t;
    const diff2 = 1 - x[i];
    tape.push(s);
    s += prod2 * t + diff2 ** 2;
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
