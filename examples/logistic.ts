// A small logistic-regression loss, written the way anyone would: numbers,
// Float64Arrays, loops. `cotangent` differentiates it as it is.

/** Mean negative log-likelihood of labels y ∈ {0, 1} given features x (n × d, row-major) and weights w, with L2 penalty. */
export function loss(w: Float64Array, x: Float64Array, y: Float64Array, n: number, d: number, lambda: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += w[j] * x[i * d + j];
    // log(1 + e^z) - y z, written to stay finite for large |z|
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    total += softplus - y[i] * z;
  }
  let penalty = 0;
  for (let j = 0; j < d; j++) penalty += w[j] * w[j];
  return total / n + 0.5 * lambda * penalty;
}

/** The period of a pendulum with amplitude theta0 (radians), by the arithmetic–geometric mean. */
export function pendulumPeriod(length: number, theta0: number): number {
  const g = 9.81;
  let a = 1;
  let b = Math.cos(theta0 / 2);
  for (let k = 0; k < 8; k++) {
    const next = (a + b) / 2;
    b = Math.sqrt(a * b);
    a = next;
  }
  return (2 * Math.PI * Math.sqrt(length / g)) / a;
}
