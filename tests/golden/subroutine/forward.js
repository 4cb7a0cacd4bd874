function jvp_sq(a, ta) {
  const t_term = a * ta;
  return [a * a, t_term + t_term];
}

function jvp_energy(a, b, ta, tb) {
  const [sq, tsq] = jvp_sq(a, ta);
  const sin_b = Math.sin(b);
  const [sq3, tsq3] = jvp_sq(b, tb);
  return [sq * sin_b + sq3, sin_b * tsq + sq * (Math.cos(b) * tb) + tsq3];
}

function jvp_subroutine(a, b, ta, tb) {
  const [energy, tenergy] = jvp_energy(a, b, ta, tb);
  const [energy3, tenergy3] = jvp_energy(b, a, tb, ta);
  return energy3 * tenergy + energy * tenergy3;
}
