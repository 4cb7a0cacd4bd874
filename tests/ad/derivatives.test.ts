// Every corpus function, checked three ways on seeded random inputs:
// reverse mode against central differences (optimised and not, which must
// agree to 1e-12), forward mode against reverse mode by ⟨grad, v⟩ = jvp·v,
// and hvp against differences of the gradient.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, hvp, jvp } from '../../runtime/index.js';
import { corpus } from '../corpus/functions.js';
import { dot, fdDirectional, fdGrad, mismatch, type Value } from '../support/fd.js';
import { Rng } from '../support/rng.js';

const POINTS = 3;

for (const c of corpus) {
  const wrt = c.wrt ?? [0];
  test(`grad ≈ finite differences: ${c.name}`, () => {
    const r = new Rng(1234);
    const g = grad(c.f, { wrt, scope: c.scope });
    const raw = grad(c.f, { wrt, scope: c.scope, optimized: false });
    for (let p = 0; p < POINTS; p++) {
      const args = c.args(r);
      const got = g(...args) as Value[];
      const gotRaw = raw(...args) as Value[];
      wrt.forEach((k, j) => {
        const want = fdGrad(c.f, args, k);
        const m = mismatch(got[j], want, 1e-5, 1e-6);
        assert.is(m, '', `${c.name} ∂/∂arg${k} at point ${p}: ${m}`);
        assert.is(mismatch(got[j], gotRaw[j], 1e-12, 1e-300), '', `${c.name}: optimised vs unoptimised`);
      });
    }
  });

  test(`jvp = ⟨grad, v⟩: ${c.name}`, () => {
    const r = new Rng(99);
    const g = grad(c.f, { wrt, scope: c.scope });
    const j = jvp(c.f, { wrt, scope: c.scope });
    for (let p = 0; p < POINTS; p++) {
      const args = c.args(r);
      const dirs = wrt.map((k) => (typeof args[k] === 'number' ? r.uniform(-1, 1) : r.array((args[k] as Float64Array).length)));
      const gs = g(...args) as Value[];
      const want = wrt.reduce((s, _, i) => s + dot(gs[i], dirs[i]), 0);
      const got = j(...args, ...dirs) as number;
      assert.is(mismatch(got, want, 1e-10, 1e-10), '', `${c.name} at point ${p}`);
      const fd = fdDirectional(c.f, args, wrt, dirs) as number;
      assert.is(mismatch(got, fd, 1e-5, 1e-6), '', `${c.name} jvp vs finite differences at point ${p}`);
    }
  });

  if (!c.noHvp) {
    test(`hvp ≈ differences of grad: ${c.name}`, () => {
      const r = new Rng(7);
      const k = wrt[0];
      const g = grad(c.f, { wrt: k, scope: c.scope });
      const h = hvp(c.f, { wrt: k, scope: c.scope });
      for (let p = 0; p < 2; p++) {
        const args = c.args(r);
        const dir = typeof args[k] === 'number' ? r.uniform(-1, 1) : r.array((args[k] as Float64Array).length);
        const got = h(...args, dir) as Value;
        const want = fdDirectional(g as (...a: any[]) => Value, args, [k], [dir], 1e-5);
        assert.is(mismatch(got, want, 1e-4, 1e-5), '', `${c.name} at point ${p}`);
      }
    });
  }
}

test('preserveResult returns [gradient, value]', () => {
  const c = corpus.find((x) => x.name === 'rosenbrock')!;
  const x = new Float64Array([0.3, -0.2, 0.9]);
  const [g, value] = grad(c.f, { preserveResult: true })(x) as [Float64Array, number];
  assert.is(value, c.f(x));
  assert.equal(g, grad(c.f)(x));
  const [t, v2] = jvp(c.f, { preserveResult: true })(x, new Float64Array([1, 0, 0])) as [number, number];
  assert.is(v2, c.f(x));
  assert.is(t, (grad(c.f)(x) as Float64Array)[0]);
});

test('number[] arguments are accepted and copied', () => {
  const c = corpus.find((x) => x.name === 'rosenbrock')!;
  const arr = [0.3, -0.2, 0.9];
  assert.equal(grad(c.f)(arr as unknown as Float64Array), grad(c.f)(Float64Array.from(arr)));
});

test('grad is cached per function and options', () => {
  const c = corpus[0];
  assert.ok(grad(c.f, { wrt: [0, 1] }) === grad(c.f, { wrt: [0, 1] }));
  assert.ok(grad(c.f) !== grad(c.f, { optimized: false }));
});

test.run();
