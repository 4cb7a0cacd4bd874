// The representative functions whose generated code is kept as golden text.
// Read as module source, so the text (and the `grad of:` comments) does not
// depend on any transpiler.

export function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}

export function branch(a: number, b: number): number {
  let r = a * b;
  if (r > 1) {
    r = Math.log(r);
  } else {
    r = Math.exp(r - 1) * b;
  }
  return r + Math.max(a, b);
}

function sq(a: number): number {
  return a * a;
}

function energy(a: number, b: number): number {
  return sq(a) * Math.sin(b) + sq(b);
}

export function subroutine(a: number, b: number): number {
  return energy(a, b) * energy(b, a);
}

export function newton(a: number): number {
  let y = a;
  let it = 0;
  while (Math.abs(y * y - a) > 1e-12 && it < 50) {
    y = 0.5 * (y + a / y);
    it++;
  }
  return y;
}

export function spring(k: number, c: number): number {
  let pos = 1;
  let vel = 0;
  const dt = 0.01;
  for (let step = 0; step < 1000; step++) {
    const acc = -k * pos - c * vel;
    pos += dt * vel;
    vel += dt * acc;
  }
  return pos * pos + vel * vel;
}

export function prefix(x: Float64Array): number {
  const p = new Float64Array(x.length);
  p[0] = x[0];
  for (let i = 1; i < x.length; i++) p[i] = p[i - 1] + x[i];
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.sin(p[i]);
  return s;
}
