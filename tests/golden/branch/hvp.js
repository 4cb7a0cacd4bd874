function hvp_branch(a, b, ta) {
  let r_saved, tr_saved, texp_diff, tdr;
  // primal
  const r = a * b;
  const t_term = b * ta;
  const cond = r > 1;
  if (cond) {
    r_saved = r;
    tr_saved = t_term;
  } else {
    texp_diff = Math.exp(r - 1) * t_term;
  }
  // adjoint
  // grad of: return r + Math.max(a, b)
  if (cond) {
    // grad of: r = Math.log(r)
    tdr = -(1 / r_saved) / r_saved * tr_saved;
  } else {
    // grad of: r = Math.exp(r - 1) * b
    tdr = b * texp_diff;
  }
  // grad of: let r = a * b
  return b * tdr;
}
