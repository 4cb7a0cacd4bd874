// Custom derivatives (withDerivative) and gradient surgery (adjointHook).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adjointHook, grad, hvp, jvp, withDerivative } from '../../runtime/index.js';
import { fdGrad, mismatch } from '../support/fd.js';

function softplus(x: number) { return Math.log(1 + Math.exp(x)); }
function softplusPrime(x: number, out: number) { return 1 / (1 + Math.exp(-x)); }
function logistic(a: number, b: number) { return softplus(a * b) - 0.5 * a; }

test('withDerivative: the supplied partial is what both modes use', () => {
  // A deliberately wrong rule proves the rule, not the body, is differentiated.
  const twice = withDerivative((x: number) => x * x, { partials: [(x: number, _out: number) => 3 * x] });
  const f = (a: number) => sq(a) + a;
  const sq = twice;
  assert.is(grad(f, { scope: { sq } })(2), 7);
  assert.is(jvp(f, { scope: { sq } })(2, 1), 7);
  assert.is(sq(3), 9, 'calling the wrapper calls the function');
});

test('withDerivative: a stable softplus rule matches finite differences, to second order', () => {
  const sp = withDerivative(softplus, { partials: [softplusPrime] });
  const scope = { softplus: sp };
  for (const [a, b] of [[0.3, 1.2], [-1.5, 0.7], [2, -0.4]]) {
    const g = grad(logistic, { wrt: [0, 1], scope })(a, b) as number[];
    assert.is(mismatch(g[0], fdGrad(logistic, [a, b], 0) as number, 1e-6, 1e-8), '');
    assert.is(mismatch(g[1], fdGrad(logistic, [a, b], 1) as number, 1e-6, 1e-8), '');
    assert.is(mismatch(jvp(logistic, { wrt: [0, 1], scope })(a, b, 1, 0) as number, g[0], 1e-12, 1e-12), '');
    const ga = (x: number, y: number) => (grad(logistic, { wrt: 0, scope })(x, y) as number);
    assert.is(mismatch(hvp(logistic, { wrt: 0, scope })(a, b, 1) as number, fdGrad(ga, [a, b], 0) as number, 1e-5, 1e-7), '');
  }
  // Where the body overflows, the rule still gives the right slope.
  assert.is(grad((a: number) => softplus(a), { scope })(800), 1);
});

test('the same function with two different helpers under one name gets two derivatives', () => {
  const f = (a: number) => softplus(a) * 2;
  const plain = grad(f, { scope: { softplus } })(800);
  const ruled = grad(f, { scope: { softplus: withDerivative(softplus, { partials: [softplusPrime] }) } })(800);
  assert.ok(Number.isNaN(plain), 'the body overflows at 800');
  assert.is(ruled, 2);
});

test('withDerivative needs one partial per parameter', () => {
  assert.throws(() => withDerivative((a: number, b: number) => a * b, { partials: [(a: number) => a] }), /2 partials needed/);
});

function clip(d: number, _x: number) { return Math.max(-1, Math.min(1, d)); }
function halve(d: number, _x: number) { return d * 0.5; }

test('adjointHook: the adjoint passes through the hook, the value does not', () => {
  const f = (a: number) => { const b = adjointHook(a * 10, clip); return b * b; };
  const g = grad(f, { scope: { adjointHook, clip } });
  assert.is(f(0.5), 25);
  assert.is(g(0.5), 10, 'db = 10 clipped to 1, times 10');
  assert.is(g(0.01), 2, 'db = 0.2 passes, times 10');
  const h = (a: number, c: number) => adjointHook(a * c, halve) + a;
  assert.equal(grad(h, { wrt: [0, 1], scope: { adjointHook, halve } })(2, 3), [2.5, 1]);
  // Forward mode is untouched by adjoint hooks.
  assert.is(jvp(h, { scope: { adjointHook, halve } })(2, 3, 1), 4);
});

test.run();
