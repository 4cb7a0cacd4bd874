// A counterexample found by `npm run fuzz` (fast-check seed 50007151, path 24:1:1:3:3:3:11:8:7:7:7:7:7:7:8:9:8:8:11:9:9:9:9:15:13:13:13:13:11:11:11:13:12:12:12:12:12:12:12:14:14:14), shrunk.
// [jvp] at [0]: 0.005955826631581451 vs 1.0187225375929407
// Signature: jvp: at [#]: # vs #
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function f(a, b) {
  for (let i = 0; i < 1; i++) {
    for (let i2 = 0; i2 < 1; i2++) {
      b *= Math.cos(a);
    }
  }
  for (let i3 = 0; i3 < 1; i3++) {
    let j = 0;
    while (j < 1) {
      j++;
    }
    if (0.75 > 0.5) {
      a = 0.5;
    }
  }
  return -b;
}
`;

const js = `function f(a, b) {
  for (let i = 0; i < 1; i++) {
    for (let i2 = 0; i2 < 1; i2++) {
      b *= Math.cos(a);
    }
  }
  for (let i3 = 0; i3 < 1; i3++) {
    let j = 0;
    while (j < 1) {
      j++;
    }
    if (0.75 > 0.5) {
      a = 0.5;
    }
  }
  return -b;
}
`;

test("fuzz regression: jvp: at [#]: # vs #", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"},{"name":"b","kind":"num"}],"wrt":[0,1]} }, 0, newStats(), { points: 2 });
});

test.run();
