// Bugs the catalogue of bad input found, one minimal reproduction each, skipped
// (test.skip) until fixed: remove the `.skip` to check a fix. Each test states
// the outcome that would be right. (Bugs found by the random programs are in
// tests/fuzz/regressions.test.ts.) Fixed ones moved next to their kind of input:
// C1 (loop bounds beyond 32 bits) and C7 (booleans) to call-args.test.ts, C4
// (API misuse), C5 (repeated `wrt`) and C6 (classes, getters) to
// malformed.test.ts, C13 (the tape after a huge call) to huge.test.ts, C14 (the
// source-map cache) to source-map-cache.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompileError, compile, fromSource, grad } from '../../runtime/index.js';
import { close, fd, plain } from './support.js';

const clearError = (attempt: () => unknown, says: RegExp) => {
  try {
    attempt();
  } catch (e) {
    assert.ok(e instanceof CompileError || e instanceof TypeError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, says);
    return;
  }
  assert.unreachable('no error');
};

// BUG C2 (fixed): reading a `let` before it is assigned was not refused: the
// generated code read a name it never declared (ReferenceError: y is not defined)
// or returned `undefined`. Lowering now checks definite assignment as TypeScript
// does (compiler/ir/assigned.ts) and refuses with CT1111 at the read.
test('BUG C2: reading a variable before it is assigned', () => {
  clearError(() => grad(fromSource('function f(a) {\n  let y;\n  return y * a;\n}', 'f'))(0.7), /`y` before it is assigned in `f` at [^:]*:3:10/);
  // Assigned on one path only: refused too (grad refuses before any call).
  clearError(() => grad(fromSource('function f(a) {\n  let y;\n  if (a > 0) y = a;\n  return y * a;\n}', 'f'))(-0.7), /`y` before it is assigned in `f` at [^:]*:4:10/);
});

// BUG C3 (fixed): a TypeScript `this` parameter was taken as a parameter named
// `this`, and the generated code did not parse: a raw SyntaxError, no location.
// Lowering now refuses it (CT1101) at the parameter.
test('BUG C3: a TypeScript `this` parameter', () => {
  const f = fromSource('function f(this: unknown, a: number) {\n  return a * a;\n}', 'f');
  try {
    assert.is(grad(f, { wrt: 1 })(undefined, 3), 6);
  } catch (e) {
    assert.instance(e, CompileError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, /:1:12/);
  }
});

// BUG C8 (fixed): assigning to a `const` was accepted and differentiated, though
// the function itself throws a TypeError when run. Lowering now refuses it (CT1117).
test('BUG C8: assignment to a const is refused', () => {
  clearError(() => grad(fromSource('function f(a) {\n  const b = 1;\n  b = a;\n  return b;\n}', 'f')), /`b`/);
});

// BUG C9 (fixed): a `continue` of a for loop nested in a do…while was refused as
// "`continue` inside do…while", though it belongs to the inner loop. Lowering now
// looks for continues of the do…while only, and supports them: the condition
// moves to the loop's test, skipped on the first pass.
test('BUG C9: continue in a for loop inside a do…while', () => {
  const src = 'function f(a) {\n  let k = 0;\n  let s = 0;\n  do {\n    k++;\n    for (let i = 0; i < 3; i++) {\n      if (i === 1) continue;\n      s += a * i * k;\n    }\n  } while (k < 2);\n  return s;\n}';
  assert.is(grad(fromSource(src, 'f'))(0.7), 6);
  // A continue of the do…while itself jumps to its condition.
  const own = 'function f(a) {\n  let k = 0;\n  let s = 0;\n  do {\n    k++;\n    if (k === 2) continue;\n    s += a * k;\n  } while (k < 4);\n  return s;\n}';
  for (const optimized of [true, false]) assert.equal(grad(fromSource(own, 'f'), { optimized, preserveResult: true })(0.5), [8, 4]);
});

// BUG C10 (fixed): Wasm read out of range without a check. With index -1 the
// gradient came back as a Float64Array of garbage length holding garbage (the JS
// path gives NaN, as the function itself does); past the end it read 0 rather than
// NaN, and out-of-range writes (`dx[n] += ...`) could corrupt the arena and tape.
// Now every access whose index compiler/emit/as/bounds.ts cannot prove in range is
// checked as JS does (a read gives NaN, a write does nothing); f64x2 loops run their
// unchecked steps only under a guard computed once before the loop.
test('BUG C10: an out-of-range index under Wasm', async () => {
  const f = fromSource('function f(x: Float64Array, n: number) {\n  return x[n] * x[0];\n}', 'f');
  const g = grad(f);
  const w = await compile(g);
  const x = new Float64Array([0.3, 0.5, -0.2]);
  for (const n of [-1, 3, 7, -1e6, 2147483647]) {
    const out = w(x, n);
    assert.ok(out instanceof Float64Array && out.length === 3, `n = ${n}: a gradient of length ${(out as Float64Array).length}`);
    assert.ok(Number.isNaN(out[0]), `n = ${n}: ${out[0]} where the function is NaN`);
    assert.equal([...out], [...(g(x, n) as Float64Array)], `n = ${n}: as the JS path`);
  }
});

// BUG C11 (fixed): a long chain of binary operators (2,700 terms of `a + a + …`)
// parsed, but lowering recursed once per operator and overflowed the stack.
// Lowering now walks a left-nested chain in a loop.
test('BUG C11: a 2,700-term sum overflows the stack while lowering', () => {
  const src = `function f(a) {\n  return ${Array.from({ length: 2700 }, () => 'a').join(' + ')};\n}`;
  try {
    assert.is(grad(fromSource(src, 'f'))(0.1), 2700);
  } catch (e) {
    assert.instance(e, CompileError, `${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
  }
});

// Fixed, was BUG C12: differentiating long functions took time quadratic in their
// length (optimising 1,000 straight-line statements ~45 s, 2,000 ~10 min). The
// optimiser and the JS emitter are linear now (persistent live sets, facts indexed
// by what they depend on, writes found by binary search; tests/opt/scaling.test.ts),
// and Namer.fresh resumes each base's suffix search instead of trying base2,
// base3, ... afresh for every temporary. 5,000 statements: ~33 s on this machine
// with two other processes on both cores, about half that alone. The limit below
// leaves room for a slow CI machine.
test('BUG C12: a 5,000-statement function is differentiated in reasonable time', () => {
  const body = Array.from({ length: 5000 }, (_, i) => `  s = s * 0.999 + Math.sin(s + ${i % 7} * a);`).join('\n');
  const src = `function f(a) {\n  let s = a;\n${body}\n  return s;\n}`;
  const t0 = performance.now();
  const got = grad(fromSource(src, 'f'))(0.5) as number;
  assert.ok(performance.now() - t0 < 45_000, `${((performance.now() - t0) / 1000).toFixed(0)} s`);
  assert.ok(close(got, fd(plain(src), [0.5], 0), 1e-6));
});

test.run();
