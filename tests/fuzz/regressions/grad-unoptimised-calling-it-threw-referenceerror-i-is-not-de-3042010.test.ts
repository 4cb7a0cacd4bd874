// A counterexample found by `npm run fuzz` (fast-check seed 3042010, path 109:0:0:4:2:5:3:4:5:4:4:4:4:4:4:4:7:7:6:6:6:6:6:7:7), shrunk.
// [grad (unoptimised)] calling it threw ReferenceError: i32 is not defined
// Signature: grad (unoptimised): calling it threw ReferenceError: i# is not defined
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function f(dx) {
  for (let i32 = 0; i32 < 1; i32++) {
    for (let i = 0; i < i32; i++) {
      dx = 0.5;
    }
  }
  return 0.5;
}
`;

const js = `function f(dx) {
  for (let i32 = 0; i32 < 1; i32++) {
    for (let i = 0; i < i32; i++) {
      dx = 0.5;
    }
  }
  return 0.5;
}
`;

test("fuzz regression: grad (unoptimised): calling it threw ReferenceError: i# is not defined", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"dx","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
