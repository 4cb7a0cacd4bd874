// A counterexample found by `npm run fuzz` (fast-check seed 29007088, path 181:1:1:2:2:0:1:2:1:1:2:4:2:4:7:9:8:8:11:8:13:12:12:12:12:12:12:12:12:12:12:0:11:11:11:11:13:12:11:13:22:14:11:11:12:12:11), shrunk.
// [jvp] at [0]: 0 vs NaN
// Signature: jvp: at [#]: # vs NaN
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function f(a) {
  let j = 0;
  while (j < 2) {
    j++;
    let j2 = 0;
    while (j2 < 2) {
      j2++;
      let s = Math.expm1(a);
      a = s;
    }
  }
  return 0.5;
}
`;

const js = `function f(a) {
  let j = 0;
  while (j < 2) {
    j++;
    let j2 = 0;
    while (j2 < 2) {
      j2++;
      let s = Math.expm1(a);
      a = s;
    }
  }
  return 0.5;
}
`;

test("fuzz regression: jvp: at [#]: # vs NaN", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 1061830716, newStats(), { points: 2 });
});

test.run();
