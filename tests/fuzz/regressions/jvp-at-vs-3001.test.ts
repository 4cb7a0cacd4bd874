// A counterexample found by `npm run fuzz` (fast-check seed 3001, path 167:0:2:2:2:2:2:2:5:7:5:5:6:5:7:6:6:6:8:7:9:10:10:9:9:9:6:8:8:8:8:8:8:8:9:9:9:9:8:8:8:8:8:8:8:8:9:8:8:8:8:8:8), shrunk.
// [jvp] at [0]: -0.4921991738669946 vs 0.09941503345665918
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
    for (let i = 0; i < 1; i++) {
      buf[0] = Math.tanh(np.sum(np.mul(buf, a + 0.5)));
    }
  }
  a = Math.sin(buf[0]);
  return a;
}
`;

const js = `function f(a) {
  const buf = new Float64Array(1);
  for (let j = 0; j < buf.length; j++) buf[j] = 0.5;
  let j2 = 0;
  while (j2 < 1) {
    j2++;
    for (let i = 0; i < 1; i++) {
      buf[0] = Math.tanh(np.sum(np.mul(buf, a + 0.5)));
    }
  }
  a = Math.sin(buf[0]);
  return a;
}
`;

test("fuzz regression: jvp: at [#]: # vs #", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
