function dnewton_da(a) {
  // primal
  let y = a;
  let it = 0;
  let iters = 0;
  while (Math.abs(y * y - a) > 1e-12 && it < 50) {
    const quot = a / y;
    tape.push(y);
    y = 0.5 * (y + quot);
    it += 1;
    tape.push(quot);
    iters += 1;
  }
  // adjoint
  let dy = 1;
  let da = 0;
  for (let iter = iters; iter > 0; iter--) {
    const quot2 = tape.pop();
    // grad of: y = 0.5 * (y + a / y)
    const dy_sum = dy * 0.5;
    y = tape.pop();
    da += dy_sum * (1 / y);
    dy = dy_sum + dy_sum * (-quot2 / y);
  }
  // grad of: let y = a
  da += dy;
  return da;
}
