// loop-order alone: a backward adjoint loop runs forwards only when no iteration depends on another.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkPass, validating } from './support.js';

validating(test);

/** A backward adjoint loop over x with `body` (declared names: s, t, u, c, d: f64, q: f64[], k: bool). */
const loop = (name: string, body: string, after = 's', before = '') => `
    function ${name}(x: f64[], dx: f64[], a: f64) -> f64 {
      locals s: f64, t: f64, u: f64, n: i32, i: i32, last: i32, q: f64[], k: bool, d: f64
      s = 0.0
      t = 0.0
      u = 0.0
      d = 0.0
      k = a > 0.0
      n = x.length
      last = n - 1i
      q = alloc(n)
${before}      for i = last; i >= 0i; -- mirror {
${body.trim().split('\n').map((l) => `        ${l.trim()}`).join('\n')}
      }
      return ${after}
    }`;

const cases: Record<string, [string, boolean]> = {
  // t is the iteration's own, s a sum, dx only added into: forwards.
  independent: [loop('independent', `
    t = x[i]
    t = t * a
    dx[i] += t
    s = s + t`), true],
  // The iteration's own value assigned in both branches of one condition and read under the same
  // condition: still its own.
  same_condition: [loop('same_condition', `
    t = x[i]
    k = t > 0.0
    if k {
      u = t * a
    }
    if k {
      s = s + u
    }`), true],
  // A value pushed and popped in the same iteration: forwards.
  own_tape: [loop('own_tape', `
    t = x[i]
    push.f64 #0 t
    t = t * t
    s = s + t
    t = pop.f64 #0
    dx[i] += t`), true],
  // t carries from one iteration to the next: stays backwards.
  carried: [loop('carried', `
    t = t * a
    u = x[i]
    t = t + u
    dx[i] += t`, 't'), false],
  // s is read inside the loop, not only summed: stays.
  sum_read: [loop('sum_read', `
    t = x[i]
    s = s + t
    dx[i] += s`), false],
  // dx is written, not added into: the last write wins, so order matters.
  overwritten: [loop('overwritten', `
    t = x[i]
    dx[0i] = t`, 'a'), false],
  // dx is added into and read: stays.
  array_read: [loop('array_read', `
    t = dx[0i]
    dx[i] += t`, 'a'), false],
  // The pop takes what the loop before pushed: stays.
  outer_tape: [loop('outer_tape', `
    t = pop.f64 #0
    dx[i] += t`, 'a', `      for i = 0i; i < n; ++ {
        push.f64 #0 a
      }
`), false],
  // The iteration's own t is read after the loop (the last iteration's): stays.
  live_after: [loop('live_after', `
    t = x[i]
    dx[i] += t`, 't'), false],
  // dx is read and reset at the loop's index only: each iteration has its own element.
  own_element: [loop('own_element', `
    t = dx[i]
    dx[i] = 0.0
    s = s + t`), true],
  // A fresh array each iteration is the iteration's own.
  own_array: [loop('own_array', `
    q = alloc(n)
    q[i] = a
    t = q[i]
    dx[i] += t`, 'a'), true],
};

for (const [name, [input, forwards]] of Object.entries(cases)) {
  test(name, () => {
    const out = checkPass('loop-order', name, input);
    const fors = out.functions[0].body.filter((s) => s.kind === 'for');
    const last = fors[fors.length - 1];
    assert.ok(last.kind === 'for' && last.step === (forwards ? 1 : -1), `${name}: expected the loop to run ${forwards ? 'forwards' : 'backwards'}`);
  });
}

test('a loop not marked as an adjoint loop keeps its direction', () => {
  const out = checkPass('loop-order', 'unmarked', loop('unmarked', 't = x[i]\ndx[i] += t').replace(' mirror', ''));
  const last = out.functions[0].body.filter((s) => s.kind === 'for').pop();
  assert.ok(last?.kind === 'for' && last.step === -1);
});

test.run();
