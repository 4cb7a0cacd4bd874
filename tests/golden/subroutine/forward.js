function jvp_sq(a, ta) {
  const t_term = a * ta;
  return [a * a, t_term + t_term];
}

function jvp_energy(a, b, ta, tb) {
  const [sq2, tsq2] = jvp_sq(a, ta);
  const sin_b = Math.sin(b);
  const [sq3, tsq3] = jvp_sq(b, tb);
  return [sq2 * sin_b + sq3, sin_b * tsq2 + sq2 * (Math.cos(b) * tb) + tsq3];
}

function jvp_subroutine(a, b, ta, tb) {
  const [energy2, tenergy2] = jvp_energy(a, b, ta, tb);
  const [energy3, tenergy3] = jvp_energy(b, a, tb, ta);
  return energy3 * tenergy2 + energy2 * tenergy3;
}
