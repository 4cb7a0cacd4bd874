// tape-elision alone, on tape traffic written by hand in the shapes reverse mode produces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkPass, validating } from './support.js';
import { forEachStmt } from '../../compiler/ir/walk.js';

validating(test);

const cases: Record<string, string> = {
  // Nothing reads t: push #0 and its pop go.
  dead_pop: `
    function dead_pop(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, v: f64, t: f64
      s = a
      n = x.length
      for i = 0i; i < n; ++ {
        v = x[i]
        push.f64 #0 v
        push.f64 #1 s
        s = s * v
      }
      for i = n; i > 0i; -- {
        s = pop.f64 #1
        t = pop.f64 #0
      }
      return s
    }`,
  // a is never assigned: each pop gets a back, so it becomes a copy (or nothing, restoring a itself).
  unchanged: `
    function unchanged(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, b: f64, c: f64
      s = 0.0
      c = 3.0
      n = x.length
      for i = 0i; i < n; ++ {
        push.f64 #0 a
        push.f64 #1 c
        push.f64 #2 2.0
        s = s + a
      }
      for i = n; i > 0i; -- {
        b = pop.f64 #2
        s = s * b
        c = pop.f64 #1
        s = s + c
        b = pop.f64 #0
        s = s + b
      }
      return s
    }`,
  // v changes in every iteration: its pushes stay on the tape.
  overwritten_in_loop: `
    function overwritten_in_loop(x: f64[]) -> f64 {
      locals s: f64, n: i32, i: i32, v: f64
      s = 0.0
      n = x.length
      for i = 0i; i < n; ++ {
        v = x[i]
        push.f64 #0 v
        s = s + v
      }
      for i = n; i > 0i; -- {
        v = pop.f64 #0
        s = s * v
      }
      return s
    }`,
  // Pushed once, outside loops: a local copy instead of the tape.
  loop_free: `
    function loop_free(a: f64, b: f64) -> f64 {
      locals y: f64, d: f64
      y = a * b
      push.f64 #0 y
      y = y * y
      d = y + 1.0
      y = pop.f64 #0
      d = d * y
      return d
    }`,
  // Saved in one branch, restored in a later branch on the same condition.
  loop_free_branches: `
    function loop_free_branches(a: f64, b: f64) -> f64 {
      locals y: f64, c: bool, d: f64
      y = a
      c = a > b
      if c {
        push.f64 #0 y
        y = y * b
      }
      d = y * 2.0
      if c {
        y = pop.f64 #0
      }
      d = d + y
      return d
    }`,
  // Bools ride on the i32 tape; a loop-free one becomes a bool local.
  bool_slot: `
    function bool_slot(a: f64) -> f64 {
      locals c: bool, d: f64
      c = a > 0.0
      push.i32 #0 c
      c = a > 1.0
      d = a
      if c {
        d = a * 2.0
      }
      c = pop.i32 #0
      if c {
        d = d + 1.0
      }
      return d
    }`,
  // Pushed and popped in the same iteration of one loop (a checkpointed iteration's re-run and
  // its adjoint): one value at a time, so a local. Slot #1 is popped in another loop: it stays.
  one_per_iteration: `
    function one_per_iteration(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, v: f64, w: f64
      s = 0.0
      n = x.length
      for i = 0i; i < n; ++ {
        push.f64 #1 s
        s = s + a
      }
      for i = n; i > 0i; -- {
        s = pop.f64 #1
        v = x[0i]
        push.f64 #0 v
        v = v * a
        s = s + v
        v = pop.f64 #0
        s = s * v
      }
      return s
    }`,
  // The pop comes before the push in the body: it takes the previous iteration's value. Stays.
  popped_first: `
    function popped_first(x: f64[], a: f64) -> f64 {
      locals s: f64, n: i32, i: i32, v: f64
      s = 0.0
      v = a
      n = x.length
      push.f64 #0 v
      for i = 0i; i < n; ++ {
        v = pop.f64 #0
        s = s + v
        v = x[i]
        push.f64 #0 v
      }
      v = pop.f64 #0
      s = s + v
      return s
    }`,
};

for (const [name, input] of Object.entries(cases)) test(name, () => { checkPass('tape-elision', name, input); });

test('a slot pushed and popped in one iteration becomes a local; one whose pop comes first stays', () => {
  const slotsOf = (name: string) => {
    const found = new Set<number>();
    forEachStmt(checkPass('tape-elision', name, cases[name]).functions[0].body, (s) => { if (s.kind === 'push') found.add(s.slot); });
    return [...found];
  };
  assert.equal(slotsOf('one_per_iteration'), [1]);
  assert.equal(slotsOf('popped_first'), [0]);
});

test('after tape-elision, loop-free code has no tape traffic', () => {
  for (const name of ['loop_free', 'loop_free_branches', 'bool_slot', 'unchanged']) {
    const out = checkPass('tape-elision', name, cases[name]);
    forEachStmt(out.functions[0].body, (s) => assert.not.equal(s.kind, 'push', `${name} still pushes`));
  }
});

test.run();
