// A counterexample found by `npm run fuzz` (fast-check seed 28002085, path 75:0:0:1:0:2:1:1:1:1:3:3:4:3:3:3:5:3:3:3:3:3:3:3:5:3:3:3:3:5:7:7:6:6:6:6:7:6:6:6:6:6:6:6:6:6:6:6:6:7:6:6:6:6:6:6), shrunk.
// [jvp] at [0]: 0.08405625912414774 vs 0.19270590357389203
// Signature: jvp: at [#]: # vs #
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `import * as np from 'cotangent/np';

function f(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = 0.5;
  let j2 = 0;
  while (j2 < 1) {
    j2++;
    buf[0] = (1.5 + (2 * Math.tanh(0.5 * np.sum(buf))) * (2 * Math.tanh(0.5 * np.sum(buf)))) ** Math.tanh(a ** 2);
    a = Math.tanh(0.5 + buf[0]);
  }
  return a;
}
`;

const js = `function f(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = 0.5;
  let j2 = 0;
  while (j2 < 1) {
    j2++;
    buf[0] = (1.5 + (2 * Math.tanh(0.5 * np.sum(buf))) * (2 * Math.tanh(0.5 * np.sum(buf)))) ** Math.tanh(a ** 2);
    a = Math.tanh(0.5 + buf[0]);
  }
  return a;
}
`;

test("fuzz regression: jvp: at [#]: # vs #", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
