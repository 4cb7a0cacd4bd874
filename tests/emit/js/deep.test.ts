// Single-use temporaries are folded into the expression that uses them, but
// only so deep: forward mode over a chain of 1,200 statements, each reading the
// one before once, made one expression thousands of levels deep, and the emitter
// overflowed the stack.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSource, jvp } from '../../../runtime/index.js';

test('a 1,200-statement chain of single-use values is emitted (and right)', () => {
  const n = 1200;
  const lines = Array.from({ length: n }, (_, i) => `  const v${i + 1} = Math.sin(v${i}) * 0.5 + a;`).join('\n');
  const src = `function f(a) {\n  const v0 = a;\n${lines}\n  return v${n};\n}`;
  const f = (a: number) => { let v = a; for (let i = 0; i < n; i++) v = Math.sin(v) * 0.5 + a; return v; };
  const d = jvp(fromSource(src, 'f'));
  const h = 1e-6, x = 0.3;
  const got = d(x, 1) as number, want = (f(x + h) - f(x - h)) / (2 * h);
  assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  assert.ok(Math.max(...d.source.split('\n').map((l) => l.length)) < 20_000, 'no line of the derivative is huge');
});

test.run();
