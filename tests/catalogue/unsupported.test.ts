// Constructs outside the supported language that tests/errors does not cover:
// each is refused before any code runs with a CompileError naming the
// construct, the function, line:column, a code frame and a note.
import { test } from 'uvu';
import { assertSourceRefused, type Mode } from './support.js';

interface Case { name: string; src: string; says: string; at?: string; code?: string; mode?: Mode }

const fn = (body: string, params = 'a') => `function f(${params}) {\n${body}\n}`;

const cases: Case[] = [
  // statements
  { name: 'throw', src: fn('  if (a > 1) throw 1;\n  return a;'), says: '`throw`', at: '2:14' },
  { name: 'for…in', src: fn('  let s = 0;\n  for (const k in x) s += 1;\n  return s;', 'x: Float64Array'), says: '`for…in`', at: '3:3' },
  { name: 'nested function declaration', src: fn('  function g(b) { return b * 2; }\n  return g(a);'), says: 'a nested function declaration', at: '2:3' },
  { name: 'enum', src: fn('  enum E { A }\n  return a;'), says: 'a TSEnumDeclaration', at: '2:3' },
  { name: 'var used before its declaration', src: fn('  b = a * 2;\n  var b;\n  return b;'), says: 'unknown identifier `b`', at: '2:3', code: 'CT1102' },
  { name: 'var declared twice', src: fn('  var b = a;\n  var b = a * 2;\n  return b;'), says: 'redeclaring `b`', at: '3:7' },
  { name: 'a declaration reading itself', src: fn('  let b = b + a;\n  return b;'), says: 'unknown identifier `b`', at: '2:11', code: 'CT1102' },
  { name: 'return without a value', src: fn('  return;'), says: 'does not return a value on every path', at: '2:3', code: 'CT1114' },
  { name: 'delete', src: fn('  delete x[0];\n  return x[0];', 'x: Float64Array'), says: 'is not supported', at: '2:3' },
  // parameters and declarations
  { name: 'rest parameter', src: fn('  return xs[0];', '...xs'), says: 'a rest parameter', at: '1:12' },
  { name: 'default parameter value', src: fn('  return a * b;', 'a, b = 2'), says: 'a default parameter value', at: '1:15' },
  { name: 'destructuring parameter', src: fn('  return a * b;', '[a, b]'), says: 'a destructuring parameter', at: '1:12' },
  { name: 'destructuring declaration', src: fn('  const [a, b] = x;\n  return a * b;', 'x: Float64Array'), says: 'a destructuring declaration', at: '2:9' },
  // literals
  { name: 'array literal', src: fn('  const v = [a, a];\n  return a;'), says: 'an array literal', at: '2:13' },
  { name: 'template literal', src: fn('  const s = `${a}`;\n  return a;'), says: 'a string', at: '2:13' },
  { name: 'string comparison', src: fn('  return a == "1" ? a : 0;'), says: 'a string', at: '2:15' },
  { name: 'string index', src: fn('  return x["0"];', 'x: Float64Array'), says: 'a string', at: '2:12' },
  { name: 'regular expression', src: fn('  const r = /a/;\n  return a;'), says: 'a RegExpLiteral', at: '2:13' },
  { name: 'BigInt', src: fn('  const b = 1n;\n  return a;'), says: 'a BigIntLiteral', at: '2:13' },
  { name: 'new.target', src: fn('  return new.target ? a : 0;'), says: 'a MetaProperty', at: '2:10' },
  // operators
  { name: 'comma operator', src: fn('  return (a, a * 2);'), says: 'the comma operator', at: '2:11' },
  { name: '++ inside an expression', src: fn('  let i = 0;\n  return a * i++;'), says: '`++` inside an expression', at: '3:14' },
  { name: 'typeof', src: fn('  return typeof a === "number" ? a : 0;'), says: 'the `typeof` operator', at: '2:10' },
  { name: 'void', src: fn('  return void a;'), says: 'the `void` operator', at: '2:10' },
  { name: '| other than | 0', src: fn('  return a | 1;'), says: 'the `|` operator', at: '2:10' },
  { name: '~', src: fn('  return ~a;'), says: 'the `~` operator', at: '2:10' },
  { name: '<<', src: fn('  return a << 1;'), says: 'the `<<` operator', at: '2:10' },
  { name: '>>>', src: fn('  return (a >>> 0) * a;'), says: 'the `>>>` operator', at: '2:11' },
  { name: '^', src: fn('  return a ^ 3;'), says: 'the `^` operator', at: '2:10' },
  { name: 'in', src: fn('  return "k" in x ? 1 : 0;', 'x: Float64Array'), says: 'the `in` operator', at: '2:10' },
  { name: 'instanceof', src: fn('  return a instanceof Number ? a : 0;'), says: 'the `instanceof` operator', at: '2:10' },
  { name: '||=', src: fn('  let b = 0;\n  b ||= a;\n  return b;'), says: 'the `||=` operator', at: '3:3' },
  { name: '&&=', src: fn('  let b = 1;\n  b &&= a;\n  return b;'), says: 'the `&&=` operator', at: '3:3' },
  { name: '??=', src: fn('  let b = 1;\n  b ??= a;\n  return b;'), says: 'the `??=` operator', at: '3:3' },
  { name: '<<=', src: fn('  let b = 1;\n  b <<= 2;\n  return a * b;'), says: 'the `<<=` operator', at: '3:3' },
  { name: 'optional call', src: 'function h(b) { return b; }\n' + fn('  return h?.(a);'), says: 'optional chaining', at: '3:10' },
  // arrays
  { name: 'new Float32Array', src: fn('  const y = new Float32Array(2);\n  return a;'), says: '`new Float32Array`', at: '2:13' },
  { name: 'new Float64Array(array)', src: fn('  const y = new Float64Array(x);\n  return y[0];', 'x: Float64Array'), says: 'new Float64Array from something other than a length', at: '2:13' },
  { name: 'Float64Array.from', src: fn('  const y = Float64Array.from(x);\n  return y[0];', 'x: Float64Array'), says: '`Float64Array.from` is not a known function', at: '2:13', code: 'CT1103' },
  { name: '.byteLength', src: fn('  return x.byteLength * x[0];', 'x: Float64Array'), says: 'the property `.byteLength`', at: '2:10' },
  { name: 'assigning .length', src: fn('  const y = new Float64Array(2);\n  y.length = 3;\n  return x[0];', 'x: Float64Array'), says: 'this assignment target', at: '3:3' },
  { name: 'array method call', src: fn('  const y = new Float64Array(2);\n  y.fill(1);\n  return x[0];', 'x: Float64Array'), says: '`y.fill` is not a known function', at: '3:3', code: 'CT1103' },
  { name: 'array method with a callback', src: fn('  return x.reduce((s, v) => s + v, 0);', 'x: Float64Array'), says: '`x.reduce` is not a known function', at: '2:10', code: 'CT1103' },
  { name: 'array as a condition', src: fn('  if (x) return x[0];\n  return 0;', 'x: Float64Array'), says: 'an array used as a condition', at: '2:7' },
  { name: 'ternary between arrays', src: fn('  const z = x[0] > 0 ? x : y;\n  return z[0];', 'x: Float64Array, y: Float64Array'), says: 'a conditional choosing between arrays', at: '2:13' },
  { name: 'array stored into an element', src: fn('  const y = new Float64Array(2);\n  y[0] = x;\n  return y[0];', 'x: Float64Array'), says: 'storing a non-number into a Float64Array', at: '3:10' },
  { name: 'negated array', src: fn('  const y = -x;\n  return x[0];', 'x: Float64Array'), says: 'negating a non-number', at: '2:13' },
  { name: 'array passed to Math.sin', src: fn('  return Math.sin(x);', 'x: Float64Array'), says: 'passing a Float64Array to `Math.sin`', at: '2:19' },
  { name: 'variable changing kind', src: fn('  let v = 0;\n  v = new Float64Array(2);\n  return a;'), says: '`v` is a Float64Array here but a number elsewhere', at: '3:3', code: 'CT1109' },
  { name: 'results of two kinds', src: fn('  if (a > 0) return a;\n  return new Float64Array(1);'), says: 'is a Float64Array here but a number elsewhere', at: '1:1', code: 'CT1109' },
  // calls and names
  { name: 'Math.random (not differentiable)', src: fn('  return a * Math.random();'), says: '`Math.random` is not a known function', at: '2:14', code: 'CT1103' },
  { name: 'Math.fround', src: fn('  return Math.fround(a);'), says: '`Math.fround` is not a known function', at: '2:10', code: 'CT1103' },
  { name: 'Math.imul', src: fn('  return Math.imul(a, 2);'), says: '`Math.imul` is not a known function', at: '2:10', code: 'CT1103' },
  { name: 'Math.sin with two arguments', src: fn('  return Math.sin(a, a);'), says: '`Math.sin` is called with 2 arguments but declares 1', at: '2:10', code: 'CT1107' },
  { name: 'Math.atan2 with one argument', src: fn('  return Math.atan2(a);'), says: '`Math.atan2` is called with 1 arguments but declares 2', at: '2:10', code: 'CT1107' },
  { name: 'Math.max with no arguments', src: fn('  return Math.max() + a;'), says: '`Math.max` is called with 0 arguments', at: '2:10', code: 'CT1107' },
  { name: 'Math.sin as a value', src: fn('  const s = Math.sin;\n  return a;'), says: '`Math.sin` used as a value', at: '2:13' },
  { name: 'a helper as a value', src: 'function h(b) { return b; }\n' + fn('  const g = h;\n  return a;'), says: 'using the function `h` as a value', at: '3:13' },
  { name: 'calling a number', src: fn('  const g = 1;\n  return g(a);'), says: '`g` is not a known function', at: '3:10', code: 'CT1103' },
  { name: 'console.log', src: fn('  console.log(a);\n  return a;'), says: '`console.log` is not a known function', at: '2:3', code: 'CT1103' },
  { name: 'a global function', src: fn('  return isNaN(a) ? 0 : a;'), says: 'unknown identifier `isNaN`', at: '2:10', code: 'CT1102' },
  { name: 'Number()', src: fn('  return Number(a);'), says: 'unknown identifier `Number`', at: '2:10', code: 'CT1102' },
  { name: 'np without importing it', src: fn('  return np.sum(x);', 'x: Float64Array'), says: '`np.sum` is not a known function', at: '2:10', code: 'CT1103' },
  { name: 'a property of a module object', src: 'const o = { get v() { return 1; } };\n' + fn('  return a * o.v;'), says: 'the property `.v`', at: '3:14' },
  { name: 'globalThis', src: fn('  return globalThis.x * a;'), says: 'is not supported', at: '2:10' },
  // results and assignments
  { name: 'returning a boolean', src: fn('  return a > 0;'), says: 'returning a boolean', at: '1:1' },
  { name: 'assigning a module constant', src: 'const N = 3;\n' + fn('  N = 4;\n  return a * N;'), says: 'assignment to `N`, which is not a local variable', at: '3:3', code: 'CT1104' },
  { name: 'assigning Math.PI', src: fn('  Math.PI = 3;\n  return a;'), says: 'this assignment target', at: '2:3' },
  { name: 'hvp of an array-valued function', src: fn('  const y = new Float64Array(2);\n  y[0] = x[0];\n  return y;', 'x: Float64Array'), says: '`grad` needs a function that returns a number', mode: 'hvp', code: 'CT1201' },
];

for (const c of cases) {
  test(`refuses ${c.name}`, () => {
    assertSourceRefused(c.src, { says: c.says, at: c.at, code: c.code, mode: c.mode }, c.name);
  });
}

test.run();
