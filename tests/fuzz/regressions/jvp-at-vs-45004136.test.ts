// A counterexample found by `npm run fuzz` (fast-check seed 45004136, path 199:0:5:4:3:3:3:3:3:3:3:3:6:4:4:5:7:7:6:6:6:8:7:7:7:7:7:7:7:7:7:8:7:7:7), shrunk.
// [jvp] at [0]: 1.4005005203211087 vs -0.9993405085988343
// Signature: jvp: at [#]: # vs #
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function h0(a, y) {
  return y[(0) % y.length] ** 2;
}

function f(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = a;
  a = h0(a, buf);
  buf[0] = 0.5;
  return a;
}
`;

const js = `function h0(a, y) {
  return y[(0) % y.length] ** 2;
}

function f(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = a;
  a = h0(a, buf);
  buf[0] = 0.5;
  return a;
}
`;

test("fuzz regression: jvp: at [#]: # vs #", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
