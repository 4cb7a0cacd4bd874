// copy-prop alone: copies and literals reach their uses while neither side changes.
import { test } from 'uvu';
import { checkPass, validating } from './support.js';

validating(test);

const cases: Record<string, Function | string> = {
  chain: function chain(a: number) { const b = a; const c = b; return c * c; },
  literal: function literal(a: number) { const k = 3; const h = 0.5; return a * k + h; },
  into_loop: function into_loop(x: Float64Array, a: number) {
    const k = a; let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * k;
    return s;
  },
  // b is assigned in the loop: the copy made before it does not hold inside.
  blocked_by_loop: function blocked_by_loop(x: Float64Array, a: number) {
    let b = a; let s = 0;
    for (let i = 0; i < x.length; i++) { s += b; b = x[i]; }
    return s + b;
  },
  // The copy holds inside the branch that does not assign b, and not after the if.
  blocked_by_branch: function blocked_by_branch(a: number) {
    let b = a;
    if (a > 0) { b = 2; } else { a = a + b; }
    return b * a;
  },
  source_changes: function source_changes(a: number) { let c = a; const d = c; c = c + 1; return d * c; },
  array_alias: `
    function array_alias(x: f64[]) -> f64 {
      locals t: f64[], u: f64[], n: i32, a: f64
      n = x.length
      t = alloc(n)
      u = t
      u[0i] = 2.0
      a = t[0i]
      return a
    }`,
  // t = e; x = t  ==>  x = e   (the branch values of a conditional)
  coalesce: function coalesce(a: number) { const s = a > 0 ? Math.sqrt(a) : -a; return s * s; },
  while_test: function while_test(a: number) {
    let v = a; const lim = 1;
    while (v > lim) v = v / 2;
    return v;
  },
  // n is a copy of m, but m changes in the loop: the bound stays n.
  loop_bound: `
    function loop_bound(x: f64[], a: f64) -> f64 {
      locals m: i32, n: i32, i: i32, s: f64
      m = x.length
      n = m
      s = a
      for i = 0i; i < n; ++ {
        s = s * 2.0
        m = m - 1i
      }
      return s
    }`,
  self_copy: `
    function self_copy(a: f64) -> f64 {
      locals t: f64, u: f64
      t = a * 2.0
      u = t
      t = u
      u = t * t
      return u
    }`,
};

for (const [name, input] of Object.entries(cases)) test(name, () => { checkPass('copy-prop', name, input); });

test.run();
