// cotangent/np operations in the AssemblyScript backend: each `t = np.op(...)`
// becomes shape checks (the kernels check nothing), an arena allocation for an
// array result, and a call of the SIMD kernel in assembly/kernels.ts (imported
// as './kernels'). Numbers-only cases of element-wise operations are plain
// scalar code. Semantics follow runtime/np.ts: a failed check raises the same
// TypeError message the JS path does (without the numbers).
import type { Atom, Loc, Stmt } from '../../ir/nodes.js';

export type AssignStmt = Extract<Stmt, { kind: 'assign' }>;

/** What the function emitter offers the np lowering. */
export interface NpHost {
  line(s: string): void;
  /** A fresh AssemblyScript local name. */
  fresh(hint: string): string;
  /** The AssemblyScript name of an array variable. */
  arr(a: Atom): string;
  /** An atom as f64 / i32 code. */
  num(a: Atom): string;
  int(a: Atom): string;
  isArray(a: Atom): boolean;
  /** Records that the module calls kernel `name` (imported from './kernels'); returns its name. */
  kernel(name: string): string;
  /** Uses a part of the runtime (`arrays`, `alloc`, `npHelpers`). */
  use(part: 'arrays' | 'alloc' | 'npHelpers'): void;
  /** Fails the call with `message` (a TypeError, as in JS) when `cond` holds. */
  check(cond: string, message: string): void;
  /** Assigns `code` (of `type`) to the statement's target, declaring it if this statement does. */
  assign(s: AssignStmt, code: string, type: 'f64' | 'i32' | 'usize'): void;
  fail(what: string, loc?: Loc): never;
}

const BINARY: Record<string, { scalar: (a: string, b: string) => string; commutes: boolean; sv: boolean }> = {
  'np.add': { scalar: (a, b) => `${a} + ${b}`, commutes: true, sv: false },
  'np.sub': { scalar: (a, b) => `${a} - ${b}`, commutes: false, sv: true },
  'np.mul': { scalar: (a, b) => `${a} * ${b}`, commutes: true, sv: false },
  'np.div': { scalar: (a, b) => `${a} / ${b}`, commutes: false, sv: true },
  'np.pow': { scalar: (a, b) => `Math.pow(${a}, ${b})`, commutes: false, sv: true },
  'np.maximum': { scalar: (a, b) => `npMax(${a}, ${b})`, commutes: false, sv: true },
  'np.minimum': { scalar: (a, b) => `npMin(${a}, ${b})`, commutes: false, sv: true },
  'np.atLeast': { scalar: (a, b) => `${a} >= ${b} ? 1.0 : 0.0`, commutes: false, sv: true },
};

const UNARY: Record<string, { scalar: (x: string) => string; kernel: string; helper?: boolean }> = {
  'np.neg': { scalar: (x) => `-${x}`, kernel: 'np_neg' },
  'np.exp': { scalar: (x) => `Math.exp(${x})`, kernel: 'np_exp' },
  'np.log': { scalar: (x) => `Math.log(${x})`, kernel: 'np_log' },
  'np.sin': { scalar: (x) => `Math.sin(${x})`, kernel: 'np_sin' },
  'np.cos': { scalar: (x) => `Math.cos(${x})`, kernel: 'np_cos' },
  'np.tanh': { scalar: (x) => `Math.tanh(${x})`, kernel: 'np_tanh' },
  'np.sqrt': { scalar: (x) => `Math.sqrt(${x})`, kernel: 'np_sqrt' },
  'np.abs': { scalar: (x) => `Math.abs(${x})`, kernel: 'np_abs' },
  'np.sigmoid': { scalar: (x) => `npSigmoid(${x})`, kernel: 'np_sigmoid' },
  'np.relu': { scalar: (x) => `npRelu(${x})`, kernel: 'np_relu' },
  'np.sign': { scalar: (x) => `Math.sign(${x})`, kernel: 'npSignInto', helper: true },
};

/** Lowers `s` (an assignment of an np primitive). */
export function npAssign(h: NpHost, s: AssignStmt): void {
  const e = s.expr;
  if (e.kind !== 'prim') throw new Error('internal error: npAssign of a non-primitive');
  const { name, args } = e;
  const op = name.replace(/^np\./, '');
  const len = (a: Atom) => { h.use('arrays'); return `lengthOf(${h.arr(a)})`; };
  /** Allocates the result array of length `n` (code) into the target; returns the target's name. */
  const result = (n: string) => {
    h.use('alloc');
    h.assign(s, `alloc(${n})`, 'usize');
    return h.arr({ kind: 'var', name: s.target });
  };
  const size = (a: Atom, what: string) => {
    const code = h.int(a);
    if (a.kind === 'var') h.check(`${code} < 0`, `np.${op}: ${what} must be a non-negative integer`);
    else if (a.value < 0) h.check('true', `np.${op}: ${what} must be a non-negative integer`);
    return code;
  };
  const sameLength = (a: Atom, b: Atom) => h.check(`${len(a)} != ${len(b)}`, `np.${op}: lengths differ`);
  const local = (hint: string, code: string) => {
    const n = h.fresh(hint);
    h.line(`const ${n} = ${code};`);
    return n;
  };

  const bin = BINARY[name];
  if (bin) {
    const [a, b] = args;
    const aa = h.isArray(a), ba = h.isArray(b);
    if (!aa && !ba) { h.assign(s, bin.scalar(h.num(a), h.num(b)), 'f64'); return; }
    const helper = name === 'np.atLeast';
    if (helper) h.use('npHelpers');
    const k = (suffix: string) => (helper ? `npAtLeast${suffix}` : h.kernel(`np_${op}${suffix}`));
    if (aa && ba) {
      sameLength(a, b);
      const n = local('n', len(a));
      const out = result(n);
      h.line(`${k(helper ? 'VV' : '')}(${h.arr(a)}, ${h.arr(b)}, ${out}, ${n});`);
    } else if (aa) {
      const n = local('n', len(a));
      const out = result(n);
      h.line(`${k(helper ? 'VS' : '_vs')}(${h.arr(a)}, ${h.num(b)}, ${out}, ${n});`);
    } else {
      const n = local('n', len(b));
      const out = result(n);
      if (bin.commutes) h.line(`${k('_vs')}(${h.arr(b)}, ${h.num(a)}, ${out}, ${n});`);
      else h.line(`${k(helper ? 'SV' : '_sv')}(${h.num(a)}, ${h.arr(b)}, ${out}, ${n});`);
    }
    return;
  }

  const un = UNARY[name];
  if (un) {
    const [x] = args;
    if (!h.isArray(x)) {
      if (name === 'np.sigmoid' || name === 'np.relu') h.use('npHelpers');
      h.assign(s, un.scalar(h.num(x)), 'f64');
      return;
    }
    const n = local('n', len(x));
    const out = result(n);
    if (un.helper) h.use('npHelpers');
    h.line(`${un.helper ? un.kernel : h.kernel(un.kernel)}(${h.arr(x)}, ${out}, ${n});`);
    return;
  }

  switch (name) {
    case 'np.sum': case 'np.mean': case 'np.logsumexp':
      h.assign(s, `${h.kernel(`np_${op}`)}(${h.arr(args[0])}, ${len(args[0])})`, 'f64');
      return;
    case 'np.max': case 'np.min': {
      const n = local('n', len(args[0]));
      h.check(`${n} == 0`, `np.${op}: empty array (length 0)`);
      h.assign(s, `${h.kernel(`np_${op}`)}(${h.arr(args[0])}, ${n})`, 'f64');
      return;
    }
    case 'np.argmax': case 'np.argmin':
      h.assign(s, `${h.kernel(`np_${op}`)}(${h.arr(args[0])}, ${len(args[0])})`, 'i32');
      return;
    case 'np.dot':
      sameLength(args[0], args[1]);
      h.assign(s, `${h.kernel('np_dot')}(${h.arr(args[0])}, ${h.arr(args[1])}, ${len(args[0])})`, 'f64');
      return;
    case 'np.matvec': case 'np.vecmat': {
      const [A, x] = name === 'np.matvec' ? [args[0], args[1]] : [args[1], args[0]];
      const rows = local('rows', size(args[2], 'rows')), cols = local('cols', size(args[3], 'cols'));
      h.check(`${len(A)} != ${rows} * ${cols}`, `np.${op}: A has the wrong length, expected rows*cols`);
      const want = name === 'np.matvec' ? cols : rows;
      h.check(`${len(x)} != ${want}`, `np.${op}: ${name === 'np.matvec' ? 'x' : 'v'} has the wrong length, expected ${name === 'np.matvec' ? 'cols' : 'rows'}`);
      const out = result(name === 'np.matvec' ? rows : cols);
      h.line(name === 'np.matvec'
        ? `${h.kernel('np_matvec')}(${h.arr(A)}, ${h.arr(x)}, ${out}, ${rows}, ${cols});`
        : `${h.kernel('np_vecmat')}(${h.arr(x)}, ${h.arr(A)}, ${out}, ${rows}, ${cols});`);
      return;
    }
    case 'np.matmul': case 'np.matmulNT': case 'np.matmulTN': {
      const [A, B] = args;
      const m = local('m', size(args[2], 'm')), k = local('k', size(args[3], 'k')), n = local('n', size(args[4], 'n'));
      // A is m×k (k×m for TN), B is k×n (n×k for NT)
      const [ad, bd, at, bt] = name === 'np.matmul' ? [`${m} * ${k}`, `${k} * ${n}`, 'm*k', 'k*n']
        : name === 'np.matmulNT' ? [`${m} * ${k}`, `${n} * ${k}`, 'm*k', 'n*k'] : [`${k} * ${m}`, `${k} * ${n}`, 'k*m', 'k*n'];
      h.check(`${len(A)} != ${ad}`, `np.${op}: A has the wrong length, expected ${at}`);
      h.check(`${len(B)} != ${bd}`, `np.${op}: B has the wrong length, expected ${bt}`);
      const out = result(`${m} * ${n}`);
      const kern = name === 'np.matmul' ? 'np_matmul' : name === 'np.matmulNT' ? 'np_matmul_nt' : 'np_matmul_tn';
      h.line(`${h.kernel(kern)}(${h.arr(A)}, ${h.arr(B)}, ${out}, ${m}, ${k}, ${n});`);
      return;
    }
    case 'np.transpose': {
      const rows = local('rows', size(args[1], 'rows')), cols = local('cols', size(args[2], 'cols'));
      h.check(`${len(args[0])} != ${rows} * ${cols}`, 'np.transpose: A has the wrong length, expected rows*cols');
      const out = result(`${rows} * ${cols}`);
      h.line(`${h.kernel('np_transpose')}(${h.arr(args[0])}, ${out}, ${rows}, ${cols});`);
      return;
    }
    case 'np.outer': {
      const m = local('m', len(args[0])), n = local('n', len(args[1]));
      const out = result(`${m} * ${n}`);
      h.line(`${h.kernel('np_outer')}(${h.arr(args[0])}, ${h.arr(args[1])}, ${out}, ${m}, ${n});`);
      return;
    }
    case 'np.softmax': {
      const n = local('n', len(args[0]));
      const out = result(n);
      h.line(`${h.kernel('np_softmax')}(${h.arr(args[0])}, ${out}, ${n});`);
      return;
    }
    case 'np.zeros': result(size(args[0], 'n')); return;
    case 'np.ones': case 'np.full': case 'np.fill': {
      const n = name === 'np.fill' ? local('n', len(args[0])) : local('n', size(args[0], 'n'));
      const value = name === 'np.ones' ? '1.0' : h.num(args[1]);
      const out = result(n);
      h.line(`${h.kernel('np_fill')}(${out}, ${value}, ${n});`);
      return;
    }
    case 'np.copy': {
      const n = local('n', len(args[0]));
      const out = result(n);
      h.line(`${h.kernel('np_copy')}(${h.arr(args[0])}, ${out}, ${n});`);
      return;
    }
    case 'np.slice': {
      h.use('npHelpers');
      const n = local('n', len(args[0]));
      const start = local('start', `sliceBound(${n}, ${h.int(args[1])})`);
      const end = local('end', `max(${start}, ${args.length > 2 ? `sliceBound(${n}, ${h.int(args[2])})` : n})`);
      const out = result(`${end} - ${start}`);
      h.line(`${h.kernel('np_copy')}(${h.arr(args[0])} + (<usize>${start} << 3), ${out}, ${end} - ${start});`);
      return;
    }
    case 'np.concat': {
      const na = local('na', len(args[0])), nb = local('nb', len(args[1]));
      const out = result(`${na} + ${nb}`);
      h.line(`${h.kernel('np_concat')}(${h.arr(args[0])}, ${na}, ${h.arr(args[1])}, ${nb}, ${out});`);
      return;
    }
    case 'np.onehot': {
      const n = local('n', size(args[0], 'n'));
      const i = local('i', h.int(args[1]));
      h.check(`${i} < 0 || ${i} >= ${n}`, 'np.onehot: the index is out of range');
      const out = result(n);
      h.use('arrays');
      h.line(`put(${out}, ${i}, ${h.num(args[2])});`);
      return;
    }
    case 'np.embed': {
      h.use('npHelpers');
      const g = len(args[0]);
      const n = local('n', size(args[1], 'n'));
      const start = local('start', `sliceBound(${n}, ${h.int(args[2])})`);
      const end = local('end', args.length > 3 ? `max(${start}, sliceBound(${n}, ${h.int(args[3])}))` : `min(${start} + ${g}, ${n})`);
      h.check(`${end} - ${start} != ${g}`, 'np.embed: g does not fit the slice');
      const out = result(n);
      h.line(`${h.kernel('np_copy')}(${h.arr(args[0])}, ${out} + (<usize>${start} << 3), ${g});`);
      return;
    }
    default:
      h.fail(`the array operation \`${name}\``);
  }
}

/** Helpers for np operations the kernels do not have (appended with the runtime). */
export const NP_HELPERS = `
// np operations without a kernel of their own, with the semantics of runtime/np.ts.
@inline function npMax(x: f64, y: f64): f64 { return x >= y || x != x ? x : y; }
@inline function npMin(x: f64, y: f64): f64 { return x <= y || x != x ? x : y; }
@inline function npRelu(x: f64): f64 { return x <= 0 ? 0.0 : x; }
function npSigmoid(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}
function npSignInto(a: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), Math.sign(load<f64>(a + (<usize>i << 3))));
}
function npAtLeastVV(a: usize, b: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, load<f64>(a + o) >= load<f64>(b + o) ? 1.0 : 0.0);
  }
}
function npAtLeastVS(a: usize, s: f64, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), load<f64>(a + (<usize>i << 3)) >= s ? 1.0 : 0.0);
}
function npAtLeastSV(s: f64, b: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), s >= load<f64>(b + (<usize>i << 3)) ? 1.0 : 0.0);
}
// Slice bounds as TypedArray.prototype.slice reads them: negative counts from the end, clamped.
@inline function sliceBound(n: i32, x: i32): i32 { return x < 0 ? max(n + x, 0) : min(x, n); }
`;
