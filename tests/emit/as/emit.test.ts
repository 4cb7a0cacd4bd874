// The AssemblyScript emitter on its own (no compiler): which loops become
// f64x2 loops and why others stay scalar, names that would collide with
// AssemblyScript, refusals, and golden samples of the emitted text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emitAssemblyScript, AsEmitError } from '../../../compiler/emit/as/index.js';
import { f64, i32, v, type IrModule, type Stmt } from '../../../compiler/ir/nodes.js';
import { grad, irSymbol, type DerivativeHandle } from '../../../runtime/index.js';
import { golden } from '../../support/golden.js';
import { lower, type Fn } from './support.js';

const loops = (f: Fn, scope: Record<string, unknown> = {}) => emitAssemblyScript(lower(f, scope)).loops;

function dot(a: Float64Array, b: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function prefix(a: Float64Array) {
  const p = new Float64Array(a.length + 1);
  for (let i = 0; i < a.length; i++) p[i + 1] = p[i] + a[i];
  return p[a.length];
}

function expMap(a: Float64Array) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
  return out[0];
}

function product(a: Float64Array) {
  let s = 1;
  for (let i = 0; i < a.length; i++) s = s * a[i];
  return s;
}

function stridedSum(a: Float64Array, n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[2 * i];
  return s;
}

function matvec(A: Float64Array, x: Float64Array, rows: number, cols: number) {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = 0; c < cols; c++) acc += A[r * cols + c] * x[c];
    y[r] = acc;
  }
  return y[0];
}

function clipped(a: Float64Array, lo: number) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(Math.sqrt(Math.abs(a[i])), lo) - a[i] / 2;
  return out[0];
}

function rosenbrock(x: Float64Array) {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    s += 100 * t * t + (1 - x[i]) ** 2;
  }
  return s;
}

test('element-wise maps and + reductions become f64x2 loops; the reason is given for the others', () => {
  assert.equal(loops(dot).map((l) => l.vectorised), [true]);
  assert.equal(loops(clipped).map((l) => l.vectorised), [true], 'sqrt, abs, max and / have f64x2 forms');
  assert.equal(loops(matvec).map((l) => l.vectorised), [true], 'unit stride at r*cols + c');
  const why = (f: Fn) => loops(f).map((l) => l.reason);
  assert.match(why(prefix)[0] ?? '', /`p` is written and read at different offsets/);
  assert.match(why(expMap)[0] ?? '', /Math\.exp` has no f64x2 form/);
  assert.match(why(product)[0] ?? '', /`s` carries a value/);
  assert.match(why(stridedSum)[0] ?? '', /index arithmetic other than index \+ offset/);
});

test('the emitted text marks vectorised loops and keeps a scalar loop for the remainder', () => {
  const src = emitAssemblyScript(lower(dot)).source;
  assert.match(src, /\/\/ vectorised: f64x2, two iterations per step \(sum into `s`\)/);
  assert.match(src, /for \(; i \+ 1 < a_len; i \+= 2\) \{/);
  assert.match(src, /s = s \+ \(f64x2\.extract_lane\(s_x2, 0\) \+ f64x2\.extract_lane\(s_x2, 1\)\);/);
  assert.match(src, /for \(; i < a_len; i\+\+\) \{/);
  const off = emitAssemblyScript(lower(dot), { simd: false }).source;
  assert.not.match(off, /f64x2\./);
});

test('the gradient of Rosenbrock vectorises: dx is added into at i and i + 1, combined in registers', () => {
  const m = (grad(rosenbrock) as unknown as Record<symbol, DerivativeHandle>)[irSymbol].module;
  const e = emitAssemblyScript(m);
  assert.ok(e.loops.every((l) => l.vectorised), JSON.stringify(e.loops));
  // The adjoint loop runs forwards (its iterations are independent): what step i adds at i + 2 is carried to the next step.
  assert.match(e.source, /v128\.shuffle<f64>\(dx_carry, dx_s1, 1, 2\)/, "contributions at i and i + 1 are combined in registers");
});

test('names that AssemblyScript or the runtime use are renamed', () => {
  const fn = (names: string[]): IrModule => {
    const body: Stmt[] = names.map((n, k) => ({ kind: 'assign', target: n, expr: { kind: 'atom', value: f64(k) } }));
    body.push({ kind: 'return', values: [v(names[0])] });
    return { entry: 'load', functions: [{ name: 'load', params: [{ name: 'f64', type: 'f64' }], results: ['f64'], body, vars: new Map([['f64', 'f64'], ...names.map((n) => [n, 'f64'] as [string, 'f64'])]) }] };
  };
  const src = emitAssemblyScript(fn(['at', 'alloc', 'i32', 'v128', 'memory', 'ct_top', 'result1_f64', 'unreachable'])).source;
  assert.match(src, /function load_\(f64_: f64\): f64 \{/);
  for (const n of ['at_', 'alloc_', 'i32_', 'v128_', 'memory_', 'uct_top', 'uresult1_f64', 'unreachable_']) assert.match(src, new RegExp(`let ${n}: f64 = `));
  assert.match(src, /return load_\(f64_\);/);
});

test('what the backend cannot lower is refused with the construct and the function named', () => {
  const m: IrModule = {
    entry: 'f',
    functions: [{
      name: 'f', params: [{ name: 'x', type: 'f64[]' }], results: ['f64'], vars: new Map([['x', 'f64[]'], ['s', 'f64']]),
      body: [
        { kind: 'assign', target: 's', expr: { kind: 'prim', name: 'Math.random', args: [] }, loc: { line: 3, column: 4 } },
        { kind: 'return', values: [v('s')] },
      ],
    }],
  };
  assert.throws(() => emitAssemblyScript(m), (e: Error) => e instanceof AsEmitError && /does not support the primitive `Math\.random` \(in `f` at line 3:5\)/.test(e.message));
});

test('integer division, x | 0 and f64 loop bounds follow JS', () => {
  const m: IrModule = {
    entry: 'f',
    functions: [{
      name: 'f', params: [{ name: 'n', type: 'i32' }, { name: 'x', type: 'f64' }], results: ['f64'],
      vars: new Map([['n', 'i32'], ['x', 'f64'], ['h', 'i32'], ['t', 'i32'], ['s', 'f64'], ['i', 'i32'], ['y', 'f64']]),
      body: [
        { kind: 'assign', target: 'h', expr: { kind: 'binary', op: '/', left: v('n'), right: i32(2) } },
        { kind: 'assign', target: 't', expr: { kind: 'unary', op: 'toInt', arg: v('x') } },
        { kind: 'assign', target: 's', expr: { kind: 'atom', value: f64(0) } },
        { kind: 'for', index: 'i', start: i32(0), end: v('x'), step: 1, inclusive: true, body: [
          { kind: 'assign', target: 'y', expr: { kind: 'binary', op: '/', left: v('i'), right: v('h') } },
          { kind: 'assign', target: 's', expr: { kind: 'binary', op: '+', left: v('s'), right: v('y') } },
        ] },
        { kind: 'return', values: [v('s')] },
      ],
    }],
  };
  const src = emitAssemblyScript(m).source;
  assert.match(src, /let h: i32 = divInt\(n, 2\);/);
  assert.match(src, /let t: i32 = toInt32\(x\);/);
  assert.match(src, /const i_end = upperBound\(x, true\);/);
  assert.match(src, /let y: f64 = <f64>i \/ <f64>h;/);
});

test('golden: a primal function with a helper, and the gradient of Rosenbrock', () => {
  function norm2(a: Float64Array) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * a[i];
    return s;
  }
  function energy(x: Float64Array, k: number) {
    let e = 0;
    let i = 0;
    while (i < x.length) {
      if (x[i] > 1) { i++; continue; }
      e += k * Math.sin(x[i]);
      i++;
    }
    return e + norm2(x) / 2;
  }
  golden('emit/as/golden/energy.as', emitAssemblyScript(lower(energy, { norm2 })).source);
  const m = (grad(rosenbrock) as unknown as Record<symbol, DerivativeHandle>)[irSymbol].module;
  golden('emit/as/golden/rosenbrock-grad.as', emitAssemblyScript(m).source);
});

test.run();
