// The IR validator: accepts what lowering and reverse mode produce, names each broken invariant,
// and, between passes, names the pass and shows the IR from before it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IrFunction } from '../../compiler/ir/nodes.js';
import { assertValid, validate } from '../../compiler/ir/validate.js';
import { reverseModule } from '../../compiler/ad/reverse.js';
import { corpus, lowerCase } from '../opt/corpus.js';
import { parseIr } from '../opt/parse-ir.js';

test('lowered corpus functions are valid', () => {
  for (const c of corpus) {
    const m = lowerCase(c);
    for (const f of m.functions) assert.equal(validate(f, m), [], `${c.name}: ${f.name}`);
  }
});

test('gradients of loop-free corpus functions are valid, saves in same-condition branches included', () => {
  for (const name of ['scalar_expr', 'repeated', 'branch', 'ternary', 'calls', 'dead_values']) {
    const c = corpus.find((k) => k.name === name)!;
    const m = reverseModule(lowerCase(c), { wrt: c.wrt });
    for (const f of m.functions) assert.equal(validate(f, m), [], `${name}: ${f.name}`);
  }
});

const invalid: [string, string, RegExp][] = [
  ['read before definition', `
    function f(a: f64) -> f64 {
      locals t: f64, c: bool
      c = a > 0.0
      if c {
        t = a
      }
      return t
    }`, /`t` is read in `return` before it is defined on every path/],
  ['a loop body relying on an earlier iteration', `
    function f(a: f64, n: i32) -> f64 {
      locals s: f64, t: f64, i: i32
      s = 0.0
      for i = 0i; i < n; ++ {
        s = s + t
        t = a
      }
      return s
    }`, /`t` is read in `s = …` before it is defined/],
  ['undeclared name', `
    function f(a: f64) -> f64 {
      locals
      q = a * 2.0
      return q
    }`, /`q` is assigned in `q = …` but not declared in vars/],
  ['f64 into an i32', `
    function f(a: f64) -> f64 {
      locals k: i32
      k = a * 2.0
      return a
    }`, /assigns a f64 to `k`: i32/],
  ['f64 index', `
    function f(x: f64[], a: f64) -> f64 {
      locals v: f64
      v = x[a]
      return v
    }`, /the index in `v = …` has type f64/],
  ['number as a condition', `
    function f(a: f64) -> f64 {
      locals
      if a {
        return a
      }
      return a
    }`, /the condition in `if` has type f64/],
  ['pop without push', `
    function f(a: f64) -> f64 {
      locals t: f64
      t = pop.f64 #3
      return t
    }`, /`t = pop #3` has no push of slot #3/],
  ['pop from the wrong tape', `
    function f(a: f64) -> f64 {
      locals t: i32
      push.f64 #0 a
      t = pop.i32 #0
      return a
    }`, /pop #0 reads the i32 tape but its push writes the f64 tape/],
  ['break outside a loop', `
    function f(a: f64) -> f64 {
      locals
      break
    }`, /`break` outside a loop/],
  ['wrong arity', `
    function f(a: f64) -> f64 {
      locals
      return a, a
    }`, /returns 2 values; the function has 1 results/],
  ['a counted loop whose bound changes in its body', `
    function f(a: f64, n: i32) -> f64 {
      locals m: i32, i: i32
      m = n
      for i = 0i; i < m; ++ {
        m = m - 1i
      }
      return a
    }`, /`m` is assigned in the body of `for i`, which it controls/],
  ['storing into an argument', `
    function f(x: f64[], a: f64) -> f64 {
      locals
      x[0i] = a
      return a
    }`, /writes the argument array `x`/],
];

for (const [label, text, want] of invalid) {
  test(`rejects: ${label}`, () => {
    const problems = validate(parseIr(text));
    assert.ok(problems.some((p) => want.test(p)), `expected ${want} in:\n${problems.join('\n')}`);
  });
}

test('assertValid names the pass and prints the IR from before it', () => {
  const before: IrFunction = parseIr(`
    function f(a: f64) -> f64 {
      locals t: f64
      t = a * 2.0
      return t
    }`);
  const after: IrFunction = { ...before, body: before.body.slice(1) };
  try {
    assertValid(after, 'the dead-code pass', before);
    assert.unreachable('no error');
  } catch (e) {
    const msg = (e as Error).message;
    assert.match(msg, 'invalid IR in `f` after the dead-code pass');
    assert.match(msg, 'IR before the dead-code pass:\nfunction f(a: f64) -> f64 {\n  locals t: f64\n  t = a * 2.0');
  }
});

test.run();
