function sq(a) {
  return a * a;
}

function energy(a, b) {
  const sq2 = sq(a);
  const sq3 = sq(b);
  return sq2 * Math.sin(b) + sq3;
}

function vjp_sq(a, dprod) {
  // adjoint
  // grad of: return a * a
  const dprod_a = dprod * a;
  const da = dprod_a + dprod_a;
  return da;
}

function vjp_energy(a, b, dsum) {
  // primal
  const sq2 = sq(a);
  // adjoint
  // grad of: return sq(a) * Math.sin(b) + sq(b)
  const db_sq = vjp_sq(b, dsum);
  const db = db_sq + dsum * sq2 * Math.cos(b);
  const da_sq = vjp_sq(a, dsum * Math.sin(b));
  return [da_sq, db];
}

function dsubroutine_da_b(a, b) {
  // primal
  const energy2 = energy(a, b);
  const energy3 = energy(b, a);
  // adjoint
  // grad of: return energy(a, b) * energy(b, a)
  const [db_energy, da_energy] = vjp_energy(b, a, energy2);
  const [da_energy2, db_energy2] = vjp_energy(a, b, energy3);
  const da = da_energy + da_energy2;
  const db = db_energy + db_energy2;
  return [da, db];
}
