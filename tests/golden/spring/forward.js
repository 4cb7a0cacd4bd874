function jvp_spring(k, c, tk, tc) {
  let pos = 1;
  let tpos = 0;
  let vel = 0;
  let tvel = 0;
  const neg_k = -k;
  const neg_t = -tk;
  for (let step = 0; step < 1000; step++) {
    const acc = neg_k * pos - c * vel;
    const t_sum6 = pos * neg_t + neg_k * tpos - (vel * tc + c * tvel);
    pos = pos + 0.01 * vel;
    tpos = tpos + 0.01 * tvel;
    vel = vel + 0.01 * acc;
    tvel = tvel + 0.01 * t_sum6;
  }
  const t_term7 = pos * tpos;
  const t_term9 = vel * tvel;
  return t_term7 + t_term7 + (t_term9 + t_term9);
}
