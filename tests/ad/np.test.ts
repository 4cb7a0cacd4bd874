// cotangent/np operations inside differentiated functions: every operation's
// reverse and forward rule against finite differences and each other, to
// second order, from one table of uses (no test edit when a rule is added:
// the completeness test below fails until the new operation has a use here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arrayRules } from '../../compiler/rules/index.js';
import { fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { dot, fdDirectional, fdGrad, mismatch, type Value } from '../support/fd.js';
import { Rng } from '../support/rng.js';

/** For each operation: a scalar function of x (length 6) and a (a number) using it. */
const uses: Record<string, string> = {
  add: 'np.sum(np.mul(np.add(x, a), np.add(a, x)))',
  sub: 'np.sum(np.mul(np.sub(x, a), np.sub(a, np.sin(x))))',
  mul: 'np.sum(np.mul(np.mul(x, a), np.mul(x, x)))',
  div: 'np.sum(np.div(np.add(x, 3), np.add(np.mul(x, x), a)))',
  pow: 'np.sum(np.pow(np.add(np.mul(x, x), 1), a)) + np.sum(np.pow(a, np.add(x, 2)))',
  maximum: 'np.sum(np.mul(np.maximum(x, np.mul(x, 0.5)), x)) + np.sum(np.maximum(a, x))',
  minimum: 'np.sum(np.mul(np.minimum(x, np.mul(x, 0.5)), x)) + np.sum(np.minimum(a, x))',
  neg: 'np.sum(np.mul(np.neg(x), x))',
  exp: 'np.sum(np.exp(np.mul(x, a)))',
  log: 'np.sum(np.log(np.add(np.mul(x, x), a)))',
  sin: 'np.sum(np.mul(np.sin(x), x))',
  cos: 'np.sum(np.mul(np.cos(x), a))',
  tanh: 'np.sum(np.tanh(np.mul(x, a)))',
  sqrt: 'np.sum(np.sqrt(np.add(np.mul(x, x), a)))',
  abs: 'np.sum(np.mul(np.abs(x), x))',
  sigmoid: 'np.sum(np.sigmoid(np.mul(x, a)))',
  relu: 'np.sum(np.mul(np.relu(x), x))',
  sum: 'np.sum(np.mul(x, x)) * a',
  mean: 'np.mean(np.mul(x, x)) * a',
  max: 'np.max(np.mul(x, a)) * np.max(x)',
  min: 'np.min(np.mul(x, a)) * np.min(x)',
  logsumexp: 'np.logsumexp(np.mul(x, a))',
  dot: 'np.dot(x, np.sin(x)) * a',
  matvec: 'np.sum(np.tanh(np.matvec(np.mul(np.concat(x, x), a), np.slice(x, 0, 4), 3, 4)))',
  vecmat: 'np.sum(np.tanh(np.vecmat(np.slice(x, 0, 3), np.mul(np.concat(x, x), a), 3, 4)))',
  matmul: 'np.sum(np.sin(np.matmul(x, np.mul(x, a), 2, 3, 2)))',
  matmulNT: 'np.sum(np.sin(np.matmulNT(x, np.mul(x, a), 2, 3, 2)))',
  matmulTN: 'np.sum(np.sin(np.matmulTN(x, np.mul(x, a), 3, 2, 3)))',
  transpose: 'np.dot(np.transpose(np.mul(x, a), 2, 3), np.sin(x))',
  outer: 'np.sum(np.sin(np.outer(x, np.mul(x, a))))',
  softmax: 'np.dot(np.softmax(np.mul(x, a)), np.cos(x))',
  zeros: 'np.sum(np.add(np.zeros(6), np.mul(x, x)))',
  ones: 'np.dot(np.ones(6), np.mul(x, x))',
  full: 'np.dot(np.full(6, a), np.mul(x, x))',
  fill: 'np.dot(np.fill(x, a), np.sin(x))',
  copy: 'np.sum(np.mul(np.copy(x), x))',
  slice: 'np.sum(np.mul(np.slice(x, 1, 4), np.slice(x, -3))) * a',
  concat: 'np.dot(np.concat(np.mul(x, a), x), np.concat(x, np.sin(x)))',
  sign: 'np.sum(np.mul(np.sign(x), np.mul(x, x)))',
  atLeast: 'np.sum(np.mul(np.atLeast(x, 0), np.mul(x, a)))',
  argmax: 'x[np.argmax(x)] * a',
  argmin: 'x[np.argmin(x)] * a',
  onehot: 'np.dot(np.onehot(6, 2, a), np.mul(x, x))',
  embed: 'np.dot(np.embed(np.mul(np.slice(x, 0, 2), a), 6, 1), np.sin(x))',
};

const module = (body: string) => `import * as np from 'cotangent/np';\nexport function f(x: Float64Array, a: number): number {\n  return ${body};\n}\n`;

for (const [op, body] of Object.entries(uses)) {
  test(`np.${op}: grad ≈ finite differences, jvp = ⟨grad, v⟩, hvp ≈ differences of grad`, () => {
    const f = fromSource(module(body), 'f', `np-${op}.ts`);
    const g = grad(f, { wrt: [0, 1] });
    const plain = new Function('np', `return function (x, a) { return ${body}; }`);
    const r = new Rng(op.length * 131 + op.charCodeAt(0));
    for (let p = 0; p < 3; p++) {
      // Away from kinks: entries at least 0.1 apart and from 0, a in (0.5, 1.5).
      const x = Float64Array.from([0.35, -0.8, 1.2, -0.25, 0.65, -1.45].map((v) => v + r.uniform(-0.05, 0.05)));
      const a = r.uniform(0.5, 1.5);
      const [gx, ga] = g(x, a) as [Float64Array, number];
      const fnum = (xx: Float64Array, aa: number) => (grad(f, { preserveResult: true })(xx, aa) as [Value, number])[1];
      assert.is(mismatch(gx, fdGrad(fnum, [x, a], 0), 1e-5, 1e-6), '', `${op}: ∂/∂x`);
      assert.is(mismatch(ga, fdGrad(fnum, [x, a], 1) as number, 1e-5, 1e-6), '', `${op}: ∂/∂a`);
      const vx = r.array(6), va = r.uniform(-1, 1);
      const t = jvp(f, { wrt: [0, 1] })(x, a, vx, va) as number;
      assert.is(mismatch(t, dot(gx, vx) + ga * va, 1e-10, 1e-10), '', `${op}: jvp`);
      const hv = hvp(f)(x, a, vx) as Float64Array;
      const gOfX = (xx: Float64Array, aa: number) => grad(f)(xx, aa) as Float64Array;
      assert.is(mismatch(hv, fdDirectional(gOfX, [x, a], [0], [vx], 1e-5), 1e-4, 1e-5), '', `${op}: hvp`);
      void plain;
    }
  });
}

test('every np rule has a use in this table', () => {
  for (const r of arrayRules) assert.ok(r.name.slice(3) in uses, `${r.name} needs a use in tests/ad/np.test.ts`);
});

test('np operations given through scope, by identity', async () => {
  const np = await import('../../runtime/np.js');
  const f = (x: Float64Array) => np.sum(np.exp(x));
  const x = new Float64Array([0.1, -0.2, 0.3]);
  assert.equal(grad(f, { scope: { np } })(x), np.exp(x));
  const { dot: npdot } = np;
  const h = (x: Float64Array) => npdot(x, x);
  assert.equal(grad(h, { scope: { npdot } })(x), np.mul(x, 2));
});

test('np argument errors name the operation and the argument', () => {
  assert.throws(() => grad(fromSource(module('np.dot(a, x)'), 'f')), /passing a number as `a` of `np.dot`/);
  assert.throws(() => grad(fromSource(module('np.sum(np.matvec(x, x, a, 2))'), 'f'), { wrt: [0, 1] }), /`a` is used as an integer/);
});

// Found by a helper in the second session: an np operation whose value the derivative does not
// need was removed as dead, so where the function throws (lengths differ) its gradient returned a
// value. Operations that may refuse their arguments are kept, for their check.
test('where the function refuses its arrays\' shapes, so do its derivatives, on both paths', async () => {
  const { compile } = await import('../../runtime/index.js');
  const sources = {
    dot: 'return np.dot(x, y);',
    mul: 'const p = np.mul(x, y);\n  return np.sum(x);',
    matvec: 'const v = np.matvec(y, x, 2, 2);\n  return np.sum(x);',
  };
  const x = Float64Array.of(1, 2), y = Float64Array.of(1, 2, 3);
  for (const [name, src] of Object.entries(sources)) {
    const f = fromSource(`import * as np from 'cotangent/np';\nexport function f(x: Float64Array, y: Float64Array): number {\n  ${src}\n}\n`, 'f');
    const message = /^np\.\w+: /;
    for (const d of [grad(f), jvp(f), hvp(f), await compile(grad(f))]) {
      const args = d.length === 2 ? [x, y] : [x, y, Float64Array.of(1, 0)];
      assert.throws(() => d(...args), (e: unknown) => e instanceof TypeError && message.test((e as Error).message), `${name}: ${d.name}`);
    }
    assert.ok(grad(f)(x, Float64Array.of(1, 2, 3, 4).subarray(0, name === 'matvec' ? 4 : 2)) instanceof Float64Array, `${name}: right shapes`);
  }
});

test.run();
