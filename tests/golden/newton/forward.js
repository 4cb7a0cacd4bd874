function jvp_newton(a, ta) {
  let y = a;
  let ty = ta;
  let it = 0;
  while (Math.abs(y * y - a) > 1e-12 && it < 50) {
    const quot = a / y;
    const t_sum9 = ty + (1 / y * ta + -quot / y * ty);
    y = 0.5 * (y + quot);
    ty = 0.5 * t_sum9;
    it += 1;
  }
  return ty;
}
