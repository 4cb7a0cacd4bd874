function dnewton_da(a) {
  let quot, sum;
  // primal
  let y = a;
  let it = 0;
  let iters = 0;
  while (Math.abs(y * y - a) > 1e-12 && it < 50) {
    quot = a / y;
    sum = y + quot;
    tape.push(y);
    y = 0.5 * sum;
    tape.pushInt(it);
    it += 1;
    tape.push(quot);
    tape.push(sum);
    iters += 1;
  }
  // adjoint
  let dy = 1;
  let da = 0;
  for (let iter = iters; iter > 0; iter--) {
    sum = tape.pop();
    quot = tape.pop();
    const it_out = it;
    it = tape.popInt();
    // grad of: y = 0.5 * (y + a / y)
    const dsum = dy * 0.5;
    y = tape.pop();
    dy = dsum;
    const dquot = dsum;
    da += dquot * (1 / y);
    dy += dquot * (-quot / y);
  }
  // grad of: let y = a
  da += dy;
  return da;
}
