function jvp_branch(a, b, ta, tb) {
  let tr, p2;
  const r = a * b;
  const t_sum = b * ta + a * tb;
  if (r > 1) {
    tr = 1 / r * t_sum;
  } else {
    const exp_diff = Math.exp(r - 1);
    tr = b * (exp_diff * t_sum) + exp_diff * tb;
  }
  if (a >= b) {
    p2 = ta;
  } else {
    p2 = tb;
  }
  return tr + p2;
}
