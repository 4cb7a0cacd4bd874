// Array indices out of range under WebAssembly behave as in JS: a read gives
// NaN (undefined in arithmetic), a write does nothing, and nothing else in
// memory (other arrays, the tape, the arena) is touched. Primal functions,
// gradients (their adjoint writes `dx[n] += ...`), forward-mode tangents and
// f64x2 loops (whose unchecked steps run only when every index is in range)
// are compared with the JS path, with and without SIMD.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, fromSource, grad, hvp, jvp } from '../../runtime/index.js';
import { compileIrModule } from '../../runtime/wasm.js';
import { f64, i32, v, type Expr, type IrModule, type Stmt, type Type } from '../../compiler/ir/nodes.js';
import { Rng } from '../support/rng.js';
import { close } from '../emit/as/support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (...args: any[]) => any;

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** The function `f` of a JS source, for the compiler (fromSource) and as plain JS (the reference). */
function both(src: string): [ReturnType<typeof fromSource>, Fn] {
  return [fromSource(src, 'f'), new Function(`"use strict";\n${src}\nreturn f;`)() as Fn];
}

/** Calls both with copies of `args` (a call may write into its arguments) and compares every result. */
function same(label: string, js: Fn, wasm: Fn, args: unknown[]): void {
  const copy = () => args.map((a) => (a instanceof Float64Array ? a.slice() : a));
  const want = flat(js(...copy())), got = flat(wasm(...copy()));
  assert.is(got.length, want.length, `${label}: ${got.length} results, JS ${want.length}`);
  got.forEach((g, k) => {
    if (g instanceof Float64Array) assert.is(g.length, (want[k] as Float64Array).length, `${label}: result ${k} has length ${g.length}`);
    assert.ok(close(g, want[k]), `${label}, result ${k}: wasm ${String(g)}, js ${String(want[k])}`);
  });
}

const INDICES = (n: number) => [-2147483648, -1000000, -3, -1, 0, 1, n - 2, n - 1, n, n + 1, n + 7, 1000000, 2147483647];

test('reads out of range give NaN, as in JS: primal, gradient, jvp and hvp', async () => {
  const [f, js] = both('function f(x, n) {\n  return x[n] * x[0] + x[n + 1];\n}');
  const x = new Float64Array([0.3, 0.5, -0.2]);
  const derivs: [string, Fn][] = [['f', js], ['grad', grad(f)], ['jvp', jvp(f)], ['hvp', hvp(f)]];
  for (const [label, d] of derivs) {
    const w = await compile(label === 'f' ? f : d);
    for (const n of INDICES(3)) {
      const args = label === 'f' || label === 'grad' ? [x, n] : [x, n, new Float64Array([1, -2, 0.5])];
      same(`${label}(x, ${n})`, d, w, args);
    }
  }
});

test('writes out of range do nothing: the arrays next to them in memory and the tape are intact', async () => {
  // t, u and v sit next to each other in the arena; the loop keeps values on the tape
  const src = `function f(x, n) {
  const t = new Float64Array(3);
  const u = new Float64Array(2);
  const v = new Float64Array(1);
  u[0] = x[1]; u[1] = 2;
  v[0] = x[2];
  t[n] = x[0] * 2;
  t[n - 1] += x[1];
  u[n - 3] += x[0];
  let s = 0;
  for (let i = 0; i < 3; i++) s = Math.sin(s + t[i] * x[i]);
  return s + u[0] * u[1] + v[0] * x[2];
}`;
  const [f, js] = both(src);
  const derivs: [string, Fn][] = [['f', js], ['grad', grad(f)], ['jvp', jvp(f)], ['hvp', hvp(f)]];
  const x = new Float64Array([0.3, 0.5, -0.2]), tx = new Float64Array([1, -2, 0.5]);
  for (const [label, d] of derivs) {
    const w = await compile(label === 'f' ? f : d);
    for (const n of [...INDICES(3), 4, 5, 6, 8]) same(`${label}(x, ${n})`, d, w, label === 'f' || label === 'grad' ? [x, n] : [x, n, tx]);
    // the module is intact: an in-range call after all of them still agrees
    same(`${label}(x, 1) again`, d, w, label === 'f' || label === 'grad' ? [x, 1] : [x, 1, tx]);
  }
});

test('a scatter through indices read from data: out-of-range targets are skipped, the tape survives', async () => {
  const src = `function f(x, idx, m) {
  const t = new Float64Array(m);
  for (let k = 0; k < idx.length; k++) t[idx[k]] += Math.sin(x[k]) * x[k];
  let s = 0;
  for (let i = 0; i < m; i++) s += Math.exp(t[i]) * t[i];
  return s;
}`;
  const [f, js] = both(src);
  const g = grad(f);
  const w = await compile(g), wf = await compile(f);
  const r = new Rng(3);
  for (const bad of [-1, 5, 6, 1e6, -1e6, 2147483647, -2147483648]) {
    const idx = new Float64Array([0, 1, bad, 4, 2, bad, 3]);
    const x = r.array(7);
    same(`f(idx with ${bad})`, js, wf, [x, idx, 5]);
    const got = w(x, idx, 5) as Float64Array, want = g(x, idx, 5) as Float64Array;
    assert.ok(close(got, want), `grad (idx with ${bad}): wasm ${got}, js ${want}`);
    // in-range elements have their gradients (the out-of-range ones read dt[bad], NaN, in JS too)
    assert.ok(Number.isFinite(got[0]) && Number.isFinite(got[3]));
  }
});

const LOOPS = {
  // a sum at a computed index (vectorised: the f64x2 steps run only if the whole range is inside)
  shifted: 'function f(x, n, off) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += x[i + off] * x[i + off];\n  return s;\n}',
  // a stencil: its adjoint adds into dx at two neighbouring offsets
  stencil: 'function f(x, n, off) {\n  let s = 0;\n  for (let i = 0; i < n; i++) {\n    const d = x[i + 1 + off] - x[i + off];\n    s += d * d;\n  }\n  return s;\n}',
  // strided, a local array written at a computed index, and a reverse loop
  strided: 'function f(x, n, off) {\n  const t = new Float64Array(n);\n  for (let i = n - 1; i >= 0; i--) t[i - off] = x[2 * i + off] * 3;\n  let s = 0;\n  for (let i = 0; i < n; i++) s += t[i] * x[i];\n  return s;\n}',
  // an element-wise map into a local array of another length
  mapped: 'function f(x, n, off) {\n  const y = new Float64Array(4);\n  for (let i = 0; i < n; i++) y[i + off] = Math.sqrt(Math.abs(x[i])) * 2;\n  return y[0] + y[1] * y[2] + y[3];\n}',
};

for (const [name, src] of Object.entries(LOOPS)) {
  test(`a computed index in a loop (${name}): JS semantics under Wasm, gradient and jvp, SIMD on and off`, async () => {
    const [f, js] = both(src);
    const g = grad(f), t = jvp(f);
    const r = new Rng(7);
    const x = r.array(9);
    const v = r.array(9);
    for (const simd of [true, false]) {
      const [wf, wg, wt] = await Promise.all([compile(f, { simd }), compile(g, { simd }), compile(t, { simd })]);
      for (const n of [0, 1, 4, 8, 9, 10, 13]) {
        for (const off of [-3, -1, 0, 1, 2, 5, 9, 1000000, -2147483648]) {
          same(`${name} f(n ${n}, off ${off}) simd ${simd}`, js, wf, [x, n, off]);
          same(`${name} grad(n ${n}, off ${off}) simd ${simd}`, g, wg, [x, n, off]);
          same(`${name} jvp(n ${n}, off ${off}) simd ${simd}`, t, wt, [x, n, off, v]);
        }
      }
    }
  });
}

test('while loops: a counter bounded by the length is unchecked, one that runs past it reads NaN', async () => {
  const src = `function f(x, start, inclusive) {
  let s = 0;
  let i = start;
  while (inclusive > 0 ? i <= x.length : i < x.length) {
    s += x[i] * x[i];
    i++;
  }
  return s;
}`;
  const [f, js] = both(src);
  const g = grad(f);
  const [wf, wg] = await Promise.all([compile(f), compile(g)]);
  const x = new Rng(5).array(6);
  for (const start of [-2, -1, 0, 3, 6, 8]) {
    for (const inclusive of [0, 1]) {
      same(`f(start ${start}, inclusive ${inclusive})`, js, wf, [x, start, inclusive]);
      same(`grad(start ${start}, inclusive ${inclusive})`, g, wg, [x, start, inclusive]);
    }
  }
});

test('an f64x2 loop checked at every step (its offset is computed in the body): loads, stores, sums and paired adds', async () => {
  // for (i = 0; i < n; i++) { o = y[0] | 0; j = i + o; k = j + 1; xj = x[j]; s += xj; p[j] = 2 xj; q[j] += xj; r[j] += xj; r[k] += 3 xj }
  // (by hand: the optimiser would hoist o), then returns s, p, q, r; p, q, r have m elements
  const a = (target: string, expr: Expr): Stmt => ({ kind: 'assign', target, expr });
  const vars: [string, Type][] = [['x', 'f64[]'], ['y', 'f64[]'], ['n', 'i32'], ['m', 'i32'], ['s', 'f64'], ['i', 'i32'], ['y0', 'f64'], ['o', 'i32'],
    ['j', 'i32'], ['k', 'i32'], ['xj', 'f64'], ['x2', 'f64'], ['x3', 'f64'], ['p', 'f64[]'], ['q', 'f64[]'], ['r', 'f64[]']];
  const body: Stmt[] = [
    a('s', { kind: 'atom', value: f64(0) }),
    a('p', { kind: 'alloc', length: v('m') }), a('q', { kind: 'alloc', length: v('m') }), a('r', { kind: 'alloc', length: v('m') }),
    { kind: 'for', index: 'i', start: i32(0), end: v('n'), step: 1, inclusive: false, body: [
      a('y0', { kind: 'load', array: 'y', index: i32(0) }),
      a('o', { kind: 'unary', op: 'toInt', arg: v('y0') }),
      a('j', { kind: 'binary', op: '+', left: v('i'), right: v('o') }),
      a('k', { kind: 'binary', op: '+', left: v('j'), right: i32(1) }),
      a('xj', { kind: 'load', array: 'x', index: v('j') }),
      a('s', { kind: 'binary', op: '+', left: v('s'), right: v('xj') }),
      a('x2', { kind: 'binary', op: '*', left: v('xj'), right: f64(2) }),
      a('x3', { kind: 'binary', op: '*', left: v('xj'), right: f64(3) }),
      { kind: 'store', array: 'p', index: v('j'), value: v('x2'), accumulate: false },
      { kind: 'store', array: 'q', index: v('j'), value: v('xj'), accumulate: true },
      { kind: 'store', array: 'r', index: v('j'), value: v('xj'), accumulate: true },
      { kind: 'store', array: 'r', index: v('k'), value: v('x3'), accumulate: true },
    ] },
    { kind: 'return', values: [v('s'), v('p'), v('q'), v('r')] },
  ];
  const params = ['x', 'y', 'n', 'm'].map((name) => ({ name, type: vars.find(([n]) => n === name)![1] }));
  const module: IrModule = { entry: 'g', functions: [{ name: 'g', params, results: ['f64', 'f64[]', 'f64[]', 'f64[]'], body, vars: new Map(vars) }] };
  const w = await compileIrModule(module);
  assert.ok(w.loops[0].vectorised, w.loops[0].reason);
  assert.match(w.assemblyScript, /at2c\(x, j, x_n\)/);
  assert.match(w.assemblyScript, /put2c\(p, /);
  assert.match(w.assemblyScript, /accum2c\(q, /);
  // r, added into at j and j + 1, is added into lane by lane (the paired carry needs indices ≥ 0)
  assert.match(w.assemblyScript, /accumc\(r, j, r_n, f64x2\.extract_lane/);
  const reference = (x: Float64Array, o: number, n: number, m: number) => {
    let s = 0;
    const p = new Float64Array(m), q = new Float64Array(m), r = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const j = i + o, xj = x[j];
      s += xj;
      p[j] = 2 * xj;
      q[j] += xj;
      r[j] += xj;
      r[j + 1] += 3 * xj;
    }
    return [s, p, q, r];
  };
  const x = new Rng(11).array(10);
  for (const n of [0, 1, 2, 5, 8, 9, 10, 12]) {
    for (const o of [-3, -1, 0, 1, 2, 7, 9]) {
      for (const m of [3, 8, 10, 11]) {
        const got = w.call([x, [o], n, m]), want = reference(x, o, n, m);
        got.forEach((g, k) => assert.ok(close(g, want[k]), `n ${n}, o ${o}, m ${m}, result ${k}: wasm ${g}, js ${want[k]}`));
      }
    }
  }
});

test.run();
