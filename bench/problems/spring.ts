// A forced, damped spring integrated with explicit Euler for many steps; the loss is the squared
// distance of the trajectory to observations, differentiated w.r.t. the parameters
// p = [stiffness k, damping c, initial position x0, initial velocity v0]. Reverse mode must keep
// (or recompute) every step's state: this is the tape-heavy problem.
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

export function springLoss(p: Float64Array, obs: Float64Array, steps: number, dt: number): number {
  const k = p[0];
  const c = p[1];
  let x = p[2];
  let v = p[3];
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    const force = -k * x - c * v + 0.5 * Math.sin(1.3 * t * dt);
    x = x + dt * v;
    v = v + dt * force;
    const e = x - obs[t];
    loss += e * e;
  }
  return loss * dt;
}

export function springGrad(p: Float64Array, obs: Float64Array, steps: number, dt: number): Value[] {
  const k = p[0];
  const c = p[1];
  // Forward sweep, keeping the state before each step.
  const xs = new Float64Array(steps + 1);
  const vs = new Float64Array(steps + 1);
  let x = p[2];
  let v = p[3];
  xs[0] = x;
  vs[0] = v;
  for (let t = 0; t < steps; t++) {
    const force = -k * x - c * v + 0.5 * Math.sin(1.3 * t * dt);
    x = x + dt * v;
    v = v + dt * force;
    xs[t + 1] = x;
    vs[t + 1] = v;
  }
  // Reverse sweep: adjoints of the state after step t, then of the state before it.
  let gx = 0;
  let gv = 0;
  let gk = 0;
  let gc = 0;
  for (let t = steps - 1; t >= 0; t--) {
    gx += 2 * dt * (xs[t + 1] - obs[t]);
    const gf = gv * dt; // adjoint of the force
    gk -= gf * xs[t];
    gc -= gf * vs[t];
    const gxPrev = gx - gf * k;
    const gvPrev = gx * dt + gv - gf * c;
    gx = gxPrev;
    gv = gvPrev;
  }
  return [Float64Array.of(gk, gc, gx, gv)];
}

function trajectory(k: number, c: number, x0: number, v0: number, steps: number, dt: number, rng: Rng): Float64Array {
  const obs = new Float64Array(steps);
  let x = x0;
  let v = v0;
  for (let t = 0; t < steps; t++) {
    const force = -k * x - c * v + 0.5 * Math.sin(1.3 * t * dt);
    x += dt * v;
    v += dt * force;
    obs[t] = x + 0.01 * rng.normal();
  }
  return obs;
}

export const problem: Problem = {
  id: 'spring',
  title: 'Damped spring, explicit Euler',
  f: springLoss,
  scope: {},
  wrt: 0,
  handGrad: springGrad,
  sizes: [{ key: 'steps1e4', label: '10,000 steps', quick: true, params: { steps: 10000 } }],
  checkParams: { steps: 50 },
  generate({ steps }, seed) {
    const rng = new Rng(seed);
    const dt = 10 / steps;
    const obs = trajectory(4, 0.3, 1, 0, steps, dt, rng);
    const p = Float64Array.of(3.5 + rng.uniform(), 0.2 + 0.2 * rng.uniform(), 0.9 + 0.2 * rng.uniform(), 0.1 * rng.normal());
    return [p, obs, steps, dt];
  },
  tfjs(tf, args) {
    const [p0, obs0, steps, dt] = args as [Float64Array, Float64Array, number, number];
    const p = tf.tensor1d(Float32Array.from(p0), 'float32');
    const obs = Array.from(obs0);
    const forcing = obs.map((_, t) => 0.5 * Math.sin(1.3 * t * dt));
    return {
      params: [p],
      loss: (pv: any) => {
        const [k, c, x0, v0] = tf.unstack(pv);
        let x = x0;
        let v = v0;
        let loss = tf.scalar(0);
        for (let t = 0; t < steps; t++) {
          const force = k.mul(x).add(c.mul(v)).neg().add(forcing[t]);
          x = x.add(v.mul(dt));
          v = v.add(force.mul(dt));
          loss = loss.add(x.sub(obs[t]).square());
        }
        return loss.mul(dt);
      },
      dispose: () => p.dispose(),
    };
  },
  peerNotes: {
    jax:
      'not expressed: jax-js has no scan/fori_loop; eager grad took 3 s for 100 steps, and jit of 1,000 unrolled steps ' +
      'did not compile in 200 s',
  },
  quickSkip: {
    tfjs: 'one call takes 11–20 s (≈80,000 scalar tensor ops)',
    torch: 'one call takes about 4 s (a Python loop of scalar tensor ops)',
  },
  torch: true,
};
