function dbranch_da_b(a, b) {
  let r_saved, exp_diff, dr;
  // primal
  const r = a * b;
  const cond = r > 1;
  if (cond) {
    r_saved = r;
  } else {
    exp_diff = Math.exp(r - 1);
  }
  // adjoint
  // grad of: return r + Math.max(a, b)
  let da = 0;
  let db = 0;
  if (a >= b) {
    da = 1;
  } else {
    db = 1;
  }
  if (cond) {
    // grad of: r = Math.log(r)
    dr = 1 / r_saved;
  } else {
    // grad of: r = Math.exp(r - 1) * b
    db += exp_diff;
    dr = b * exp_diff;
  }
  // grad of: let r = a * b
  da += dr * b;
  db += dr * a;
  return [da, db];
}
