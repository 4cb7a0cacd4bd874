// dead-code alone: what cannot reach a result goes, through branches and loops.
import { test } from 'uvu';
import { checkPass, validating } from './support.js';

validating(test);

const cases: Record<string, Function | string> = {
  dead_values: function dead_values(a: number, b: number) {
    let d = a * b; d = d + 1; const e = Math.log(a * a + 1); let f = e; f = a;
    return f * 2;
  },
  // s is carried around the loop but never read after it: the loop goes.
  dead_accumulator: function dead_accumulator(x: Float64Array, a: number) {
    let s = 0; let t = 0;
    for (let i = 0; i < x.length; i++) { s = s + x[i]; t = t + a; }
    return t;
  },
  dead_array: function dead_array(x: Float64Array) {
    const t = new Float64Array(x.length); const u = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) { t[i] = x[i] * 2; u[i] = x[i]; }
    return t[0];
  },
  branches: function branches(a: number, b: number) {
    let y = a; let z = 0;
    if (a > b) { z = a; y = y * 2; } else { z = b; }
    return y;
  },
  // t only goes round the tape: each popped t feeds the next push and nothing else (a cycle), so
  // slot #0 goes whole. Slot #1's popped s is read: it stays.
  tape_cycle: `
    function tape_cycle(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, t: f64
      s = a
      t = 0.0
      n = x.length
      for i = 0i; i < n; ++ {
        push.f64 #0 t
        t = x[i]
        push.f64 #1 s
        s = s * a
      }
      for i = n; i > 0i; -- {
        s = pop.f64 #1
        t = pop.f64 #0
        s = s + 1.0
      }
      return s
    }`,
  unreachable: `
    function unreachable(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, v: f64, c: bool
      s = 0.0
      n = x.length
      for i = 0i; i < n; ++ {
        v = x[i]
        c = v > a
        if c {
          break
          s = s + 1.0
        }
        s = s + v
        continue
        s = s * 2.0
      }
      return s
      s = 1.0
    }`,
  // A while loop without effects stays: whether it ends is what it does.
  while_kept: function while_kept(a: number) { let v = a; let k = 0; while (k < 10) { v = v * 2; k++; } return a; },
  // The value popped into t is dead: the slot goes, and then what it pushed.
  dead_tape: `
    function dead_tape(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, v: f64, t: f64, w: f64
      s = a
      n = x.length
      for i = 0i; i < n; ++ {
        v = x[i]
        w = v * 2.0
        push.f64 #0 w
        push.f64 #1 s
        s = s * v
      }
      for i = n; i > 0i; -- {
        s = pop.f64 #1
        t = pop.f64 #0
      }
      return s
    }`,
  // t is written after it is pushed and read back through u: the store stays.
  array_tape: `
    function array_tape(x: f64[], n: i32) -> f64 {
      locals i: i32, t: f64[], u: f64[], s: f64, v: f64, w: f64[]
      s = 0.0
      for i = 0i; i < n; ++ {
        t = alloc(2i)
        push.f64[] #0 t
        t[0i] = 3.0
        w = alloc(2i)
        w[0i] = 1.0
      }
      for i = n; i > 0i; -- {
        u = pop.f64[] #0
        v = u[0i]
        s = s + v
      }
      return s
    }`,
  labels: `
    function labels(a: f64) -> f64 {
      locals t: f64, u: f64, da: f64
      // primal
      t = a * a
      // adjoint
      // grad of: u = t + 1.0
      u = t + 1.0
      // grad of: t = a * a
      da = a + a
      // grad of: nothing left
      return da
    }`,
};

for (const [name, input] of Object.entries(cases)) test(name, () => { checkPass('dead-code', name, input); });

test.run();
