// Where the emitter declares variables: a value made inside a branch and read
// after it must not be shadowed by a block-scoped declaration (found by the
// random-program fuzzer: a destructured helper result inside an `if`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSource, grad, hvp, jvp } from '../../../runtime/index.js';

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

test.run();
