function hvp_newton(a, ta) {
  // primal
  let y = a;
  let ty = ta;
  let it = 0;
  let iters = 0;
  while (Math.abs(y * y - a) > 1e-12 && it < 50) {
    const quot = a / y;
    const t_sum = 1 / y * ta + -quot / y * ty;
    tape.push(y);
    tape.push(ty);
    y = 0.5 * (y + quot);
    ty = 0.5 * (ty + t_sum);
    it += 1;
    tape.push(quot);
    tape.push(t_sum);
    iters += 1;
  }
  // adjoint
  let dy = 1;
  let tdy = 0;
  let tda = 0;
  for (let iter = iters; iter > 0; iter--) {
    const tquot = tape.pop();
    const quot2 = tape.pop();
    // grad of: y = 0.5 * (y + a / y)
    const dy_sum = dy * 0.5;
    const t_term7 = 0.5 * tdy;
    ty = tape.pop();
    y = tape.pop();
    const p = 1 / y;
    const p2 = -quot2 / y;
    tda += p * t_term7 + dy_sum * (-p / y * ty);
    dy = dy_sum + dy_sum * p2;
    tdy = t_term7 + (p2 * t_term7 + dy_sum * (p * -tquot + -p2 / y * ty));
  }
  // grad of: let y = a
  return tda + tdy;
}
