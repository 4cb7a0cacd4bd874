// Compiler bugs found by the random programs and the catalogue, each as a
// minimal reproduction. Open ones are skipped (test.skip, marked BUG) until
// fixed: remove the `.skip` to check a fix; fixed ones stay as regressions. While a bug stands, the generator keeps away from
// what triggers it (print.ts KNOWN_BUGS, scope.ts POOLS), so it cannot hide
// other bugs; `npm run fuzz -- --bugs` puts those constructs back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSource, grad, hvp, jvp } from '../../runtime/index.js';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
const arr = (...v: number[]) => new Float64Array(v);

// BUG 1: a user variable named `tape` shadows the runtime tape the generated code
// pushes to: `TypeError: tape.push is not a function` (grad and hvp; as a local or a parameter).
test('BUG 1: a variable named `tape` does not capture the runtime tape', () => {
  const src = (name: string) => `function f(x: Float64Array) {
  let ${name} = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    s = Math.sin(s) * x[i] + ${name};
    ${name} += 1;
  }
  return s;
}`;
  const x = arr(0.5, 0.3, 0.2);
  const want = grad(fromSource(src('k'), 'f'))(x) as Float64Array;
  const got = grad(fromSource(src('tape'), 'f'))(x) as Float64Array;
  assert.equal([...got], [...want]);
});

// BUG 2: a user variable named like a generated helper derivative (`vjp_h` for
// helper `h` in grad, `jvp_h` in jvp, `jvp_vjp_h` in hvp) shadows it:
// `TypeError: vjp_h is not a function`.
test('BUG 2: a variable named `vjp_h` / `jvp_h` does not shadow the derivative of helper `h`', () => {
  const src = (name: string) => `function h(a) { return Math.sin(a) * a; }
function f(a) {
  const ${name} = Math.cos(a);
  return h(a) * ${name};
}`;
  const ref = fromSource(src('k'), 'f');
  for (const name of ['vjp_h', 'jvp_h', 'jvp_vjp_h']) {
    const f = fromSource(src(name), 'f');
    assert.is(grad(f)(1.5), grad(ref)(1.5), `grad with ${name}`);
    assert.is(jvp(f)(1.5, 1), jvp(ref)(1.5, 1), `jvp with ${name}`);
    assert.is(hvp(f)(1.5, 1), hvp(ref)(1.5, 1), `hvp with ${name}`);
  }
});

// BUG 3: forward mode, a parameter outside `wrt` that is reassigned from an active
// value: its tangent is read but never defined. Optimised: `ReferenceError: tb is
// not defined`; unoptimised: the tangent is silently NaN (a wrong number).
test('BUG 3: jvp/hvp through a non-wrt parameter that becomes active', () => {
  const f = fromSource('function f(a, b) {\n  b += a;\n  return Math.sin(b);\n}', 'f');
  const want = Math.cos(0.8) * 0.7;
  assert.ok(close(jvp(f)(0.3, 0.5, 0.7), want));
  assert.ok(close(jvp(f, { optimized: false })(0.3, 0.5, 0.7), want), 'unoptimised: NaN');
  assert.ok(close(hvp(f)(0.3, 0.5, 0.7), -Math.sin(0.8) * 0.7));
});

// BUG 4: a Float64Array argument outside `wrt`, passed to a helper, gets an adjoint
// (grad, unoptimised: `dy is not defined`) and a tangent (jvp and hvp: `ty is not
// defined`) that are never allocated.
test('BUG 4: a non-wrt array passed to a helper', () => {
  const f = fromSource('function h(a, y: Float64Array) {\n  return a * y[0];\n}\nfunction f(a, y) {\n  const c = h(a, y);\n  return c + y[0];\n}', 'f');
  const y = arr(0.5);
  assert.is(grad(f)(0.3, y), 0.5);
  assert.is(grad(f, { optimized: false })(0.3, y), 0.5);
  assert.is(jvp(f)(0.3, y, 0.7), 0.35);
  assert.is(hvp(f)(0.3, y, 0.7), 0);
});

// Fixed (f12b91d), kept as regressions. Forward mode wrote a helper call
// `v = h(...)` as a new declaration `const [v, tv] = jvp_h(...)`, wherever `v` was
// declared and whether or not it changed later. Depending on where: a SyntaxError
// when jvp was made (`v` a parameter), a TDZ ReferenceError (`v = h(v)` in a loop),
// `Assignment to constant variable` (`let v = h(a)` then `v += ...`), or silently
// wrong numbers: in a branch the outer `v` was never updated (jvp wrong) or its
// tangent was undefined (hvp NaN). Branches include those the compiler makes for
// early returns, break and continue.
const helper = 'function h(b) {\n  return b * b;\n}\n';
test('fixed 5a: jvp of `a = h(a)` with `a` a parameter', () => {
  const f = fromSource(`${helper}function f(a) {\n  a = h(a);\n  return a;\n}`, 'f');
  assert.ok(close(jvp(f)(0.3, 1), 0.6)); // SyntaxError: Identifier 'a' has already been declared
});
test('fixed 5b: jvp of `s = h(s)` in a loop', () => {
  const f = fromSource(`${helper}function f(a) {\n  let s = a;\n  for (let i = 0; i < 2; i++) {\n    s = h(s);\n  }\n  return s;\n}`, 'f');
  assert.ok(close(jvp(f)(0.3, 1), 4 * 0.3 ** 3)); // ReferenceError: Cannot access 's' before initialization
});
test('fixed 5c: jvp of `s = h(a)` in a branch is silently wrong', () => {
  const f = fromSource(`${helper}function f(a) {\n  let s = a;\n  if (a > 0) {\n    s = h(a);\n  }\n  return s;\n}`, 'f');
  assert.ok(close(jvp(f)(0.3, 0.7), 0.42), `jvp gives ${jvp(f)(0.3, 0.7)} (the derivative of the other branch)`);
  assert.ok(close(hvp(f, { optimized: false })(0.3, 0.7), 1.4));
});
test('fixed 5d: `let s = h(a)` reassigned later (jvp, unoptimised)', () => {
  const f = fromSource(`${helper}function f(a) {\n  let s = h(a);\n  s += a;\n  return s;\n}`, 'f');
  assert.ok(close(jvp(f, { optimized: false })(0.3, 0.7), 1.6 * 0.7)); // TypeError: Assignment to constant variable.
});
test('fixed 5e: hvp of a helper call inside a branch is NaN', () => {
  const f = fromSource('function h(b) {\n  for (let i = 0; i < 2; i++) {\n    if (b > 0.2) return 0.5;\n  }\n  return b;\n}\nfunction f(a, c) {\n  return c < a ? h(a) * a : 1;\n}', 'f');
  // f = a² near a = -0.096 (c < a, h(a) = a): f'' = 2.
  assert.ok(close(hvp(f)(-0.096, -0.98, 0.7), 1.4));
});
test('fixed 5f: hvp of a helper call after an early return in a loop is NaN', () => {
  const f = fromSource(`function h0(a) {
  return Math.sin(a % 1.7);
}
function f(a) {
  for (let i = 0; i < 1; i++) {
    if (0.9 < 3 * a) return 0.25;
  }
  const buf = new Float64Array(3);
  buf[0] += 0.5 * Math.sin(h0(a));
  return 1.25;
}`, 'f');
  assert.is(hvp(f)(-0.7, 1), 0);
});

test.run();
