// Where the emitter declares variables: a value made inside a branch and read
// after it must not be shadowed by a block-scoped declaration (found by the
// random-program fuzzer: a destructured helper result inside an `if`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSource, grad, hvp, jvp } from '../../../runtime/index.js';
import { emitFunction } from '../../../compiler/emit/js/emit.js';
import type { IrFunction } from '../../../compiler/ir/nodes.js';
import { parseIr } from '../../opt/parse-ir.js';

const src = `function h0(a) { return a; }
function h1(a) { return Math.sin(h0(a)); }
export function f(a) {
  if (0 < 1) {
    let j = 0;
    while (j < 1) {
      j++;
      if (Math.sin(a) < (Math.PI < 1.25 ? a : (0))) return Math.pow(2 + Math.cos((j) + a), Math.sin(a));
    }
  }
  return h1(h0(a)) + 1.25;
}`;

test('a helper result destructured inside a branch is visible after it', () => {
  const f = fromSource(src, 'f');
  const a = 0.38122182176448405;
  assert.is(grad(f)(a), Math.cos(a));
  assert.is(jvp(f)(a, 1), Math.cos(a));
  assert.ok(Math.abs((hvp(f)(a, 1) as number) + Math.sin(a)) < 1e-15);
  assert.not.match(hvp(f).source, /if \(not_done\d*\) \{\s*const \[/, 'not declared inside the branch');
});


// IR written by hand: `u` is assigned in one branch and read under the same condition later
// (each iteration's own); `w` carries from one iteration to the next.
const loopIr = (): IrFunction => parseIr(`
  function f(x: f64[], a: f64) -> f64 {
    locals s: f64, n: i32, i: i32, t: f64, k: bool, u: f64, w: f64
    s = 0.0
    w = 0.0
    n = x.length
    for i = 0i; i < n; ++ {
      t = x[i]
      k = t > a
      if k {
        u = t * a
      }
      s = s + w
      if k {
        s = s + u
      }
      w = t
    }
    return s
  }`);

test('a variable used only inside a loop body, in two of its blocks, is declared at the top of the body', () => {
  const code = emitFunction(loopIr());
  assert.match(code, /for \(let i = 0; i < x\.length; i\+\+\) \{\n\s+let u;\n/, code);
  assert.match(code, /^function f\(x, a\) \{\n\s+let s = 0;\n\s+let w = 0;\n/, code);
  const run = new Function(`${code}\nreturn f;`)() as (x: Float64Array, a: number) => number;
  // s = Σ x[i-1] (w) + Σ_{x[i] > a} x[i]·a
  assert.is(run(Float64Array.of(1, 3, 2), 1.5), 1 + 3 + 3 * 1.5 + 2 * 1.5);
});

test.run();
