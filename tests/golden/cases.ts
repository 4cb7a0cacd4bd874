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

export function logistic(w: Float64Array, X: Float64Array, y: Float64Array, n: number): number {
  const d = w.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += X[i * d + j] * w[j];
    // log(1 + exp(z)) without overflow
    let softplus = 0;
    if (z > 0) {
      softplus = z + Math.log(1 + Math.exp(-z));
    } else {
      softplus = Math.log(1 + Math.exp(z));
    }
    loss += softplus - y[i] * z;
  }
  return loss / n;
}

export function layer(W: Float64Array, x: Float64Array, n: number): number {
  const m = x.length;
  const h = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let a = 0;
    for (let i = 0; i < m; i++) a += W[j * m + i] * x[i];
    h[j] = Math.tanh(a);
  }
  let s = 0;
  for (let j = 0; j < n; j++) s += h[j] * h[j];
  return s;
}

// ‖L x_i‖² over samples, with L lower-triangular: its diagonal, then its strictly lower part packed
// column by column (as GMM's icf). The objective reads the triangle row by row.
export function triangle(diag: Float64Array, L: Float64Array, X: Float64Array, n: number): number {
  const d = diag.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let z = diag[j] * X[i * d + j];
      for (let l = 0; l < j; l++) z += L[(l * (2 * d - l - 1)) / 2 + j - l - 1] * X[i * d + l];
      total += z * z;
    }
  }
  return total;
}
