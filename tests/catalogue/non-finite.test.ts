// NaN and ±Infinity inputs. Never a crash; the preserved value is what the
// function itself computes; optimised and unoptimised agree bit for bit (NaN
// with NaN); forward and reverse agree; and each Math primitive's derivative
// at a non-finite point is what its rule's formula gives in IEEE arithmetic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { scalarRules } from '../../compiler/rules/index.js';
import { corpus } from '../corpus/functions.js';
import { Rng } from '../support/rng.js';

type Value = number | Float64Array;
const SPECIAL = [NaN, Infinity, -Infinity];

/** Same numbers, NaN equal to NaN, +0 equal to -0. */
/** Equal, NaN included; with a tolerance, finite numbers relatively that close (optimised adjoint loops add sums up in another order). */
function same(a: unknown, b: unknown, tolerance = 0): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || (Number.isNaN(a) && Number.isNaN(b)) || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b)));
  }
  if (a instanceof Float64Array && b instanceof Float64Array) return a.length === b.length && a.every((x, i) => same(x, b[i], tolerance));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i], tolerance));
  return false;
}
const show = (v: unknown): string => (v instanceof Float64Array ? `[${[...v].join(', ')}]` : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));

/** Puts `value` into argument k (into one element of an array argument). */
function poison(args: unknown[], k: number, value: number, r: Rng): unknown[] {
  return args.map((a, i) => {
    if (i !== k) return a instanceof Float64Array ? a.slice() : a;
    if (typeof a === 'number') return value;
    const c = (a as Float64Array).slice();
    c[r.int(0, c.length - 1)] = value;
    return c;
  });
}

for (const c of corpus) {
  test(`non-finite inputs: ${c.name}`, () => {
    const wrt = c.wrt ?? [0];
    const g = grad(c.f, { wrt, scope: c.scope, preserveResult: true });
    const raw = grad(c.f, { wrt, scope: c.scope, preserveResult: true, optimized: false });
    const j = jvp(c.f, { wrt, scope: c.scope });
    const h = hvp(c.f, { wrt: wrt[0], scope: c.scope });
    const r = new Rng(5);
    for (const k of wrt) {
      for (const special of SPECIAL) {
        const args = poison(c.args(r), k, special, r);
        const before = show(args);
        const at = `${c.name} with ${special} in argument ${k}`;
        const [grads, value] = g(...args) as [Value[], number];
        assert.ok(same(value, c.f(...args)), `${at}: value ${value} vs ${c.f(...args)}`);
        assert.ok(same(raw(...args), [grads, value], 1e-12), `${at}: optimised ${show(grads)} vs unoptimised ${show(raw(...args))}`);
        const dirs = wrt.map((i) => (typeof args[i] === 'number' ? 0.5 : (args[i] as Float64Array).map(() => 0.5)));
        const t = j(...args, ...dirs) as number;
        assert.type(t, 'number', at);
        const dir = dirs[0];
        const hv = h(...args, dir);
        assert.ok(typeof hv === 'number' || hv instanceof Float64Array, at);
        assert.is(show(args), before, `${at}: the arguments are not written`);
      }
    }
  });
}

test('each unary Math primitive at NaN, ±Infinity and 0: its rule in IEEE arithmetic, both modes', () => {
  for (const [name, rule] of scalarRules) {
    if (!name.startsWith('Math.') || rule.args.length !== 1 || !rule.partials) continue;
    const f = fromSource(`function f(a) {\n  return ${name}(a);\n}`, 'f');
    const partial = new Function('x', 'out', `return ${rule.partials[0]};`) as (x: number, out: number) => number;
    const g = grad(f), j = jvp(f);
    for (const a of [...SPECIAL, 0, -0]) {
      const want = partial(a, (Math as unknown as Record<string, (x: number) => number>)[name.slice(5)](a));
      assert.ok(same(g(a), want), `${name}'(${a}): grad ${g(a)}, rule ${want}`);
      assert.ok(same(j(a, 1), want), `${name}'(${a}): jvp ${j(a, 1)}, rule ${want}`);
    }
  }
});

test('arithmetic at non-finite points follows IEEE (no x*0 → 0 shortcuts)', () => {
  const f = fromSource('function f(a, b) {\n  return a * b + a / b - Math.exp(-a * a);\n}', 'f');
  const g = grad(f, { wrt: [0, 1] });
  const raw = grad(f, { wrt: [0, 1], optimized: false });
  for (const [a, b] of [[Infinity, 0], [0, Infinity], [NaN, 1], [1, NaN], [-Infinity, -Infinity], [0, 0]]) {
    const got = g(a, b) as number[];
    const want = [b + 1 / b + 2 * a * Math.exp(-a * a), a - a / (b * b)];
    assert.ok(same(got, raw(a, b)), `(${a}, ${b}): optimised ${got} vs unoptimised ${raw(a, b)}`);
    assert.ok(same(got, want) || (got as number[]).every((v, i) => Number.isNaN(v) === Number.isNaN(want[i])),
      `(${a}, ${b}): got ${got}, the partials give ${want}`);
  }
});

test('loops and the tape with NaN flowing through: no throw, NaN out, the tape left clean', () => {
  const f = fromSource('function f(x: Float64Array) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s = Math.sin(s) * x[i] + 1;\n  return s;\n}', 'f');
  const g = grad(f);
  const good = new Float64Array([0.3, 0.2, -0.1]);
  const before = g(good) as Float64Array;
  const bad = g(new Float64Array([0.3, NaN, -0.1])) as Float64Array;
  assert.ok(Number.isNaN(bad[0]) && Number.isNaN(bad[1]), show(bad));
  assert.equal([...(g(good) as Float64Array)], [...before], 'a later call is unaffected');
});

test.run();
