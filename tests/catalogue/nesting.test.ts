// Deep nesting and long functions: a correct result, or (past what the parser
// can take) a clear CompileError — never a stack overflow of the host.
// (What is still too slow or overflows is in bugs.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompileError, fromSource, grad, hvp } from '../../runtime/index.js';
import { close, fd, plain } from './support.js';

const DEPTH = 200;

test(`${DEPTH} nested parentheses`, () => {
  const src = `function f(a) {\n  return ${'('.repeat(DEPTH)}a * a${')'.repeat(DEPTH)};\n}`;
  assert.is(grad(fromSource(src, 'f'))(0.5), 1);
});

const ifs = (n: number) => `function f(a) {\n  let s = a;\n${'  if (a > -100) {\n'.repeat(n)}  s = s * a;\n${'  }\n'.repeat(n)}  return s;\n}`;
test(`${DEPTH} nested ifs (grad; hvp through 50)`, () => {
  assert.is(grad(fromSource(ifs(DEPTH), 'f'))(0.5), 1);
  assert.is(hvp(fromSource(ifs(50), 'f'))(0.5, 1), 2);
});

test(`${DEPTH} nested Math calls`, () => {
  const src = `function f(a) {\n  return ${'Math.sin('.repeat(DEPTH)}a${')'.repeat(DEPTH)};\n}`;
  const got = grad(fromSource(src, 'f'))(0.5) as number;
  assert.ok(close(got, fd(plain(src), [0.5], 0), 1e-6), `${got}`);
});

test('a sum of 500 terms', () => {
  const src = `function f(a) {\n  return ${Array.from({ length: 500 }, (_, i) => `${i % 3} * a`).join(' + ')};\n}`;
  assert.is(grad(fromSource(src, 'f'))(0.1), Array.from({ length: 500 }, (_, i) => i % 3).reduce((s, v) => s + v, 0));
});

test('30 nested loops', () => {
  let body = '  let s = a;\n';
  for (let i = 0; i < 30; i++) body += `${'  '.repeat(i + 1)}for (let i${i} = 0; i${i} < 1; i${i}++) {\n`;
  body += '  s = Math.sin(s) * a;\n' + '  }\n'.repeat(30);
  const src = `function f(a) {\n${body}  return s;\n}`;
  const got = grad(fromSource(src, 'f'))(0.5) as number;
  assert.ok(close(got, fd(plain(src), [0.5], 0)), `${got}`);
});

test('a 120-statement function through a loop-free and a looping half', () => {
  const lines = Array.from({ length: 60 }, (_, i) => `  s = s * 0.99 + Math.sin(s + ${i % 7} * a);`);
  const loop = Array.from({ length: 60 }, (_, i) => `    t = t * 0.98 + Math.cos(t * a + ${i % 5});`);
  const src = `function f(a) {\n  let s = a;\n${lines.join('\n')}\n  let t = s;\n  for (let k = 0; k < 3; k++) {\n${loop.join('\n')}\n  }\n  return t;\n}`;
  const got = grad(fromSource(src, 'f'))(0.5) as number;
  assert.ok(close(got, fd(plain(src), [0.5], 0), 1e-6), `${got} vs ${fd(plain(src), [0.5], 0)}`);
});

// Deeper than the parser can take: a CompileError (CT1001), not a RangeError.
const tooDeep: [string, string][] = [
  ['5000 nested parentheses', `function f(a) {\n  return ${'('.repeat(5000)}a${')'.repeat(5000)};\n}`],
  ['5000 nested ifs', `function f(a) {\n${'  if (a > 0) {\n'.repeat(5000)}  a = a * 2;\n${'  }\n'.repeat(5000)}  return a;\n}`],
  ['5000 nested calls', `function f(a) {\n  return ${'Math.sin('.repeat(5000)}a${')'.repeat(5000)};\n}`],
  ['5000 nested ternaries', `function f(a) {\n  return ${'a > 0 ? a : '.repeat(5000)}a;\n}`],
  ['5000 nested arrays of blocks', `function f(a) {\n${'{'.repeat(5000)}${'}'.repeat(5000)}\n  return a;\n}`],
];
for (const [name, src] of tooDeep) {
  test(`${name}: a clear CompileError`, () => {
    try {
      grad(fromSource(src, 'f'))(0.5);
      // Succeeding is fine too, as long as it is right (checked loosely: finite).
    } catch (e) {
      assert.instance(e, CompileError, `${name}: ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
      assert.is((e as CompileError).code, 'CT1001');
    }
  });
}

test.run();
