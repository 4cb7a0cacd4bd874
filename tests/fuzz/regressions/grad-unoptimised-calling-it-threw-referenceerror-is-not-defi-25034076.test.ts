// A counterexample found by `npm run fuzz` (fast-check seed 25034076, path 117:0:1:1:7:5:6:6:6:6:6:9:8:8:13:11:11:11:11:11:11:11:10:10:10:11:10:10:12:11:12:11:11:11:12:11:11:11:11:11:11:11:11:11), shrunk.
// [grad (unoptimised)] calling it threw ReferenceError: s is not defined
// Cause (fixed the same session): the JS emitter wrote an unread np operation as a bare call, its
// check kept, also when its target was assigned again later, which then had no declaration.
// Signature: grad (unoptimised): calling it threw ReferenceError: _ is not defined
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `import * as np from 'cotangent/np';

function h0(a, b, x) {
  let s = np.sum(np.tanh(x));
  for (let i = 0; i < 1; i++) {
    s = 0.5;
  }
  return 0.5;
}

function f(a, y) {
  a = Math.tanh(0.5 + h0(a, a, y));
  return 0.5;
}
`;

const js = `function h0(a, b, x) {
  let s = np.sum(np.tanh(x));
  for (let i = 0; i < 1; i++) {
    s = 0.5;
  }
  return 0.5;
}

function f(a, y) {
  a = Math.tanh(0.5 + h0(a, a, y));
  return 0.5;
}
`;

test("fuzz regression: grad (unoptimised): calling it threw ReferenceError: _ is not defined", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"},{"name":"y","kind":"arr","len":1}],"wrt":[0,1]} }, 0, newStats(), { points: 2 });
});

test.run();
