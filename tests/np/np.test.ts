import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as np from '../../runtime/np.js';
import { vjp, jvp, npOps, vecmat, matmulNT, matmulTN, type NpOpName } from '../../runtime/np-rules.js';
import { rng, vec, randomLike, axpy, inner, close, type Value } from './support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (...args: any[]) => any;
const ops = np as unknown as Record<string, Fn>;
const vjps = vjp as unknown as Record<string, Fn>;
const jvps = jvp as unknown as Record<string, Fn>;

const H = 1e-6;        // central-difference step
const FD_TOL = 1e-6;   // rule vs finite differences
const EXACT_TOL = 1e-11; // vjp vs jvp adjoint identity, rule with and without y

/** Rules that accept the primal result as a trailing argument. */
const TAKES_Y = new Set(['exp', 'tanh', 'sqrt', 'sigmoid', 'softmax', 'div', 'pow']);

interface Case {
  label: string;
  op: NpOpName;
  args: unknown[];
}

function clone(x: unknown): unknown {
  return x instanceof Float64Array ? x.slice() : x;
}

function diffIndices(op: NpOpName): number[] {
  const kinds = npOps[op].args as readonly string[];
  const out: number[] = [];
  kinds.forEach((k, i) => { if (k === 'array' || k === 'operand' || k === 'number') out.push(i); });
  return out;
}

function checkCase(c: Case, seed: number): void {
  const r = rng(seed);
  const f = ops[c.op], rv = vjps[c.op], fw = jvps[c.op];
  const args = c.args;
  const saved = args.map(clone);
  const diff = diffIndices(c.op);
  const y: Value = f(...args);

  // one random tangent per differentiable argument
  const tangents = diff.map((d) => randomLike(r, args[d] as Value));
  const perturbed = (h: number, only?: number) => args.map((a, i) => {
    const j = diff.indexOf(i);
    if (j < 0 || (only !== undefined && only !== j)) return a;
    return axpy(a as Value, h, tangents[j]);
  });
  const fd = (only?: number): Value => {
    const yp: Value = f(...perturbed(H, only));
    const ym: Value = f(...perturbed(-H, only));
    return typeof yp === 'number'
      ? (yp - (ym as number)) / (2 * H)
      : yp.map((v, i) => (v - (ym as Float64Array)[i]) / (2 * H));
  };

  // forward rule, all tangents at once
  const jv: Value = fw(...args, ...tangents);
  close(jv, fd(), FD_TOL, `${c.label}: jvp vs finite differences`);
  // forward rule, one argument at a time (others absent = null)
  diff.forEach((_, j) => {
    const ts = tangents.map((t, i) => (i === j ? t : null));
    close(fw(...args, ...ts), fd(j), FD_TOL, `${c.label}: jvp of argument ${diff[j]} alone`);
  });
  // forward rule with all tangents absent is zero, shaped like y
  close(fw(...args, ...tangents.map(() => null)), axpy(y, -1, y), 0, `${c.label}: jvp with null tangents`);

  // reverse rule
  const w = randomLike(r, y);
  const cots: Value[] = rv(...args, w);
  assert.is(cots.length, diff.length, `${c.label}: one cotangent per differentiable argument`);
  let lhs = 0;
  cots.forEach((g, j) => {
    const a = args[diff[j]];
    if (typeof a === 'number') assert.type(g, 'number', `${c.label}: cotangent ${j} is a number`);
    else assert.instance(g, Float64Array, `${c.label}: cotangent ${j} is a Float64Array`);
    lhs += inner(g, tangents[j]);
  });
  close(lhs, inner(w, fd()), FD_TOL, `${c.label}: <vjp(w), v> vs <w, finite differences>`);
  close(lhs, inner(w, jv), EXACT_TOL, `${c.label}: <vjp(w), v> vs <w, jvp(v)>`);
  // returned cotangents never alias the inputs or dY
  for (const g of cots) {
    if (g instanceof Float64Array) {
      assert.ok(g !== w && !args.includes(g), `${c.label}: cotangent aliases an input`);
    }
  }

  if (TAKES_Y.has(c.op)) {
    const cy: Value[] = rv(...args, w, y);
    cy.forEach((g, j) => close(g, cots[j], EXACT_TOL, `${c.label}: vjp with y given`));
    close(fw(...args, ...tangents, y), jv, EXACT_TOL, `${c.label}: jvp with y given`);
  }

  // nothing modified the inputs
  args.forEach((a, i) => {
    if (a instanceof Float64Array) assert.equal(a, saved[i], `${c.label}: argument ${i} was modified`);
  });
}

// ---------------------------------------------------------------------------
// The cases: every operation, every operand layout
// ---------------------------------------------------------------------------

const R = rng(20240607);
const cases: Case[] = [];
const N = 7;

type Domain = [number, number];
const binaryDomains: Record<string, [Domain, Domain]> = {
  add: [[-2, 2], [-2, 2]],
  sub: [[-2, 2], [-2, 2]],
  mul: [[-2, 2], [-2, 2]],
  div: [[-2, 2], [0.5, 2]],
  pow: [[0.5, 2], [-2, 2]],
  maximum: [[-2, 2], [-2, 2]],
  minimum: [[-2, 2], [-2, 2]],
};
for (const [op, [da, db]] of Object.entries(binaryDomains)) {
  const pick = (layout: string, d: Domain) => (layout === 'v' ? vec(R, N, d[0], d[1]) : d[0] + (d[1] - d[0]) * R());
  for (const layout of ['vv', 'vs', 'sv', 'ss']) {
    cases.push({ label: `${op} ${layout}`, op: op as NpOpName, args: [pick(layout[0], da), pick(layout[1], db)] });
  }
}
// div with a negative denominator
cases.push({ label: 'div vv (negative b)', op: 'div', args: [vec(R, N), vec(R, N, -2, -0.5)] });

const unaryDomains: Record<string, Domain> = {
  neg: [-2, 2], exp: [-2, 2], log: [0.2, 3], sin: [-3, 3], cos: [-3, 3], tanh: [-2, 2],
  sqrt: [0.2, 3], abs: [-2, 2], sigmoid: [-6, 6], relu: [-2, 2],
};
for (const [op, d] of Object.entries(unaryDomains)) {
  cases.push({ label: `${op} v`, op: op as NpOpName, args: [vec(R, N, d[0], d[1])] });
  cases.push({ label: `${op} s`, op: op as NpOpName, args: [d[0] + (d[1] - d[0]) * R()] });
}

for (const op of ['sum', 'mean', 'max', 'min', 'logsumexp'] as const) {
  cases.push({ label: op, op, args: [vec(R, 9)] });
}
cases.push({ label: 'logsumexp (large values)', op: 'logsumexp', args: [vec(R, 6, 700, 710)] });
cases.push({ label: 'dot', op: 'dot', args: [vec(R, 8), vec(R, 8)] });
cases.push({ label: 'matvec 3x5', op: 'matvec', args: [vec(R, 15), vec(R, 5), 3, 5] });
cases.push({ label: 'matmul 3x4x5', op: 'matmul', args: [vec(R, 12), vec(R, 20), 3, 4, 5] });
cases.push({ label: 'matmul 1x6x1', op: 'matmul', args: [vec(R, 6), vec(R, 6), 1, 6, 1] });
cases.push({ label: 'transpose 3x4', op: 'transpose', args: [vec(R, 12), 3, 4] });
cases.push({ label: 'outer 4x3', op: 'outer', args: [vec(R, 4), vec(R, 3)] });
cases.push({ label: 'softmax', op: 'softmax', args: [vec(R, 6, -3, 3)] });
cases.push({ label: 'softmax (large values)', op: 'softmax', args: [vec(R, 6, 800, 803)] });
cases.push({ label: 'zeros', op: 'zeros', args: [5] });
cases.push({ label: 'ones', op: 'ones', args: [5] });
cases.push({ label: 'full', op: 'full', args: [5, 1.25] });
cases.push({ label: 'fill', op: 'fill', args: [vec(R, 4), -0.5] });
cases.push({ label: 'copy', op: 'copy', args: [vec(R, 5)] });
cases.push({ label: 'slice 2..7', op: 'slice', args: [vec(R, 10), 2, 7] });
cases.push({ label: 'slice -4..end', op: 'slice', args: [vec(R, 10), -4, undefined] });
cases.push({ label: 'slice 3..-2', op: 'slice', args: [vec(R, 10), 3, -2] });
cases.push({ label: 'concat', op: 'concat', args: [vec(R, 3), vec(R, 4)] });

cases.forEach((c, i) => {
  test(`rules: ${c.label}`, () => checkCase(c, 1000 + i));
});

test('every operation in npOps has a case, an implementation and both rules', () => {
  const covered = new Set(cases.map((c) => c.op));
  for (const op of Object.keys(npOps)) {
    assert.ok(covered.has(op as NpOpName), `no case for ${op}`);
    assert.type(ops[op], 'function', `np.${op}`);
    assert.type(vjps[op], 'function', `vjp.${op}`);
    assert.type(jvps[op], 'function', `jvp.${op}`);
  }
  const api = ['add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'sin', 'cos', 'tanh', 'sqrt', 'abs', 'sigmoid',
    'relu', 'pow', 'maximum', 'minimum', 'sum', 'mean', 'max', 'min', 'logsumexp', 'dot', 'matvec', 'matmul',
    'transpose', 'outer', 'softmax', 'zeros', 'ones', 'full', 'fill', 'copy', 'slice', 'concat'];
  for (const op of api) assert.ok(op in npOps, `npOps lacks ${op}`);
});

// ---------------------------------------------------------------------------
// Values and conventions
// ---------------------------------------------------------------------------

const F = (...xs: number[]) => Float64Array.from(xs);

test('values of the element-wise operations', () => {
  assert.equal(np.add(F(1, 2), F(3, 4)), F(4, 6));
  assert.equal(np.sub(10, F(1, 2)), F(9, 8));
  assert.equal(np.mul(F(1, 2), 3), F(3, 6));
  assert.equal(np.div(F(1, 2), F(4, 8)), F(0.25, 0.25));
  assert.is(np.add(1, 2), 3);
  assert.equal(np.pow(F(2, 3), 2), F(4, 9));
  assert.equal(np.pow(2, F(0, 3)), F(1, 8));
  assert.equal(np.maximum(F(1, 5, -1), F(2, 2, -1)), F(2, 5, -1));
  assert.equal(np.minimum(F(1, 5), 3), F(1, 3));
  assert.equal(np.relu(F(-1, 0, 2)), F(0, 0, 2));
  assert.equal(np.abs(F(-1.5, 2)), F(1.5, 2));
  assert.ok(Number.isNaN(np.maximum(F(NaN), F(1))[0]) && Number.isNaN(np.maximum(F(1), F(NaN))[0]));
  assert.ok(Number.isNaN(np.relu(F(NaN))[0]));
});

test('reductions, linear algebra and constructors', () => {
  assert.is(np.sum(F(1, 2, 3)), 6);
  assert.is(np.mean(F(1, 2, 3)), 2);
  assert.is(np.max(F(1, 5, 3)), 5);
  assert.is(np.min(F(4, -5, 3)), -5);
  assert.is(np.dot(F(1, 2, 3), F(4, 5, 6)), 32);
  assert.equal(np.matvec(F(1, 2, 3, 4, 5, 6), F(1, 0, -1), 2, 3), F(-2, -2));
  assert.equal(np.matmul(F(1, 2, 3, 4), F(5, 6, 7, 8), 2, 2, 2), F(19, 22, 43, 50));
  assert.equal(np.matmul(F(1, 2, 3), F(4), 3, 1, 1), F(4, 8, 12));
  assert.equal(np.transpose(F(1, 2, 3, 4, 5, 6), 2, 3), F(1, 4, 2, 5, 3, 6));
  assert.equal(np.outer(F(1, 2), F(3, 4, 5)), F(3, 4, 5, 6, 8, 10));
  assert.equal(np.zeros(3), F(0, 0, 0));
  assert.equal(np.ones(2), F(1, 1));
  assert.equal(np.full(2, 7), F(7, 7));
  const a = F(1, 2, 3);
  assert.equal(np.fill(a, 9), F(9, 9, 9));
  assert.equal(a, F(1, 2, 3), 'fill does not modify its argument');
  const c = np.copy(a);
  assert.equal(c, a);
  assert.ok(c !== a, 'copy returns a new array');
  assert.equal(np.slice(F(0, 1, 2, 3, 4), 1, 3), F(1, 2));
  assert.equal(np.slice(F(0, 1, 2, 3, 4), -2), F(3, 4));
  assert.equal(np.slice(F(0, 1, 2, 3, 4), 4, 1), F());
  assert.equal(np.slice(F(0, 1, 2, 3, 4), -9, 99), F(0, 1, 2, 3, 4));
  assert.equal(np.concat(F(1), F(2, 3)), F(1, 2, 3));
  assert.is(np.sum(F()), 0);
  assert.ok(Number.isNaN(np.mean(F())));
  assert.is(np.logsumexp(F()), -Infinity);
  assert.equal(np.matmul(F(), F(), 0, 3, 0), F());
  assert.equal(np.matvec(F(), F(), 0, 0), F());
});

test('helpers: vecmat, matmulNT, matmulTN agree with transpose + matmul', () => {
  const r = rng(7);
  const A = vec(r, 12), B = vec(r, 15), v = vec(r, 4);
  close(vecmat(v, A, 4, 3), np.matvec(np.transpose(A, 4, 3), v, 3, 4), 1e-14, 'vecmat');
  // A 4×3, B 5×3: A·Bᵀ is 4×5
  close(matmulNT(A, B, 4, 3, 5), np.matmul(A, np.transpose(B, 5, 3), 4, 3, 5), 1e-14, 'matmulNT');
  // A stored 4×3 (k=4, m=3), B 4×... use B2 4×5: Aᵀ·B2 is 3×5
  const B2 = vec(r, 20);
  close(matmulTN(A, B2, 3, 4, 5), np.matmul(np.transpose(A, 4, 3), B2, 3, 4, 5), 1e-14, 'matmulTN');
});

test('numerically careful: sigmoid, logsumexp and softmax at extreme inputs', () => {
  const s = np.sigmoid(F(-800, -40, 0, 40, 800));
  assert.ok(s.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
  assert.is(s[2], 0.5);
  assert.is(s[4], 1);
  assert.ok(s[1] > 0 && Math.abs(s[1] / Math.exp(-40) - 1) < 1e-12, 'sigmoid(-40) keeps its relative precision');
  assert.is(np.sigmoid(-1000), 0);
  assert.is(np.logsumexp(F(1000, 1000)), 1000 + Math.LN2);
  assert.is(np.logsumexp(F(-1000, -1000)), -1000 + Math.LN2);
  assert.is(np.logsumexp(F(-Infinity, -Infinity)), -Infinity);
  assert.is(np.logsumexp(F(Infinity, 1)), Infinity);
  const sm = np.softmax(F(1000, 1000, -Infinity));
  assert.equal(sm, F(0.5, 0.5, 0));
  const [g] = vjp.logsumexp(F(1000, 1000), 1);
  assert.equal(g, F(0.5, 0.5));
  const [gs] = vjp.sigmoid(F(-800, 800), F(1, 1));
  assert.equal(gs, F(0, 0));
});

test('non-smooth conventions: relu, abs, max/min, maximum/minimum ties', () => {
  assert.equal(vjp.relu(F(-1, 0, 2), F(5, 5, 5))[0], F(0, 0, 5));
  assert.equal(jvp.relu(F(-1, 0, 2), F(5, 5, 5)), F(0, 0, 5));
  assert.is(vjp.relu(0, 3)[0], 0);
  assert.equal(vjp.abs(F(-1, 0, 2), F(5, 5, 5))[0], F(-5, 0, 5));
  assert.equal(jvp.abs(F(-1, 0, 2), F(5, 5, 5)), F(-5, 0, 5));
  // max picks the first maximal element
  assert.equal(vjp.max(F(1, 3, 3, 2), 2)[0], F(0, 2, 0, 0));
  assert.is(jvp.max(F(1, 3, 3, 2), F(10, 20, 30, 40)), 20);
  assert.equal(vjp.min(F(1, 0, 5, 0), 2)[0], F(0, 2, 0, 0));
  assert.is(np.argmax(F(1, 3, 3)), 1);
  assert.is(np.argmin(F(2, 1, 1)), 1);
  // maximum(a, b) and minimum(a, b): ties go to a
  const [da, db] = vjp.maximum(F(1, 2, 3), F(1, 5, 0), F(1, 1, 1));
  assert.equal(da, F(1, 0, 1));
  assert.equal(db, F(0, 1, 0));
  assert.equal(jvp.maximum(F(1, 2), F(1, 5), F(10, 10), F(20, 20)), F(10, 20));
  const [ma, mb] = vjp.minimum(F(1, 2, 3), F(1, 0, 5), F(1, 1, 1));
  assert.equal(ma, F(1, 0, 1));
  assert.equal(mb, F(0, 1, 0));
  const [sa, sb] = vjp.maximum(2, F(2, 1, 3), F(1, 1, 1));
  assert.is(sa, 2);
  assert.equal(sb, F(0, 0, 1));
  // pow conventions: d/da at p == 0 is 0, d/dp at a == 0 is 0
  assert.equal(vjp.pow(F(0, 2), F(0, 0.5), F(1, 1))[0], F(0, 0.5 * Math.pow(2, -0.5)));
  assert.equal(vjp.pow(F(0, 1), 2, F(1, 1))[1], 0);
});

test('broadcast cotangents are sums; number cotangents for number arguments', () => {
  const [da, db] = vjp.mul(3, F(1, 2, 4), F(1, 1, 1));
  assert.is(da, 7);
  assert.equal(db, F(3, 3, 3));
  const [sa, sb] = vjp.sub(F(1, 2), 5, F(1, 2));
  assert.equal(sa, F(1, 2));
  assert.is(sb, -3);
  assert.equal(vjp.add(1, 2, 4), [4, 4]);
  assert.equal(jvp.add(F(1, 2), 3, null, 1), F(1, 1));
  assert.is(jvp.mul(2, 3, 1, null), 3);
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

function throwsType(fn: () => unknown, message: RegExp | string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, TypeError);
    const m = (e as Error).message;
    if (typeof message === 'string') assert.is(m, message);
    else assert.match(m, message);
    return;
  }
  assert.unreachable(`expected a TypeError matching ${message}`);
}

test('shape errors name the operation and the sizes', () => {
  const a3 = F(1, 2, 3), a4 = F(1, 2, 3, 4);
  for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'dot']) {
    throwsType(() => ops[op](a3, a4), `np.${op}: lengths differ (3 vs 4)`);
  }
  throwsType(() => np.matvec(new Float64Array(6), a3, 2, 4), 'np.matvec: A has length 6, expected rows*cols = 2*4 = 8');
  throwsType(() => np.matvec(new Float64Array(8), a3, 2, 4), 'np.matvec: x has length 3, expected cols = 4');
  throwsType(() => np.matmul(new Float64Array(6), new Float64Array(6), 2, 3, 3), 'np.matmul: B has length 6, expected k*n = 3*3 = 9');
  throwsType(() => np.matmul(new Float64Array(5), new Float64Array(9), 2, 3, 3), 'np.matmul: A has length 5, expected m*k = 2*3 = 6');
  throwsType(() => np.transpose(new Float64Array(5), 2, 3), 'np.transpose: A has length 5, expected rows*cols = 2*3 = 6');
  throwsType(() => np.matvec(a4, F(1, 2), 2.5, 2), 'np.matvec: rows must be a non-negative integer (got 2.5)');
  throwsType(() => np.matmul(a4, a4, 2, -2, 2), 'np.matmul: k must be a non-negative integer (got -2)');
  throwsType(() => np.zeros(-1), 'np.zeros: n must be a non-negative integer (got -1)');
  throwsType(() => np.full(3, 'x' as unknown as number), 'np.full: value must be a number (got string)');
  throwsType(() => np.max(F()), 'np.max: empty array (length 0)');
  throwsType(() => np.min([]), 'np.min: empty array (length 0)');
  throwsType(() => np.slice(a3, 1.5), 'np.slice: start must be an integer (got 1.5)');
  throwsType(() => np.slice(a3, 0, 0.5), 'np.slice: end must be an integer (got 0.5)');
  // wrong kinds name the argument
  throwsType(() => np.exp('x' as unknown as number), 'np.exp: a must be a number, Float64Array or number[] (got string)');
  throwsType(() => np.add(a3, {} as unknown as number), 'np.add: b must be a number, Float64Array or number[] (got object)');
  throwsType(() => np.sum(new Float32Array(2) as unknown as Float64Array), 'np.sum: a must be a Float64Array or number[] (got Float32Array)');
  throwsType(() => np.dot(3 as unknown as Float64Array, a3), 'np.dot: a must be a Float64Array or number[] (got number)');
  throwsType(() => np.add([1, 'x'] as unknown as number[], 1), 'np.add: a[1] must be a number (got string)');
  // rules check cotangent and tangent shapes
  throwsType(() => vjp.add(a3, a3, a4), 'np.add: dY has length 4, expected 3');
  throwsType(() => vjp.sum(a3, a3 as unknown as number), 'np.sum: dY must be a number (got Float64Array)');
  throwsType(() => vjp.matmul(a4, a4, 2, 2, 2, a3), 'np.matmul: dY has length 3, expected 4');
  throwsType(() => jvp.mul(a3, 2, a4, null), 'np.mul: ta has length 4, expected 3');
  throwsType(() => jvp.dot(a3, a3, null, F(1)), 'np.dot: tb has length 1, expected 3');
  throwsType(() => vjp.dot(a3, a4, 1), 'np.dot: lengths differ (3 vs 4)');
});

test('number[] is accepted wherever an array is, and copied', () => {
  const r = rng(99);
  const A = Array.from(vec(r, 6)), B = Array.from(vec(r, 6)), x = Array.from(vec(r, 3));
  const fa = Float64Array.from(A), fb = Float64Array.from(B), fx = Float64Array.from(x);
  const pairs: [string, unknown[], unknown[]][] = [
    ['add', [A, B], [fa, fb]], ['sub', [A, 2], [fa, 2]], ['mul', [2, B], [2, fb]], ['div', [A, B], [fa, fb]],
    ['pow', [B.map(Math.abs), 2], [fb.map(Math.abs), 2]], ['maximum', [A, B], [fa, fb]], ['minimum', [A, 0], [fa, 0]],
    ['neg', [A], [fa]], ['exp', [A], [fa]], ['log', [B.map(Math.abs)], [fb.map(Math.abs)]], ['sin', [A], [fa]],
    ['cos', [A], [fa]], ['tanh', [A], [fa]], ['sqrt', [B.map(Math.abs)], [fb.map(Math.abs)]], ['abs', [A], [fa]],
    ['sigmoid', [A], [fa]], ['relu', [A], [fa]], ['sum', [A], [fa]], ['mean', [A], [fa]], ['max', [A], [fa]],
    ['min', [A], [fa]], ['logsumexp', [A], [fa]], ['dot', [A, B], [fa, fb]], ['matvec', [A, x, 2, 3], [fa, fx, 2, 3]],
    ['matmul', [A, B, 2, 3, 2], [fa, fb, 2, 3, 2]], ['transpose', [A, 2, 3], [fa, 2, 3]], ['outer', [A, x], [fa, fx]],
    ['softmax', [A], [fa]], ['fill', [A, 3], [fa, 3]], ['copy', [A], [fa]], ['slice', [A, 1, 4], [fa, 1, 4]],
    ['concat', [A, x], [fa, fx]],
  ];
  const snapshot = JSON.stringify([A, B, x]);
  for (const [op, plain, typed] of pairs) {
    const got = ops[op](...plain), want = ops[op](...typed);
    if (typeof want === 'number') assert.is(got, want, op);
    else { assert.instance(got, Float64Array, op); assert.equal(got, want, op); }
    // the rules accept number[] too
    const w = typeof want === 'number' ? 1 : new Float64Array(want.length).fill(1);
    const g1: Value[] = vjps[op](...plain, w), g2: Value[] = vjps[op](...typed, w);
    assert.equal(g1, g2, `vjp.${op}`);
  }
  assert.is(JSON.stringify([A, B, x]), snapshot, 'number[] inputs are not modified');
  // a copy of a number[] is a Float64Array, and results never alias the input
  const c = np.copy([1, 2]);
  assert.instance(c, Float64Array);
  assert.equal(c, F(1, 2));
});

test.run();
