// Arrays of 10^7 elements: the gradient is still right, and once the function,
// its derivative and the arrays are dropped, their memory is released; while
// the derivatives live, they do not hold on to the tape one huge call grew.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fromSource, grad, hvp } from '../../runtime/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const arrayBuffers = () => { gc(); gc(); return process.memoryUsage().arrayBuffers; };
const MB = 1e6;
const N = 1e7;

test('grad over 10^7 elements without a tape: correct, and memory released', () => {
  const base = arrayBuffers();
  (() => {
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = (i % 1000) / 1000;
    const g = grad(fromSource('function f(x: Float64Array) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s += x[i] * x[i];\n  return s;\n}', 'f'));
    const dx = g(x) as Float64Array;
    assert.is(dx.length, N);
    for (const i of [0, 1, 999, 123456, N - 1]) assert.is(dx[i], 2 * x[i]);
  })();
  const held = arrayBuffers() - base;
  assert.ok(held < 16 * MB, `${(held / MB).toFixed(0)} MB still held`);
});

test('grad over 10^7 elements through the tape: correct, and memory released', () => {
  const base = arrayBuffers();
  (() => {
    const x = new Float64Array(N).fill(0.25);
    const g = grad(fromSource('function f(x: Float64Array) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s = Math.sin(s) + x[i];\n  return s;\n}', 'f'));
    const dx = g(x) as Float64Array;
    // s_i = sin(s_{i-1}) + x_i, so ∂s_N/∂x_N = 1 and ∂s_N/∂x_{N-1} = cos(s_{N-1}).
    let s = 0, prev = 0;
    for (let i = 0; i < N; i++) { prev = s; s = Math.sin(s) + x[i]; }
    assert.is(dx[N - 1], 1);
    assert.ok(Math.abs(dx[N - 2] - Math.cos(prev)) < 1e-12, `${dx[N - 2]} vs ${Math.cos(prev)}`);
    assert.ok(dx.every(Number.isFinite));
  })();
  const held = arrayBuffers() - base;
  assert.ok(held < 16 * MB, `${(held / MB).toFixed(0)} MB still held`);
});

// BUG C13, fixed: the tape never shrank, so one call over 10^7 elements left the
// derivative holding its grown tape (134 MB for grad here, 268 MB more for hvp)
// for as long as the function it was made from lived (derivatives are cached).
// A call now ends by letting go of stacks grown past a few MB (Tape.trim).
test('a huge call does not pin its tape memory; the derivatives still work after it', () => {
  const f = fromSource('function f(x: Float64Array) {\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s = Math.sin(s) + x[i];\n  return s;\n}', 'f');
  const g = grad(f), h = hvp(f);
  const small = new Float64Array([0.25, 0.5, -1]);
  const before = [g(small), h(small, small)].map((v) => [...(v as Float64Array)]);
  const base = arrayBuffers();
  (() => {
    const x = new Float64Array(N).fill(0.25);
    assert.is((g(x) as Float64Array)[N - 1], 1);
    assert.ok((h(x, x) as Float64Array).every(Number.isFinite));
  })();
  const kept = arrayBuffers() - base;
  assert.ok(kept < 16 * MB, `${(kept / MB).toFixed(0)} MB kept after the call`);
  assert.equal([g(small), h(small, small)].map((v) => [...(v as Float64Array)]), before, 'same results after the tape shrank');
});

test.run();
