// Bundle adjustment as ADBench defines it: each camera has 11 parameters
// [rotation (angle-axis, 3), centre (3), focal length (1), principal point (2), radial distortion (2)].
// An observation o of point j by camera i has the residual w_o·(project(cam_i, X_j) − feat_o) (2 values)
// and a weight residual 1 − w_o²; the objective is the sum of all squared residuals.
// Camera and point indices are integer-valued Float64Arrays.
import { Rng } from '../lib/rng.js';
import type { Problem, Value } from '../lib/types.js';

export function baObjective(
  cams: Float64Array,
  X: Float64Array,
  w: Float64Array,
  feats: Float64Array,
  obsCam: Float64Array,
  obsPt: Float64Array,
  p: number,
): number {
  let s = 0;
  for (let o = 0; o < p; o++) {
    const c = obsCam[o] * 11;
    const q = obsPt[o] * 3;
    // point relative to the camera centre
    const px = X[q] - cams[c + 3];
    const py = X[q + 1] - cams[c + 4];
    const pz = X[q + 2] - cams[c + 5];
    // Rodrigues rotation
    const r0 = cams[c];
    const r1 = cams[c + 1];
    const r2 = cams[c + 2];
    const sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
    let rx = 0;
    let ry = 0;
    let rz = 0;
    if (sqtheta !== 0) {
      const theta = Math.sqrt(sqtheta);
      const ct = Math.cos(theta);
      const st = Math.sin(theta);
      const wx = r0 / theta;
      const wy = r1 / theta;
      const wz = r2 / theta;
      const tmp = (1 - ct) * (wx * px + wy * py + wz * pz);
      rx = px * ct + (wy * pz - wz * py) * st + wx * tmp;
      ry = py * ct + (wz * px - wx * pz) * st + wy * tmp;
      rz = pz * ct + (wx * py - wy * px) * st + wz * tmp;
    } else {
      rx = px + (r1 * pz - r2 * py);
      ry = py + (r2 * px - r0 * pz);
      rz = pz + (r0 * py - r1 * px);
    }
    // perspective division, radial distortion, focal length and principal point
    const u = rx / rz;
    const v = ry / rz;
    const rsq = u * u + v * v;
    const L = 1 + cams[c + 9] * rsq + cams[c + 10] * rsq * rsq;
    const f = cams[c + 6];
    const ex = w[o] * (u * L * f + cams[c + 7] - feats[2 * o]);
    const ey = w[o] * (v * L * f + cams[c + 8] - feats[2 * o + 1]);
    const ew = 1 - w[o] * w[o];
    s += ex * ex + ey * ey + ew * ew;
  }
  return s;
}

/** Hand-written reverse sweep, observation by observation. */
export function baGrad(
  cams: Float64Array,
  X: Float64Array,
  w: Float64Array,
  feats: Float64Array,
  obsCam: Float64Array,
  obsPt: Float64Array,
  p: number,
): Value[] {
  const gCams = new Float64Array(cams.length);
  const gX = new Float64Array(X.length);
  const gw = new Float64Array(w.length);
  for (let o = 0; o < p; o++) {
    const c = obsCam[o] * 11;
    const q = obsPt[o] * 3;
    const px = X[q] - cams[c + 3];
    const py = X[q + 1] - cams[c + 4];
    const pz = X[q + 2] - cams[c + 5];
    const r0 = cams[c];
    const r1 = cams[c + 1];
    const r2 = cams[c + 2];
    const sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
    let rx: number, ry: number, rz: number;
    let theta = 0, ct = 0, st = 0, wx = 0, wy = 0, wz = 0, wp = 0, tmp = 0, cx = 0, cy = 0, cz = 0;
    if (sqtheta !== 0) {
      theta = Math.sqrt(sqtheta);
      ct = Math.cos(theta);
      st = Math.sin(theta);
      wx = r0 / theta;
      wy = r1 / theta;
      wz = r2 / theta;
      wp = wx * px + wy * py + wz * pz;
      tmp = (1 - ct) * wp;
      cx = wy * pz - wz * py;
      cy = wz * px - wx * pz;
      cz = wx * py - wy * px;
      rx = px * ct + cx * st + wx * tmp;
      ry = py * ct + cy * st + wy * tmp;
      rz = pz * ct + cz * st + wz * tmp;
    } else {
      rx = px + (r1 * pz - r2 * py);
      ry = py + (r2 * px - r0 * pz);
      rz = pz + (r0 * py - r1 * px);
    }
    const u = rx / rz;
    const v = ry / rz;
    const rsq = u * u + v * v;
    const k1 = cams[c + 9];
    const k2 = cams[c + 10];
    const L = 1 + k1 * rsq + k2 * rsq * rsq;
    const f = cams[c + 6];
    const wo = w[o];
    const dx = u * L * f + cams[c + 7] - feats[2 * o];
    const dy = v * L * f + cams[c + 8] - feats[2 * o + 1];
    const ex = wo * dx;
    const ey = wo * dy;
    const ew = 1 - wo * wo;

    // adjoints
    const gex = 2 * ex;
    const gey = 2 * ey;
    gw[o] += gex * dx + gey * dy - 4 * ew * wo;
    const gpx = gex * wo; // adjoint of the projected x
    const gpy = gey * wo;
    gCams[c + 7] += gpx;
    gCams[c + 8] += gpy;
    gCams[c + 6] += (gpx * u + gpy * v) * L;
    const gL = f * (gpx * u + gpy * v);
    let gu = f * L * gpx;
    let gv = f * L * gpy;
    gCams[c + 9] += gL * rsq;
    gCams[c + 10] += gL * rsq * rsq;
    const grsq = gL * (k1 + 2 * k2 * rsq);
    gu += 2 * u * grsq;
    gv += 2 * v * grsq;
    const grx = gu / rz;
    const gry = gv / rz;
    const grz = -(gu * u + gv * v) / rz;

    let gpxs: number, gpys: number, gpzs: number; // adjoint of the point relative to the centre
    if (sqtheta !== 0) {
      // r = p·ct + (w×p)·st + w·tmp, tmp = (1 − ct)(w·p)
      gpxs = grx * ct;
      gpys = gry * ct;
      gpzs = grz * ct;
      let gct = grx * px + gry * py + grz * pz;
      const gst = grx * cx + gry * cy + grz * cz;
      const gtmp = grx * wx + gry * wy + grz * wz;
      let gwx = grx * tmp;
      let gwy = gry * tmp;
      let gwz = grz * tmp;
      gct -= gtmp * wp;
      const gwp = gtmp * (1 - ct);
      gwx += gwp * px;
      gwy += gwp * py;
      gwz += gwp * pz;
      gpxs += gwp * wx;
      gpys += gwp * wy;
      gpzs += gwp * wz;
      // c = w × p with adjoint gc = g(r)·st: gw += p × gc, gp += gc × w
      const gcx = grx * st;
      const gcy = gry * st;
      const gcz = grz * st;
      gwx += py * gcz - pz * gcy;
      gwy += pz * gcx - px * gcz;
      gwz += px * gcy - py * gcx;
      gpxs += gcy * wz - gcz * wy;
      gpys += gcz * wx - gcx * wz;
      gpzs += gcx * wy - gcy * wx;
      // w = r / θ, θ = √(r·r)
      const gtheta = -st * gct + ct * gst - (gwx * wx + gwy * wy + gwz * wz) / theta;
      gCams[c] += gwx / theta + gtheta * wx;
      gCams[c + 1] += gwy / theta + gtheta * wy;
      gCams[c + 2] += gwz / theta + gtheta * wz;
    } else {
      // r = p + rot × p
      gpxs = grx + (gry * r2 - grz * r1);
      gpys = gry + (grz * r0 - grx * r2);
      gpzs = grz + (grx * r1 - gry * r0);
      gCams[c] += py * grz - pz * gry;
      gCams[c + 1] += pz * grx - px * grz;
      gCams[c + 2] += px * gry - py * grx;
    }
    gX[q] += gpxs;
    gX[q + 1] += gpys;
    gX[q + 2] += gpzs;
    gCams[c + 3] -= gpxs;
    gCams[c + 4] -= gpys;
    gCams[c + 5] -= gpzs;
  }
  return [gCams, gX, gw];
}

type BaArgs = [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, number];

export const problem: Problem = {
  id: 'ba',
  title: 'Bundle adjustment (ADBench)',
  f: baObjective,
  scope: {},
  wrt: [0, 1, 2],
  handGrad: baGrad,
  sizes: [
    { key: 'small', label: '49 cams, 7,776 pts, 31,843 obs', quick: true, params: { nCams: 49, nPts: 7776, nObs: 31843 } },
    { key: 'medium', label: '257 cams, 65,132 pts, 225,911 obs', quick: true, params: { nCams: 257, nPts: 65132, nObs: 225911 } },
  ],
  checkParams: { nCams: 3, nPts: 5, nObs: 12, zeroRotation: 1 },
  fdStep: 1e-6,
  generate({ nCams, nPts, nObs, zeroRotation }, seed) {
    const rng = new Rng(seed);
    const cams = new Float64Array(nCams * 11);
    for (let i = 0; i < nCams; i++) {
      const c = i * 11;
      // the check instance sets camera 0's rotation to zero to exercise the θ = 0 branch
      const rot = zeroRotation && i === 0 ? 0 : 0.15;
      cams[c] = rot * rng.normal();
      cams[c + 1] = rot * rng.normal();
      cams[c + 2] = rot * rng.normal();
      cams[c + 3] = rng.range(-1, 1);
      cams[c + 4] = rng.range(-1, 1);
      cams[c + 5] = rng.range(-12, -8);
      cams[c + 6] = rng.range(400, 600);
      cams[c + 7] = rng.range(-5, 5);
      cams[c + 8] = rng.range(-5, 5);
      cams[c + 9] = 0.1 * rng.normal();
      cams[c + 10] = 0.01 * rng.normal();
    }
    const X = rng.uniformArray(nPts * 3, -2, 2);
    const w = rng.uniformArray(nObs, 0.8, 1.2);
    const obsCam = new Float64Array(nObs);
    const obsPt = new Float64Array(nObs);
    for (let o = 0; o < nObs; o++) {
      obsCam[o] = o < nCams ? o : rng.int(nCams);
      obsPt[o] = o < nPts ? o : rng.int(nPts);
    }
    // features: the projections of the data plus a few pixels of noise
    const feats = new Float64Array(2 * nObs);
    for (let o = 0; o < nObs; o++) {
      const [fx, fy] = project(cams, obsCam[o] * 11, X, obsPt[o] * 3);
      feats[2 * o] = fx + 2 * rng.normal();
      feats[2 * o + 1] = fy + 2 * rng.normal();
    }
    return [cams, X, w, feats, obsCam, obsPt, nObs];
  },
  tfjs(tf, args) {
    const [c0, X0, w0, f0, oc, op, p] = args as BaArgs;
    const nCams = c0.length / 11;
    const nPts = X0.length / 3;
    const cams = tf.tensor2d(Float32Array.from(c0), [nCams, 11], 'float32');
    const X = tf.tensor2d(Float32Array.from(X0), [nPts, 3], 'float32');
    const w = tf.tensor1d(Float32Array.from(w0), 'float32');
    const feats = tf.tensor2d(Float32Array.from(f0), [p, 2], 'float32');
    const ci = tf.tensor1d(Int32Array.from(oc), 'int32');
    const pi = tf.tensor1d(Int32Array.from(op), 'int32');
    return {
      params: [cams, X, w],
      loss: (cv: any, xv: any, wv: any) => {
        const C = tf.gather(cv, ci); // p × 11
        const P = tf.gather(xv, pi); // p × 3
        const col = (j: number) => C.slice([0, j], [p, 1]).reshape([p]);
        const pt = P.sub(C.slice([0, 3], [p, 3])); // p × 3
        const rot = C.slice([0, 0], [p, 3]);
        // θ = 0 never occurs in this data; the formula assumes θ > 0.
        const theta = rot.square().sum(1, true).sqrt(); // p × 1
        const wv3 = rot.div(theta);
        const ct = tf.cos(theta);
        const st = tf.sin(theta);
        const [wx, wy, wz] = tf.unstack(wv3, 1);
        const [px, py, pz] = tf.unstack(pt, 1);
        const cross = tf.stack([wy.mul(pz).sub(wz.mul(py)), wz.mul(px).sub(wx.mul(pz)), wx.mul(py).sub(wy.mul(px))], 1);
        const tmp = tf.scalar(1).sub(ct).mul(wv3.mul(pt).sum(1, true));
        const r = pt.mul(ct).add(cross.mul(st)).add(wv3.mul(tmp));
        const [rx, ry, rz] = tf.unstack(r, 1);
        const u = rx.div(rz);
        const v = ry.div(rz);
        const rsq = u.square().add(v.square());
        const L = tf.scalar(1).add(col(9).mul(rsq)).add(col(10).mul(rsq.square()));
        const fL = L.mul(col(6));
        const ex = wv.mul(u.mul(fL).add(col(7)).sub(feats.slice([0, 0], [p, 1]).reshape([p])));
        const ey = wv.mul(v.mul(fL).add(col(8)).sub(feats.slice([0, 1], [p, 1]).reshape([p])));
        const ew = tf.scalar(1).sub(wv.square());
        return ex.square().sum().add(ey.square().sum()).add(ew.square().sum());
      },
      dispose: () => tf.dispose([cams, X, w, feats, ci, pi]),
    };
  },
  jax(jax, args) {
    const np = jax.numpy;
    const [c0, X0, w0, f0, oc, op, p] = args as BaArgs;
    const nCams = c0.length / 11;
    const nPts = X0.length / 3;
    const f64 = { dtype: np.float64 };
    const cams = np.array(c0, f64).reshape([nCams, 11]);
    const X = np.array(X0, f64).reshape([nPts, 3]);
    const w = np.array(w0, f64);
    const fx = np.array(f0.filter((_, i) => i % 2 === 0), f64);
    const fy = np.array(f0.filter((_, i) => i % 2 === 1), f64);
    const ci = np.array(Int32Array.from(oc), { dtype: np.int32 });
    const pi = np.array(Int32Array.from(op), { dtype: np.int32 });
    return {
      params: [cams, X, w],
      consts: [fx, fy, ci, pi],
      loss: (cv: any, xv: any, wv: any, fxv: any, fyv: any, civ: any, piv: any) => {
        const C = np.take(cv, civ, 0); // p × 11
        const P = np.take(xv, piv, 0); // p × 3
        const col = (j: number) => C.ref.slice([], j);
        const [px, py, pz] = np.unstack(P.sub(C.ref.slice([], [3, 6])), 1);
        const [r0, r1, r2] = np.unstack(C.ref.slice([], [0, 3]), 1);
        // θ = 0 never occurs in this data; the formula assumes θ > 0.
        const theta = np.sqrt(r0.ref.mul(r0.ref).add(r1.ref.mul(r1.ref)).add(r2.ref.mul(r2.ref)));
        const wx = r0.div(theta.ref);
        const wy = r1.div(theta.ref);
        const wz = r2.div(theta.ref);
        const ct = np.cos(theta.ref);
        const st = np.sin(theta);
        const tmp = np.subtract(1, ct.ref).mul(wx.ref.mul(px.ref).add(wy.ref.mul(py.ref)).add(wz.ref.mul(pz.ref)));
        const cx = wy.ref.mul(pz.ref).sub(wz.ref.mul(py.ref));
        const cy = wz.ref.mul(px.ref).sub(wx.ref.mul(pz.ref));
        const cz = wx.ref.mul(py.ref).sub(wy.ref.mul(px.ref));
        const rx = px.mul(ct.ref).add(cx.mul(st.ref)).add(wx.mul(tmp.ref));
        const ry = py.mul(ct.ref).add(cy.mul(st.ref)).add(wy.mul(tmp.ref));
        const rz = pz.mul(ct).add(cz.mul(st)).add(wz.mul(tmp));
        const u = rx.div(rz.ref);
        const v = ry.div(rz);
        const rsq = u.ref.mul(u.ref).add(v.ref.mul(v.ref));
        const L = np.add(1, col(9).mul(rsq.ref)).add(col(10).mul(rsq.ref.mul(rsq)));
        const fL = L.mul(col(6));
        const ex = wv.ref.mul(u.mul(fL.ref).add(col(7)).sub(fxv));
        const ey = wv.ref.mul(v.mul(fL).add(col(8)).sub(fyv));
        C.dispose();
        const ew = np.subtract(1, wv.ref.mul(wv));
        return ex.ref.mul(ex).sum().add(ey.ref.mul(ey).sum()).add(ew.ref.mul(ew).sum());
      },
      dispose: () => {
        for (const a of [cams, X, w, fx, fy, ci, pi]) a.dispose();
      },
    };
  },
  peerSkip: {
    tfjs:
      "tfjs's gather gradient (UnsortedSegmentSum) loops over every point on tfjs-cpu, O(observations × points): " +
      'the small case did not finish in 5 minutes; tfjs-wasm has no UnsortedSegmentSum kernel',
  },
  peerNotes: {
    jax: 'θ > 0 branch only (no zero rotation in the data)',
    torch: 'θ > 0 branch only (no zero rotation in the data)',
  },
  torch: true,
};

/** Projection of point q by camera c (data generation only; θ > 0 there). */
function project(cams: Float64Array, c: number, X: Float64Array, q: number): [number, number] {
  const p = [X[q] - cams[c + 3], X[q + 1] - cams[c + 4], X[q + 2] - cams[c + 5]];
  const rot = [cams[c], cams[c + 1], cams[c + 2]];
  const theta = Math.hypot(rot[0], rot[1], rot[2]);
  const k = rot.map((r) => (theta > 0 ? r / theta : 0));
  const kp = k[0] * p[0] + k[1] * p[1] + k[2] * p[2];
  const kxp = [k[1] * p[2] - k[2] * p[1], k[2] * p[0] - k[0] * p[2], k[0] * p[1] - k[1] * p[0]];
  const r = p.map((pi, i) => pi * Math.cos(theta) + kxp[i] * Math.sin(theta) + k[i] * kp * (1 - Math.cos(theta)));
  const u = r[0] / r[2];
  const v = r[1] / r[2];
  const rsq = u * u + v * v;
  const L = 1 + cams[c + 9] * rsq + cams[c + 10] * rsq * rsq;
  return [u * L * cams[c + 6] + cams[c + 7], v * L * cams[c + 6] + cams[c + 8]];
}
