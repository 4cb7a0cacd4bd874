// The functions the example picker offers, with inputs to evaluate them at.

export interface Example {
  id: string;
  title: string;
  /** Module source: the function to differentiate and any helpers it calls. */
  code: string;
  /** The function to differentiate. */
  fn: string;
  /** Input text per parameter (a number, or a list of numbers for a Float64Array). */
  inputs: Record<string, string>;
  /** Parameters to differentiate with respect to. */
  wrt: string[];
}

export const examples: Example[] = [
  {
    id: 'rosenbrock',
    title: 'Rosenbrock',
    fn: 'rosenbrock',
    inputs: { x: '[0.5, 1.2, -0.3]' },
    wrt: ['x'],
    code: `// The Rosenbrock function in n dimensions.
function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}
`,
  },
  {
    id: 'huber',
    title: 'Loop with a branch (Huber loss)',
    fn: 'huber',
    inputs: { x: '[0.3, -1.2, 2.5, 0.9]', delta: '1' },
    wrt: ['x', 'delta'],
    code: `// Huber loss of residuals x[i] - sin(i): quadratic near zero, linear beyond delta.
function huber(x: Float64Array, delta: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const r = x[i] - Math.sin(i);
    if (Math.abs(r) <= delta) {
      s += 0.5 * r * r;
    } else {
      s += delta * (Math.abs(r) - 0.5 * delta);
    }
  }
  return s;
}
`,
  },
  {
    id: 'mlp',
    title: 'MLP loss',
    fn: 'mlp',
    inputs: {
      w1: '[0.1, -0.4, 0.7, 0.2, -0.3, 0.5]',
      w2: '[0.8, -0.6, 0.3]',
      x: '[1, 0.5, -0.5, 1, 0.25, -1, 2, 0]',
      batch: '4',
      nIn: '2',
      nHid: '3',
    },
    wrt: ['w1', 'w2'],
    code: `// Mean squared error of a one-hidden-layer network (tanh) against target 1.
// w1 is nHid×nIn, x is batch×nIn, both row-major.
function mlp(w1: Float64Array, w2: Float64Array, x: Float64Array, batch: number, nIn: number, nHid: number): number {
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const h = new Float64Array(nHid);
    for (let j = 0; j < nHid; j++) {
      let a = 0;
      for (let i = 0; i < nIn; i++) a += w1[j * nIn + i] * x[s * nIn + i];
      h[j] = Math.tanh(a);
    }
    let out = 0;
    for (let j = 0; j < nHid; j++) out += w2[j] * h[j];
    loss += (out - 1) * (out - 1);
  }
  return loss / batch;
}
`,
  },
  {
    id: 'spring',
    title: 'Spring simulation (time stepping)',
    fn: 'spring',
    inputs: { k: '2', c: '0.3' },
    wrt: ['k', 'c'],
    code: `// A damped spring, 1,000 explicit Euler steps; the energy-like quantity at the end.
// pos and vel are overwritten every step, so the gradient uses the tape.
function spring(k: number, c: number): number {
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
`,
  },
];
