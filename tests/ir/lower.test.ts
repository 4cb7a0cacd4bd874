// Lowering checks that need no derivative: definite assignment (CT1111), long
// operator chains, and do…while with continue.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompileError } from '../../compiler/diagnostics.js';
import { lowerProgram } from '../../compiler/ir/program.js';
import { validate } from '../../compiler/ir/validate.js';
import { parseModuleSource } from '../../compiler/parse/source.js';
import { fromSource, grad } from '../../runtime/index.js';

const lower = (body: string) => {
  const mod = parseModuleSource(`function f(a) {\n  ${body}\n}`, 'f.ts');
  return lowerProgram(mod.functions.get('f')!).module;
};

const refusedAt = (body: string, at: string, what = 'reading `y` before it is assigned') => {
  try { lower(body); } catch (e) {
    assert.instance(e, CompileError);
    assert.ok((e as Error).message.includes(`${what} in \`f\` at f.ts:${at}`), (e as Error).message);
    return;
  }
  assert.unreachable(`${body}: not refused`);
};

test('definite assignment: assigned on every path', () => {
  for (const body of [
    'let y;\n  if (a > 0) y = a; else y = 2 * a;\n  return y * a;',
    'let y;\n  let k = 0;\n  do { y = a * k; k++; } while (k < 3);\n  return y;',
    'let y;\n  while (true) { y = a; break; }\n  return y;',
    'let y;\n  if (a > 0) { y = a; } else { return 0; }\n  return y;',
    'let y;\n  y = a > 0 ? a : -a;\n  return y;',
    'let s = 0;\n  for (let i = 0; i < 3; i++) { let y; y = a * i; s += y; }\n  return s;',
    'let s = 0;\n  let y;\n  for (let i = 0; i < 3; i++) { if (i == 1) { y = 1; continue; } y = 2; s += y * a; }\n  return s;',
  ]) {
    const src = `function f(a) {\n  ${body}\n}`;
    const plain = new Function(`${src}\nreturn f;`)() as (a: number) => number;
    for (const a of [0.7, -0.3]) {
      const [d, value] = grad(fromSource(src, 'f'), { preserveResult: true })(a) as [number, number];
      assert.is(value, plain(a), body);
      assert.ok(Math.abs(d - (plain(a + 1e-6) - plain(a - 1e-6)) / 2e-6) < 1e-6, body);
    }
  }
});

test('definite assignment: a path that reads before assigning is refused at the read', () => {
  refusedAt('let y;\n  return y * a;', '3:10');
  refusedAt('let y;\n  if (a > 0) y = a;\n  return y * a;', '4:10');
  refusedAt('let y;\n  for (let i = 0; i < 3; i++) y = a;\n  return y;', '4:10');
  refusedAt('let y;\n  y += a;\n  return y;', '3:3');
  refusedAt('let y;\n  let s = 0;\n  for (let i = 0; i < 3; i++) { if (i > 0) s += y; y = a; }\n  return s;', '4:49');
  refusedAt('let y;\n  while (y < 3) y = a;\n  return a;', '3:10');
  refusedAt('let y;\n  while (a > 0) { y = a; break; }\n  return y;', '4:10');
  // A shadowing declaration is its own variable (renamed in the IR; the message keeps the source name).
  refusedAt('let y = 1;\n  let s = 0;\n  { let y; if (a > 0) y = a; s = y; }\n  return s + y;', '4:34');
});

test('assignment to a const is refused (CT1117)', () => {
  refusedAt('const b = 1;\n  b = a;\n  return b;', '3:3', 'assignment to `b`, which is declared `const`');
  refusedAt('let s = 0;\n  for (const i = 0; i < 3; i++) s += a;\n  return s;', '3:28', 'assignment to `i`, which is declared `const`');
});

test('a 2,700-term chain lowers to one statement per operator', () => {
  const m = lower(`return ${Array.from({ length: 2700 }, (_, i) => (i % 2 ? 'a' : 'a * 2')).join(' - ')};`);
  assert.is(m.functions[0].body.length, 1350 + 2699 + 1);
});

test('do…while: a continue of a nested loop, and of the do…while itself', () => {
  for (const inner of ['for (let i = 0; i < 3; i++) { if (i === 1) continue; s += a; }', 'if (k === 2) continue;\n  s += a;']) {
    const m = lower(`let k = 0;\n  let s = 0;\n  do {\n  k++;\n  ${inner}\n  } while (k < 4);\n  return s;`);
    for (const f of m.functions) assert.equal(validate(f, m), [], inner);
  }
});

test.run();
