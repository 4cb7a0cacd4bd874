function hvp_spring(k, c, tk) {
  // primal
  let pos = 1;
  let tpos = 0;
  let vel = 0;
  let tvel = 0;
  const pos_at = new Float64Array(1000);
  const tpos_at = new Float64Array(1000);
  const neg_k = -k;
  const neg_t = -tk;
  for (let step = 0; step < 1000; step++) {
    pos_at[step] = pos;
    tpos_at[step] = tpos;
    const acc = neg_k * pos - c * vel;
    const t_sum5 = pos * neg_t + neg_k * tpos - c * tvel;
    pos = pos + 0.01 * vel;
    tpos = tpos + 0.01 * tvel;
    vel = vel + 0.01 * acc;
    tvel = tvel + 0.01 * t_sum5;
  }
  // adjoint
  // grad of: return pos * pos + vel * vel
  let dvel = vel + vel;
  let tdvel = tvel + tvel;
  let dpos = pos + pos;
  let tdpos = tpos + tpos;
  let tdk = 0;
  for (let step = 999; step >= 0; step--) {
    pos = pos_at[step];
    // grad of: vel += dt * acc
    const dvel2_acc = dvel * 0.01;
    const t_term19 = 0.01 * tdvel;
    // grad of: const acc = -k * pos - c * vel
    dvel = dvel + dpos * 0.01 + -dvel2_acc * c;
    tdvel = tdvel + 0.01 * tdpos + c * -t_term19;
    dpos = dpos + dvel2_acc * neg_k;
    tdpos = tdpos + (neg_k * t_term19 + dvel2_acc * neg_t);
    tdk -= pos * t_term19 + dvel2_acc * tpos_at[step];
  }
  return tdk;
}
