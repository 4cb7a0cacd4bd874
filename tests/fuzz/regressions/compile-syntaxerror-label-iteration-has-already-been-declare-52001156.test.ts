// A counterexample found by `npm run fuzz` (fast-check seed 52001156, path 78:0:0:2:2:1:1:4:5:4:4:8:7:7:7:7:7:7:7:7:7:7:9:8:8:8:8:8:8:8:8:8:8:8:8:8:8), shrunk.
// Found (since fixed): [compile] SyntaxError: Label 'iteration' has already been declared
// Signature: compile: SyntaxError: Label 'iteration' has already been declared
import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = `function f(a) {
  for (let i = 0; i > -1; i--) {
    for (let i2 = 0; i2 > -1; i2--) {
      if (0.5 < 0.5) continue;
    }
    if (0.5 < 0.5) continue;
  }
  return 0.5;
}
`;

const js = `function f(a) {
  for (let i = 0; i > -1; i--) {
    for (let i2 = 0; i2 > -1; i2--) {
      if (0.5 < 0.5) continue;
    }
    if (0.5 < 0.5) continue;
  }
  return 0.5;
}
`;

test("fuzz regression: compile: SyntaxError: Label 'iteration' has already been declared", async () => {
  await checkProgram({ source, js, ...{"params":[{"name":"a","kind":"num"}],"wrt":[0]} }, 0, newStats(), { points: 2 });
});

test.run();
