// cse alone: pure operations computed twice are computed once, while their inputs are unchanged.
import { test } from 'uvu';
import { checkPass, validating } from './support.js';

validating(test);

const cases: Record<string, Function | string> = {
  repeated: function repeated(a: number, b: number) { return Math.exp(a * b) * Math.exp(a * b) + b * a - (a - b) * (a - b); },
  // A value computed before a branch is reused inside it; one computed inside is not reused after.
  nested: function nested(a: number, b: number) {
    const p = a * b; let y = 0;
    if (a > 0) { y = a * b + Math.sin(a); } else { y = Math.sin(a); }
    return p + y + Math.sin(a);
  },
  operand_changes: function operand_changes(a: number, b: number) { let c = a * b; a = a + 1; const d = a * b; return c + d; },
  // The loop assigns s, so s * 2 before it is not reused inside; x.length and x[i] are.
  loops: function loops(x: Float64Array, a: number) {
    let s = a * 2; const n = x.length; let t = 0;
    for (let i = 0; i < x.length; i++) { t += x[i] * x[i] + s * 2 + a * 2; s = s + 1; }
    return t + n;
  },
  // A store into t (or an alias of it) between two loads: the second load stays.
  loads_and_stores: `
    function loads_and_stores(x: f64[], a: f64) -> f64 {
      locals t: f64[], u: f64[], n: i32, p: f64, q: f64, r: f64, w: f64, s: f64, s2: f64, s3: f64
      n = x.length
      t = alloc(n)
      u = t
      t[0i] = a
      p = t[0i]
      q = t[0i]
      u[0i] = 2.0
      r = t[0i]
      w = x[0i]
      s = p + q
      s2 = s + r
      s3 = s2 + w
      return s3
    }`,
  // i * 2 as an i32 and as an f64 are not interchangeable.
  types: `
    function types(x: f64[]) -> f64 {
      locals n: i32, k: i32, c: f64, v: f64, s: f64
      n = x.length
      k = n * 2i
      c = n * 2i
      v = x[k]
      s = v + c
      return s
    }`,
};

for (const [name, input] of Object.entries(cases)) test(name, () => { checkPass('cse', name, input); });

test.run();
