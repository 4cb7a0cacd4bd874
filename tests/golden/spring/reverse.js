function dspring_dk_c(k, c) {
  // primal
  let pos = 1;
  let vel = 0;
  const pos_at = new Float64Array(1000);
  const vel_at = new Float64Array(1000);
  const neg_k = -k;
  for (let step = 0; step < 1000; step++) {
    pos_at[step] = pos;
    vel_at[step] = vel;
    const acc = neg_k * pos - c * vel;
    pos += 0.01 * vel;
    vel += 0.01 * acc;
  }
  // adjoint
  // grad of: return pos * pos + vel * vel
  let dvel = vel + vel;
  let dpos = pos + pos;
  let dk = 0;
  let dc = 0;
  for (let step = 999; step >= 0; step--) {
    vel = vel_at[step];
    pos = pos_at[step];
    // grad of: vel += dt * acc
    const dvel2_acc = dvel * 0.01;
    // grad of: pos += dt * vel
    dvel += dpos * 0.01;
    // grad of: const acc = -k * pos - c * vel
    const dprod = -dvel2_acc;
    dc += dprod * vel;
    dvel += dprod * c;
    dpos += dvel2_acc * neg_k;
    dk -= dvel2_acc * pos;
  }
  return [dk, dc];
}
