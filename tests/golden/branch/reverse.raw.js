function dbranch_da_b(a, b) {
  let r_saved, exp_diff, r_saved2;
  // primal
  let r = a * b;
  const cond = r > 1;
  if (cond) {
    r_saved = r;
    r = Math.log(r);
  } else {
    exp_diff = Math.exp(r - 1);
    r_saved2 = r;
    r = exp_diff * b;
  }
  const sum = r + Math.max(a, b);
  // adjoint
  const dsum = 1;
  // grad of: return r + Math.max(a, b)
  let dr = dsum;
  const dmax2 = dsum;
  let da = 0;
  let db = 0;
  if (a >= b) {
    da += dmax2;
  } else {
    db += dmax2;
  }
  if (cond) {
    const r_out = r;
    r = r_saved;
    // grad of: r = Math.log(r)
    dr = dr * (1 / r);
  } else {
    // grad of: r = Math.exp(r - 1) * b
    db += dr * exp_diff;
    r = r_saved2;
    dr = dr * b * exp_diff;
  }
  // grad of: let r = a * b
  da += dr * b;
  db += dr * a;
  return [da, db];
}
