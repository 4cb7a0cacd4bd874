// A counterexample found by `npm run fuzz` (fast-check seed 43001, path 40:0:0:0:0:4:2:2:4:4:5:6:5:9:6:6:8:7:7:7:7:7:7:10:10:9:9:9:9:9:9), shrunk.
// [grad (unoptimised)] calling it threw ReferenceError: m2 is not defined
// Signature: grad (unoptimised): calling it threw ReferenceError: m# is not defined
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function f(a) {
  const w = new Float64Array(1);
  for (let m = 0; m < w.length; m++) w[m] = 0.5;
  for (let m2 = 0; m2 < 1; m2++) {
    for (let i = 0; i < m2; i++) {
    }
    a = 0.5;
  }
  return 0.5;
}
`;

const js = `function f(a) {
  const w = new Float64Array(1);
  for (let m = 0; m < w.length; m++) w[m] = 0.5;
  for (let m2 = 0; m2 < 1; m2++) {
    for (let i = 0; i < m2; i++) {
    }
    a = 0.5;
  }
  return 0.5;
}
`;

test("fuzz regression: grad (unoptimised): calling it threw ReferenceError: m# is not defined", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
