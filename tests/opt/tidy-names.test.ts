// tidy-names alone: numbered names take their plain form when it is free; user names stay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkPass, validating } from './support.js';
import { printFunction } from '../../compiler/ir/print.js';
import { parseIr } from './parse-ir.js';
import { tidyNames } from '../../compiler/opt/tidy-names.js';

validating(test);

// acc2 and neg_k2 have no twin left: plain. t_sum2 has one (t_sum): stays. dacc2 follows acc2.
const ir = `
  function tidy(a: f64, b: f64) -> f64 {
    locals neg_k2: f64, acc2: f64, dacc2: f64, t_sum: f64, t_sum2: f64, x1_2: f64
    neg_k2 = -a
    acc2 = neg_k2 * b
    dacc2 = acc2 + 1.0
    t_sum = a + b
    t_sum2 = t_sum * dacc2
    x1_2 = t_sum2 + 1.0
    return x1_2
  }`;

test('numbered names without a twin take their plain form', () => {
  const out = printFunction(checkPass('tidy-names', 'tidy', ir).functions[0]);
  assert.match(out, /neg_k = -a\n/);
  assert.match(out, /acc = neg_k \* b\n/);
  assert.match(out, /dacc = acc \+ 1\.0\n/);
  assert.match(out, /t_sum2 = t_sum \* dacc\n/);
  assert.match(out, /x1 = t_sum2 \+ 1\.0\n/);
});

test("the user's names, and names of functions, are not taken or given", () => {
  const fn = parseIr(ir);
  const named = { ...fn, named: new Set(['acc2']) };
  const out = printFunction(tidyNames(named, { functions: new Set(['neg_k']) }));
  assert.match(out, /acc2 = neg_k2 \* b\n/);
  assert.match(out, /dacc2 = acc2 \+ 1\.0\n/, 'an adjoint follows its value: kept with it');
});

test.run();
