// constant-fold alone: literal ⊕ literal, IEEE-exact identities only, branches on literals.
import { test } from 'uvu';
import { checkPass, validating } from './support.js';

validating(test);

const cases: Record<string, Function | string> = {
  literals: function literals(a: number) {
    const k = 2 * 3 + 1;
    return a * (k / 7) + Math.exp(0) * a + Math.sqrt(16) + Math.max(2, 5) + (1 < 2 ? 1 : 0);
  },
  identities: function identities(a: number, b: number) {
    const p = a * 1, q = 1 * b, r = a / 1, s = b - 0, t = a + -0;
    const u = a * -1, w = -(-b), y = Math.pow(a, 1), z = Math.pow(b, 2), e = a ** 2;
    return p + q + r + s + t + u + w + y + z + e;
  },
  // x * 0, x + 0, 0 - x, x - (-0) and 0 * x are wrong for NaN, ±Infinity or -0: they stay.
  not_identities: function not_identities(a: number) {
    return a * 0 + (a + 0) + (0 - a) + (a - -0) + 0 * a + a / -1 + Math.pow(a, 3);
  },
  integers: function integers(x: Float64Array) {
    let k = 0;
    for (let i = 0; i < x.length; i++) k = i + 0;
    const j = 2147483647 + 1;
    return x[k * 1] + x[j - 2147483647] + x[7 % 4] + x[(5.7 | 0) - 5];
  },
  // Into an i32, / truncates; into an f64 it does not; by 0 it is left alone (it traps in WebAssembly).
  int_division: `
    function int_division(x: f64[]) -> f64 {
      locals k: i32, j: i32, z: i32, c: f64, v: f64, s: f64
      k = 7i / 2i
      j = -7i / 2i
      c = 7i / 2i
      z = 7i / 0i
      v = x[k]
      s = v + c
      return s
    }`,
  branches: function branches(a: number) {
    let y = a;
    if (true) y = y * 2; else y = y * 3;
    if (2 < 1) y = Math.sin(y);
    while (false) y = y + 1;
    for (let i = 5; i < 3; i++) y = y * y;
    return y;
  },
  logic: function logic(a: number, b: number) {
    const p = a > 0 && true, q = false && b > 0, r = true || a > b, s = a > b || false;
    return (p ? 1 : 2) + (q ? 3 : 4) + (r ? 5 : 6) + (s ? 7 : 8);
  },
  specials: function specials(a: number) {
    return 1 / 0 + a * (0 / 0) + Math.log(-1) + -0 * 1 + a;
  },
};

for (const [name, input] of Object.entries(cases)) test(name, () => { checkPass('constant-fold', name, input); });

test.run();
