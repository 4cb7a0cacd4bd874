// Entries of the `scope` option that are not helper functions or numbers:
// refused with a CompileError naming the entry (and pointing at its use),
// without ever calling or converting the value. Numbers are inlined exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad } from '../../runtime/index.js';
import { assertRefused } from './support.js';

declare const k: number;
declare function h(a: number): number;
function f(a: number) { return k * a + h(a); }
const square = (a: number) => a * a;

const notNumbers: [string, unknown][] = [
  ['an object', {}], ['an array', [1, 2]], ['null', null], ['undefined', undefined], ['a boolean', true],
  ['a BigInt', 1n], ['a Symbol', Symbol('s')], ['a Float64Array', new Float64Array(2)], ['a Number object', new Number(3)],
  ['a string', '3'], ['a Date', new Date(0)],
];

for (const [what, value] of notNumbers) {
  test(`scope constant that is ${what}`, () => {
    assertRefused(() => grad(f, { scope: { k: value, h: square } }), { says: /`k` in `scope` is .*not a function or a number/, code: 'CT1116', at: '1:22' }, what);
  });
}

test('an object in scope is never converted (valueOf, toString, Symbol.toPrimitive are not called)', () => {
  let calls = 0;
  const sneaky = { valueOf() { calls++; return 3; }, toString() { calls++; return '3'; }, [Symbol.toPrimitive]() { calls++; return 3; } };
  assertRefused(() => grad(f, { scope: { k: sneaky, h: square } }), { says: '`k` in `scope`', code: 'CT1116' }, 'sneaky');
  assert.is(calls, 0);
});

const notHelpers: [string, unknown, string | RegExp][] = [
  ['a class', class A { constructor(_a: number) {} }, 'a class'],
  ['an async function', async (a: number) => a, 'an async function'],
  ['a generator', function* g(a: number) { yield a; }, 'a generator function'],
  ['a bound function', square.bind(null), 'bound function'],
  ['a native function', Math.sin, 'native function'],
  ['a number', 3, '`h` is not a known function'],
  ['a string', 'square', '`h` in `scope` is a string'],
  ['a closure over a variable', ((c: number) => (a: number) => a * c)(3), 'unknown identifier `c`'],
];

for (const [what, value, says] of notHelpers) {
  test(`scope helper that is ${what}`, () => {
    assertRefused(() => grad(f, { scope: { k: 1, h: value } }), { says, fn: undefined }, what);
  });
}

test('numbers in scope are inlined exactly, whatever they are', () => {
  for (const value of [0.1 + 0.2, -0, 1e-320, Number.MAX_VALUE, NaN, Infinity, -Infinity]) {
    const d = grad(f, { scope: { k: value, h: square } });
    assert.ok(Object.is(d(2), value + 4) || (Number.isNaN(value) && Number.isNaN(d(2) as number)), `k = ${value}: ${d(2)}`);
  }
});

test('helpers given as methods, Function-constructed functions and getters work', () => {
  assert.is(grad(f, { scope: { k: 1, h: { m(a: number) { return a * 3; } }.m } })(2), 4);
  assert.is(grad(f, { scope: { k: 1, h: new Function('a', 'return a * 3') } })(2), 4);
  assert.is(grad(f, { scope: { k: 1, get h() { return square; } } })(2), 5);
});

test('a scope getter that throws: its error, not a crash inside the compiler', () => {
  assert.throws(() => grad(f, { scope: { k: 1, get h(): never { throw new Error('boom'); } } }), /boom/);
});

test.run();
