// User names that clash with the names cotangent's generated code uses
// (adjoints `dx`, tangents `tx`, temporaries, counters, entry names ...) and
// with AssemblyScript keywords and types. Each program uses six such names at
// once — scalar and array parameters, a loop-carried local, a local array, a
// helper's local and loop index — and must give exactly what the same program
// with neutral names gives, in grad, jvp and hvp, and (for the AssemblyScript
// names) through Wasm.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, fromSource, grad, hvp, jvp } from '../../runtime/index.js';

const template = (n: string[]) => `function h(b, w: Float64Array) {
  let ${n[4]} = b * w[0];
  for (let ${n[5]} = 0; ${n[5]} < w.length; ${n[5]}++) ${n[4]} = Math.sin(${n[4]}) * w[${n[5]}] + b;
  return ${n[4]};
}

function f(${n[0]}, ${n[1]}: Float64Array) {
  let ${n[2]} = ${n[0]};
  const ${n[3]} = new Float64Array(${n[1]}.length);
  for (let i = 0; i < ${n[1]}.length; i++) {
    ${n[2]} = Math.cos(${n[2]} * ${n[1]}[i]) + h(${n[0]}, ${n[1]});
    ${n[3]}[i] = ${n[2]} * ${n[0]};
  }
  let s = 0;
  for (let i = 0; i < ${n[3]}.length; i++) s += ${n[3]}[i] * ${n[1]}[i];
  return s * ${n[2]};
}
`;

const NEUTRAL = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];

const GENERATED = [
  'dx', 'da', 't', 'x_i', 'd', 'result', 'iters', 'more', 'dresult', 'sum', 'prod', 'go', 'done', 'cond',
  'not_done', 'stop', 'tx', 'ta', 'tda', 'dbuf', 'x_len', 'x_saved', 'a_saved', 'i_out', 'iter', 'h2', 'th2',
  'da_h', 't_term', 'choice', 'both', 'either', 'nonzero', 'int', 'arr', 'len', 'neg_a', 'quot', 'diff', 'rem',
  'pow', 'sin_s', 'cos', 'buf', 'tbuf', 'dh', 'th', 'tf', 'df', 'df_dx', 'df_da', 'vjp_f', 'jvp_f', 'hvp_f',
  'x_old', 'hooked', 'p6', 'tprod', 'dprod', 'ds', 'ts', 'dw', 'tw', 'dw_0', 'w_0', 'b_saved', 'dd', 'tdd',
  'tape', 'vjp_h', 'jvp_h', 'jvp_vjp_h', 'np', 'Tape',
];
const ASSEMBLYSCRIPT = [
  'f64', 'i32', 'v128', 'load', 'store', 'unchecked', 'memory', 'select', 'heap', 'sizeof', 'changetype', 'abort',
  'trace', 'assert', 'i64', 'u32', 'u8', 'usize', 'isize', 'bool', 'offsetof', 'alignof', 'unreachable', 'f32',
  'declare', 'namespace', 'module', 'type', 'readonly', 'abstract', 'is', 'keyof', 'from', 'of', 'get', 'set',
];

const groups = (names: string[]) => Array.from({ length: Math.ceil(names.length / 6) }, (_, i) => {
  const g = names.slice(i * 6, i * 6 + 6);
  while (g.length < 6) g.push(NEUTRAL[g.length]);
  return g;
});

const x = () => new Float64Array([0.3, -0.4, 0.6]);
const v = () => new Float64Array([0.2, 0.5, -0.1]);
const show = (r: unknown) => JSON.stringify(r, (_k, val) => (val instanceof Float64Array ? [...val] : val));

function results(src: string) {
  const f = fromSource(src, 'f');
  return [
    show(grad(f, { wrt: [0, 1] })(0.7, x())),
    show(grad(f, { wrt: [0, 1], optimized: false })(0.7, x())),
    show(jvp(f, { wrt: [0, 1] })(0.7, x(), 0.3, v())),
    show(hvp(f, { wrt: 1 })(0.7, x(), v())),
  ];
}

const reference = results(template(NEUTRAL));

for (const g of groups([...GENERATED, ...ASSEMBLYSCRIPT])) {
  test(`user names ${g.join(', ')} change nothing`, () => {
    const got = results(template(g));
    ['grad', 'grad (unoptimised)', 'jvp', 'hvp'].forEach((what, i) => assert.is(got[i], reference[i], what));
  });
}

test('AssemblyScript keywords and types as user names: Wasm agrees with JS', async () => {
  for (const g of groups(ASSEMBLYSCRIPT).slice(0, 2)) {
    const f = fromSource(template(g), 'f');
    const gr = grad(f, { wrt: [0, 1] });
    const w = await compile(gr);
    const [js, wasm] = [gr(0.7, x()), w(0.7, x())] as [number, Float64Array][];
    assert.ok(Math.abs(js[0] - wasm[0]) <= 1e-12 * Math.abs(js[0]), `${g.join(', ')}: ${show(js)} vs ${show(wasm)}`);
    js[1].forEach((a, i) => assert.ok(Math.abs(a - wasm[1][i]) <= 1e-12 * Math.max(1, Math.abs(a)), `${g.join(', ')}: ${show(js)} vs ${show(wasm)}`));
  }
});

test.run();
