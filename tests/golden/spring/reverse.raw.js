function dspring_dk_c(k, c) {
  // primal
  let pos = 1;
  let vel = 0;
  const dt = 0.01;
  const trips_int = Math.ceil(Math.max(1000, 0)) | 0;
  const pos_at = new Float64Array(trips_int);
  const vel_at = new Float64Array(trips_int);
  for (let step = 0; step < 1000; step++) {
    pos_at[step] = pos;
    vel_at[step] = vel;
    const acc2 = -k * pos - c * vel;
    pos += dt * vel;
    vel += dt * acc2;
  }
  const sum = pos * pos + vel * vel;
  // adjoint
  const dsum = 1;
  // grad of: return pos * pos + vel * vel
  const dprod3 = dsum;
  const dprod4 = dsum;
  let dvel = dprod4 * vel;
  dvel += dprod4 * vel;
  let dpos = dprod3 * pos;
  dpos += dprod3 * pos;
  let dk = 0;
  let dc = 0;
  for (let step = 999; step >= 0; step--) {
    vel = vel_at[step];
    pos = pos_at[step];
    const neg_k = -k;
    const acc = neg_k * pos - c * vel;
    tape.push(pos);
    pos += dt * vel;
    tape.push(vel);
    vel += dt * acc;
    const vel_out = vel;
    vel = tape.pop();
    // grad of: vel += dt * acc
    const dvel_new = dvel;
    dvel = dvel_new;
    const dacc = dvel_new * dt;
    const pos_out = pos;
    pos = tape.pop();
    // grad of: pos += dt * vel
    const dpos_new = dpos;
    dpos = dpos_new;
    dvel += dpos_new * dt;
    // grad of: const acc = -k * pos - c * vel
    const dprod = dacc;
    const dprod2 = -dacc;
    dc += dprod2 * vel;
    dvel += dprod2 * c;
    dpos += dprod * neg_k;
    dk -= dprod * pos;
  }
  return [dk, dc];
}
