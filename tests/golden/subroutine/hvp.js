function sq(a) {
  return a * a;
}

function jvp_sq(a, ta) {
  const t_term = a * ta;
  return [a * a, t_term + t_term];
}

function jvp_energy(a, b, ta) {
  const [sq2, tsq2] = jvp_sq(a, ta);
  const sin_b = Math.sin(b);
  const sq3 = sq(b);
  return [sq2 * sin_b + sq3, sin_b * tsq2];
}

function jvp_energy2(a, b, tb) {
  const sq2 = sq(a);
  const [sq3, tsq3] = jvp_sq(b, tb);
  return [sq2 * Math.sin(b) + sq3, sq2 * (Math.cos(b) * tb) + tsq3];
}

function jvp_vjp_sq(a, dprod, ta, tdprod) {
  // adjoint
  // grad of: return a * a
  const dprod_a = dprod * a;
  const t_sum = a * tdprod + dprod * ta;
  return [dprod_a + dprod_a, t_sum + t_sum];
}

function jvp_vjp_energy(a, b, dsum, tb, tdsum) {
  // primal
  const sq2 = sq(a);
  const cos = Math.cos(b);
  // adjoint
  // grad of: return sq(a) * Math.sin(b) + sq(b)
  const [db_sq, tdb_sq] = jvp_vjp_sq(b, dsum, tb, tdsum);
  const dprod_sin_b = dsum * sq2;
  return [db_sq + dprod_sin_b * cos, tdb_sq + (cos * (sq2 * tdsum) + dprod_sin_b * (-Math.sin(b) * tb))];
}

function jvp_vjp_energy2(a, b, dsum, ta, tdsum) {
  // primal
  const sin_b = Math.sin(b);
  // adjoint
  // grad of: return sq(a) * Math.sin(b) + sq(b)
  const [da_sq, tda_sq] = jvp_vjp_sq(a, dsum * sin_b, ta, sin_b * tdsum);
  return [da_sq, tda_sq];
}

function hvp_subroutine(a, b, ta) {
  // primal
  const [energy, tenergy] = jvp_energy(a, b, ta);
  const [energy3, tenergy3] = jvp_energy2(b, a, ta);
  // adjoint
  // grad of: return energy(a, b) * energy(b, a)
  const [da_energy, tda_energy] = jvp_vjp_energy(b, a, energy, ta, tenergy);
  const [da_energy2, tda_energy2] = jvp_vjp_energy2(a, b, energy3, ta, tenergy3);
  return tda_energy + tda_energy2;
}
