// The compiled call wrapper: checked arguments go straight to the entry; anything else takes the general path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fastCall } from '../../runtime/call.js';
import { Tape } from '../../runtime/tape.js';
import type { Param } from '../../compiler/ir/nodes.js';

const params: Param[] = [{ name: 'x', type: 'f64[]' }, { name: 'tx', type: 'f64[]' }, { name: 'n', type: 'i32' }, { name: 'flip', type: 'bool' }, { name: 'a', type: 'f64' }];
const like = [undefined, 0, undefined, undefined, undefined];

function wrapper(opts = {}, tape?: Tape, entry: Function = (...args: unknown[]) => args) {
  const slowCalls: unknown[][] = [];
  const f = fastCall(params, like, opts, { entry, shape: (r) => r, slow: (...args) => { slowCalls.push(args); return 'slow'; }, tape });
  return { f, slowCalls };
}

test('arguments that pass the checks reach the entry as they are', () => {
  const { f, slowCalls } = wrapper();
  const x = new Float64Array(3), tx = new Float64Array(3);
  const got = f(x, tx, 4, true, 0.5) as unknown[];
  assert.is(got[0], x);
  assert.is(got[1], tx);
  assert.equal(got.slice(2), [4, true, 0.5]);
  assert.is(slowCalls.length, 0);
});

test('anything else takes the general path, with the arguments as given', () => {
  const { f, slowCalls } = wrapper({ bounds: [undefined, undefined, { lo: -2147483647, hi: 2147483646 }, undefined, undefined] });
  const x = new Float64Array(3);
  const cases: unknown[][] = [
    [[1, 2, 3], new Float64Array(3), 4, true, 0.5], // number[]: to copy
    [x, new Float64Array(2), 4, true, 0.5], // tangent of the wrong length
    [x, new Float64Array(3), 4.5, true, 0.5], // not an integer
    [x, new Float64Array(3), 2147483647, true, 0.5], // a loop bound without its margin
    [x, new Float64Array(3), 4, 1, 0.5], // a number for a boolean
    [x, new Float64Array(3), 4, true, '0.5'], // a string
    [x, new Float64Array(3), 4, true], // too few
  ];
  for (const args of cases) assert.is(f(...args), 'slow', JSON.stringify(args));
  assert.equal(slowCalls.length, cases.length);
  assert.equal(slowCalls[6].length, 4);
});

test('booleans become 1 and 0 where the entry takes numbers (WebAssembly)', () => {
  const { f } = wrapper({ booleansAsNumbers: true });
  const x = new Float64Array(1);
  assert.equal((f(x, x, 0, true, 1) as unknown[])[3], 1);
  assert.equal((f(x, x, 0, false, 1) as unknown[])[3], 0);
});

test('the tape is left as it was found, also when the entry throws', () => {
  const tape = new Tape();
  const { f } = wrapper({}, tape, () => { tape.push(1); tape.push(2); throw new Error('mid-sweep'); });
  const x = new Float64Array(1);
  assert.throws(() => f(x, x, 0, true, 1), /mid-sweep/);
  assert.is(tape.top, 0);
});

test.run();
