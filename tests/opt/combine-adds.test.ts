// combine-adds alone: adds into one element in a row become one add; anything that could see the element between keeps them apart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkPass, validating } from './support.js';
import { forEachStmt } from '../../compiler/ir/walk.js';

validating(test);

const cases: Record<string, [string, number]> = {
  // Three adds at i, one at i + 1 between them (another element: it commutes): two adds remain.
  chain: [`
    function chain(x: f64[], d: f64[], a: f64) -> f64 {
      locals n: i32, i: i32, j: i32, u: f64, v: f64
      n = x.length
      for i = 0i; i < n; ++ {
        j = i + 1i
        u = x[i]
        d[i] += u
        v = u * a
        d[j] += a
        d[i] += v
        d[i] += v
      }
      return a
    }`, 2],
  // A load of d between, a write to the index, a plain store, a write to u: all keep the adds apart.
  kept: [`
    function kept(x: f64[], d: f64[], a: f64) -> f64 {
      locals n: i32, i: i32, u: f64, w: f64
      n = x.length
      i = 0i
      u = a
      d[i] += u
      w = d[0i]
      d[i] += w
      i = 1i
      d[i] += u
      d[0i] = a
      d[i] += u
      u = w
      d[i] += u
      return w
    }`, 5],
};

for (const [name, [input, adds]] of Object.entries(cases)) {
  test(name, () => {
    const out = checkPass('combine-adds', name, input);
    let count = 0;
    forEachStmt(out.functions[0].body, (s) => { if (s.kind === 'store' && s.accumulate) count++; });
    assert.is(count, adds);
  });
}

test.run();
