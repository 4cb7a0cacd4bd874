// Which array accesses the AssemblyScript emitter leaves unchecked (bounds.ts
// proves their index in range, or an f64x2 loop's guard covers them) and
// which it checks: the proofs must hold (a wrong one reads or writes outside
// the array), and the usual loops must not pay for checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emitAssemblyScript } from '../../../compiler/emit/as/index.js';
import { i32, v, type IrModule, type Stmt } from '../../../compiler/ir/nodes.js';
import { fromSource, grad, irSymbol, jvp, type DerivativeHandle } from '../../../runtime/index.js';
import { lowerProgram } from '../../../compiler/ir/program.js';

const CHECKED = /\b(atc|putc|accumc|at2c|put2c|accum2c)\(/;

/** The emitted functions (the runtime appended after them left out). */
function body(src: string, simd = true): string {
  const m = lowerProgram(fromSource(src, 'f').parsed, { wrt: [0], scope: {} }).module;
  return emitAssemblyScript(m, { simd }).source.split('// The entry point')[0];
}
function derivBody(d: unknown): string {
  const m = (d as Record<symbol, DerivativeHandle>)[irSymbol].module;
  return emitAssemblyScript(m).source.split('// The entry point')[0];
}

test('counted loops over an array, its copies and arrays allocated with its length: no checks', () => {
  const rosenbrock = fromSource(`function f(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}`, 'f');
  const g = derivBody(grad(rosenbrock));
  assert.not.match(g, CHECKED, g);
  assert.not.match(g, /_in_range/);
  // forward mode: the tangent's length is the caller's, so its f64x2 loop has a guard (and no check per step)
  const t = derivBody(jvp(rosenbrock));
  assert.match(t, /_in_range/);
  assert.not.match(t, /\b(at2c|put2c|accum2c)\(/);
  const src = body(`function f(a: Float64Array, k: number) {
  const n = a.length;
  const b = new Float64Array(n);
  const c = b;
  for (let i = 0; i < n; i++) c[i] = a[i] * k;
  for (let i = n - 1; i >= 1; i--) b[i - 1] += b[i];
  for (let i = 1; i <= n - 1; i++) b[i] -= a[i - 1];
  return b[n - 1];
}`);
  assert.not.match(src.replace(/atc\(b, n_1/, ''), /\b(putc|accumc|at2c|put2c|accum2c)\(/, src);
  // b[n - 1] alone is checked: a may be empty
  assert.match(src, /atc\(b, /);
});

test('indices the analysis cannot vouch for are checked', () => {
  const cases: Record<string, string> = {
    // C10: an index from the caller
    param: 'function f(x: Float64Array, n: number) {\n  return x[n] * x[0];\n}',
    // one past the end
    inclusive: 'function f(x: Float64Array) {\n  let s = 0;\n  for (let i = 0; i <= x.length; i++) s += Math.exp(x[i]);\n  return s;\n}',
    // the size changes after the allocation
    resized: 'function f(x: Float64Array) {\n  let m = x.length;\n  const t = new Float64Array(m);\n  m = m + 1;\n  let s = 0;\n  for (let i = 0; i < m; i++) s += Math.exp(t[i]);\n  return s;\n}',
    // allocated in a loop with a size that grows
    growing: 'function f(x: Float64Array) {\n  let s = 0;\n  for (let k = 0; k < 4; k++) {\n    const t = new Float64Array(k);\n    for (let i = 0; i < k + 1; i++) s += Math.exp(t[i]) + x[0];\n  }\n  return s;\n}',
    // an array from a helper
    helper: 'function f(x: Float64Array) {\n  const t = make(x.length);\n  let s = 0;\n  for (let i = 0; i < x.length; i++) s += Math.exp(t[i]) * x[i];\n  return s;\n}\nfunction make(n: number) {\n  return new Float64Array(n + 1);\n}',
    // a while counter that starts anywhere
    whileStart: 'function f(x: Float64Array, i: number) {\n  let s = 0;\n  while (i < x.length) {\n    s += Math.exp(x[i]);\n    i++;\n  }\n  return s;\n}',
    // a counter the loop condition does not bound (it could wrap around past 2^31 - 1)
    unbounded: 'function f(x: Float64Array) {\n  let s = 0;\n  let i = 0;\n  while (s < 100) {\n    i = i + 1;\n    if (i < x.length) s += Math.exp(x[i]);\n    else s += 1;\n  }\n  return s;\n}',
  };
  for (const [name, src] of Object.entries(cases)) assert.match(body(src), CHECKED, name);
});

test('branch conditions and early exits bound an index', () => {
  const src = body(`function f(x: Float64Array, k: number) {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    if (i > 0) s += Math.exp(x[i - 1]);
    if (i + 1 < x.length) s += Math.exp(x[i + 1]);
  }
  if (k < 0) return s;
  if (k >= x.length) return s;
  return s * x[k];
}`);
  assert.not.match(src, CHECKED, src);
  const energy = body(`function f(x: Float64Array) {
  let e = 0;
  let i = 0;
  while (i < x.length) {
    if (x[i] > 1) { i++; continue; }
    e += Math.sin(x[i]);
    i++;
  }
  return e;
}`);
  assert.not.match(energy, CHECKED, energy);
});

test('an f64x2 loop at an offset not known in range runs under a guard computed before it', () => {
  const src = body(`function f(A: Float64Array, x: Float64Array, rows: number, cols: number) {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = 0; c < cols; c++) acc += A[r * cols + c] * x[c];
    y[r] = acc;
  }
  return y[0];
}`);
  // one guard for the inner loop, over both arrays; the scalar loop after it checks each access
  assert.match(src, /const c_in_range = .*< <i64>A_n && .*< <i64>x_n;\n\s*if \(c_in_range\) \{\n\s*for \(; c \+ 1 < cols; c \+= 2\) \{/);
  assert.match(src, /at2\(A, /);
  assert.match(src, /atc\(A, sum, A_n\)/);
  // the lengths are read once, before the outer loop
  assert.match(src, /const A_n: i32 = lengthOr0\(A\);\n\s*const x_n: i32 = lengthOr0\(x\);\n\s*for \(let r/);
  // y[r] is in range: y has `rows` elements
  assert.match(src, /put\(y, r, acc\);/);
});

test('a scalar innermost loop is versioned: unchecked under a guard, checked otherwise', () => {
  const src = body(`function f(A, x, rows, cols) {
  let s = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) s += A[r * cols + c] * x[c];
  }
  return s;
}`, false);
  assert.match(src, /const c_in_range = <i64>\(r \* cols\) >= 0 && <i64>cols \+ <i64>\(r \* cols\) - 1 < <i64>A_n && <i64>cols - 1 < <i64>x_n;\n\s*if \(c_in_range\) \{/, src);
  const [fast, slow] = src.split('} else {');
  assert.match(fast, /at\(A, sum\)/);
  assert.match(fast, /at\(x, c\)/);
  assert.match(slow, /atc\(A, sum, A_n\)/);
  assert.match(slow, /atc\(x, c, x_n\)/);
  // a value read before its assignment in the iteration is the previous iteration's (or the initial one): not covered
  const carried = body(`function f(x, n) {
  let s = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    s += Math.exp(x[j]) * x[i];
    j = i + 5;
  }
  return s;
}`);
  assert.match(carried, /if \(i_in_range\)/);
  assert.not.match(carried, /\bat\(x, j\)/, carried);
});

test('an f64x2 loop whose offset is computed in its body checks each step', () => {
  // for (i = 0; i < n; i++) { o = y[0] | 0; j = i + o; s += x[j] }, by hand (the optimiser would hoist o)
  const vars = new Map([['x', 'f64[]'], ['y', 'f64[]'], ['n', 'i32'], ['s', 'f64'], ['i', 'i32'], ['y0', 'f64'], ['o', 'i32'], ['j', 'i32'], ['xj', 'f64']] as const);
  const body: Stmt[] = [
    { kind: 'assign', target: 's', expr: { kind: 'atom', value: { kind: 'const', value: 0, type: 'f64' } } },
    { kind: 'for', index: 'i', start: i32(0), end: v('n'), step: 1, inclusive: false, body: [
      { kind: 'assign', target: 'y0', expr: { kind: 'load', array: 'y', index: i32(0) } },
      { kind: 'assign', target: 'o', expr: { kind: 'unary', op: 'toInt', arg: v('y0') } },
      { kind: 'assign', target: 'j', expr: { kind: 'binary', op: '+', left: v('i'), right: v('o') } },
      { kind: 'assign', target: 'xj', expr: { kind: 'load', array: 'x', index: v('j') } },
      { kind: 'assign', target: 's', expr: { kind: 'binary', op: '+', left: v('s'), right: v('xj') } },
    ] },
    { kind: 'return', values: [v('s')] },
  ];
  const params = [{ name: 'x', type: 'f64[]' }, { name: 'y', type: 'f64[]' }, { name: 'n', type: 'i32' }] as const;
  const m: IrModule = { entry: 'g', functions: [{ name: 'g', params: [...params], results: ['f64'], body, vars: new Map(vars) }] };
  const out = emitAssemblyScript(m);
  assert.ok(out.loops[0].vectorised, out.loops[0].reason);
  assert.match(out.source, /at2c\(x, j, x_n\)/);
  assert.match(out.source, /@inline function at2c/);
  assert.not.match(out.source, /_in_range/);
});

test.run();
