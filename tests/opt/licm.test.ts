// licm alone: invariant operations move in front of their loop; what could read an old value stays.
import { test } from 'uvu';
import { checkPass, validating } from './support.js';

validating(test);

const cases: Record<string, Function | string> = {
  spring: function spring(k: number, c: number) {
    let pos = 1; let vel = 0;
    for (let step = 0; step < 100; step++) { const acc = -k * pos - c * vel; pos += 0.01 * vel; vel += 0.01 * acc; }
    return pos * pos + vel * vel;
  },
  // a * b is invariant; x[i] reads the index; t is read after the loop, so t = a * 2.0 stays.
  mixed: function mixed(x: Float64Array, a: number, b: number) {
    let s = 0; let t = 0;
    for (let i = 0; i < x.length; i++) { const p = a * b; t = a * 2; s += x[i] * p + t; }
    return s + t;
  },
  // The load and the remainder by a variable stay: in front of a loop that does not run they could
  // fault (a zero divisor traps in WebAssembly). Integer division by a constant other than 0 and -1
  // cannot trap: it moves.
  unsafe: `
    function unsafe(x: f64[], a: f64, n: i32, m: i32) -> f64 {
      locals s: f64, i: i32, v: f64, r: i32, q: f64, h: i32
      s = a
      for i = 0i; i < n; ++ {
        v = x[0i]
        r = n % m
        h = n / 2i
        q = Math.sqrt(a)
        s = s + v
        s = s + q
      }
      return s
    }`,
  // p + j - q - 1 is regrouped as (p - q - 1) + j: the invariant part moves, one add stays. The
  // second chain's intermediate d is read after the loop: it stays as it is.
  regroup: `
    function regroup(x: f64[], p: i32, q: i32, n: i32) -> f64, i32 {
      locals s: f64, j: i32, a: i32, b: i32, c: i32, v: f64, d: i32, e: i32
      s = 0.0
      d = 0i
      for j = 0i; j < n; ++ {
        a = p + j
        b = a - q
        c = b - 1i
        v = x[c]
        s = s + v
        d = p + j
        e = d - q
        v = x[e]
        s = s + v
      }
      return s, d
    }`,
  // u is read by the test before the body assigns it, and w is read after the loop: both stay.
  while_test: `
    function while_test(a: f64) -> f64 {
      locals u: f64, c: bool, w: f64, k: f64, t: f64
      u = 0.0
      k = 0.0
      loop {
        t = u + k
        c = t < 5.0
        while c
        u = a * a
        w = a + 1.0
        k = k + 1.0
      }
      t = k * w
      return t
    }`,
};

for (const [name, input] of Object.entries(cases)) test(name, () => { checkPass('licm', name, input); });

test.run();
