function sq(a) {
  return a * a;
}

function energy(a, b) {
  const sq2 = sq(a);
  const sq3 = sq(b);
  return sq2 * Math.sin(b) + sq3;
}

function vjp_sq(a, dprod) {
  // primal
  const prod = a * a;
  // adjoint
  // grad of: return a * a
  let da = dprod * a;
  da += dprod * a;
  return da;
}

function vjp_energy(a, b, dsum) {
  // primal
  const sq2 = sq(a);
  const sin_b = Math.sin(b);
  const sq3 = sq(b);
  const sum = sq2 * sin_b + sq3;
  // adjoint
  // grad of: return sq(a) * Math.sin(b) + sq(b)
  const dprod = dsum;
  const db_sq = vjp_sq(b, dsum);
  let db = db_sq;
  db += dprod * sq2 * Math.cos(b);
  const da_sq = vjp_sq(a, dprod * sin_b);
  const da = da_sq;
  return [da, db];
}

function dsubroutine_da_b(a, b) {
  // primal
  const energy2 = energy(a, b);
  const energy3 = energy(b, a);
  const prod = energy2 * energy3;
  // adjoint
  const dprod = 1;
  // grad of: return energy(a, b) * energy(b, a)
  const [db_energy, da_energy] = vjp_energy(b, a, dprod * energy2);
  let db = db_energy;
  let da = da_energy;
  const [da_energy2, db_energy2] = vjp_energy(a, b, dprod * energy3);
  da += da_energy2;
  db += db_energy2;
  return [da, db];
}
