// Table-driven: every rule in the table is differentiated in both modes and
// to second order, at seeded points of its domain, with no test edit needed
// when a rule is added.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scalarRules, type Domain, type ScalarRule } from '../../compiler/rules/index.js';
import { grad, hvp, jvp } from '../../runtime/index.js';
import { fdGrad, mismatch } from '../support/fd.js';
import { Rng } from '../support/rng.js';

const sample: Record<Domain, (r: Rng) => number> = {
  any: (r) => r.uniform(-2, 2),
  positive: (r) => r.uniform(0.2, 3),
  unit: (r) => r.uniform(-0.9, 0.9),
  gt1: (r) => r.uniform(1.2, 3),
  nonzero: (r) => (r.next() < 0.5 ? -1 : 1) * r.uniform(0.2, 2),
};

/** A function applying the rule, written the way a user would. */
function applying(rule: ScalarRule): (...a: number[]) => number {
  const names = rule.args;
  const call = rule.name === 'neg' ? '-x' : /^[a-z]/i.test(rule.name) ? `${rule.name}(${names.join(', ')})` : `a ${rule.name} b`;
  // Multiplying by a smooth factor makes second derivatives non-trivial for linear rules too.
  return new Function(...names, `return (${call}) * (1 + ${names[0]} * ${names[0]} / 10);`) as (...a: number[]) => number;
}

for (const rule of scalarRules.values()) {
  test(`rule ${rule.name}: reverse, forward and second order match finite differences`, () => {
    const f = applying(rule);
    const r = new Rng(rule.name.length * 7919 + rule.name.charCodeAt(rule.name.length - 1));
    const wrt = rule.args.map((_, i) => i);
    const g = grad(f, { wrt });
    const j = jvp(f, { wrt });
    for (let p = 0; p < 5; p++) {
      const args = rule.domain.map((d) => sample[d](r));
      const got = g(...args) as number[];
      args.forEach((_, k) => {
        const want = fdGrad(f, args, k) as number;
        assert.is(mismatch(got[k], want, 1e-5, 1e-6), '', `${rule.name} ∂/∂${rule.args[k]} at (${args})`);
      });
      const dirs = args.map(() => r.uniform(-1, 1));
      const directional = got.reduce((s, gk, k) => s + gk * dirs[k], 0);
      assert.is(mismatch(j(...args, ...dirs) as number, directional, 1e-12, 1e-12), '', `${rule.name} jvp at (${args})`);
      for (const k of wrt) {
        const h = hvp(f, { wrt: k })(...args, 1) as number;
        const gk = (...a: number[]) => grad(f, { wrt: k })(...a) as number;
        assert.is(mismatch(h, fdGrad(gk, args, k) as number, 1e-4, 1e-5), '', `${rule.name} ∂²/∂${rule.args[k]}² at (${args})`);
      }
    }
  });
}

test('every rule has all its facets', () => {
  for (const rule of scalarRules.values()) {
    assert.ok(rule.js && rule.as, `${rule.name}: JS and AssemblyScript names`);
    assert.is(rule.domain.length, rule.args.length, `${rule.name}: a domain per argument`);
    if (rule.partials) assert.is(rule.partials.length, rule.args.length, `${rule.name}: a partial per argument`);
    else assert.ok(rule.reverse && rule.forward, `${rule.name}: reverse and forward templates`);
  }
});

test('kink conventions: |x| at 0, max/min ties go to the first argument', () => {
  assert.is(grad((x: number) => Math.abs(x))(0), 0);
  assert.equal(grad((a: number, b: number) => Math.max(a, b), { wrt: [0, 1] })(1, 1), [1, 0]);
  assert.equal(grad((a: number, b: number) => Math.min(a, b), { wrt: [0, 1] })(1, 1), [1, 0]);
  assert.is(grad((x: number) => Math.floor(x) * 3)(2.5), 0);
  assert.is(grad((a: number, b: number) => a ** b, { wrt: 1 })(-2, 2), 0);
});

test.run();
