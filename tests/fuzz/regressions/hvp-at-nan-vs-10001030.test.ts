// A counterexample found by `npm run fuzz` (fast-check seed 10001030, path 186:0:3:2:2:2:2:2:4:3:3:4:1:2:2:5:3:3:4:3:3:3:4:3:3:3:3:3), shrunk.
// Found (since fixed): [hvp] at [0]: NaN vs 0
// Signature: hvp: at [#]: NaN vs #
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function h0(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = Math.tanh(0.5 + (a + a));
  return a;
}

function f(a) {
  return h0(a);
}
`;

const js = `function h0(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = Math.tanh(0.5 + (a + a));
  return a;
}

function f(a) {
  return h0(a);
}
`;

test("fuzz regression: hvp: at [#]: NaN vs #", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
