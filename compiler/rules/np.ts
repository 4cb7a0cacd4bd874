// cotangent/np operations as primitives: one entry each. For every argument
// that can carry a derivative, `reverse` gives its adjoint contribution and
// `forward` its tangent term, as JavaScript over the arguments, `out` (the
// result), `dout` (its adjoint) and the tangents `t<arg>`. The templates call
// np operations themselves, so they are differentiated again for hvp and
// lowered to Wasm like any primitive. Macros: `len(a)` is a's length;
// `unbroadcast(g, a)` sums g to a number when a is a number.

/** How an argument is passed: an array, a number or an array (element-wise), a number, or an integer. */
export type ArgKind = 'array' | 'operand' | 'number' | 'size' | 'index' | 'optIndex';

export interface ArrayRule {
  name: string;
  args: { name: string; kind: ArgKind }[];
  /** `operand`: a number when every operand argument is a number, else an array; `index`: an integer. */
  result: 'array' | 'number' | 'operand' | 'index';
  /** Per argument: its adjoint contribution (shaped like it), or null if it has none. */
  reverse: (string | null)[];
  /** Per argument: its term of the tangent, or null. */
  forward: (string | null)[];
  /**
   * When the operation throws on arguments of the right kinds: `lengths` when two of its arrays
   * differ in length, `values` for some sizes, indices or empty arrays. Such a call is kept even
   * where its value is not needed: the error is part of what the function does.
   */
  refuses?: 'lengths' | 'values';
  note?: string;
}

const A = (name: string) => ({ name, kind: 'array' as const });
const O = (name: string) => ({ name, kind: 'operand' as const });
const N = (name: string) => ({ name, kind: 'number' as const });
const S = (name: string) => ({ name, kind: 'size' as const });

const unary = (op: string, dfdx: string, note?: string): ArrayRule => ({
  name: `np.${op}`, args: [O('x')], result: 'operand',
  reverse: [`np.mul(dout, ${dfdx})`], forward: [`np.mul(tx, ${dfdx})`], note,
});

export const arrayRules: ArrayRule[] = [
  // element-wise, broadcasting a number against an array
  { name: 'np.add', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: ['unbroadcast(dout, a)', 'unbroadcast(dout, b)'], forward: ['ta', 'tb'] },
  { name: 'np.sub', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: ['unbroadcast(dout, a)', 'unbroadcast(np.neg(dout), b)'], forward: ['ta', 'np.neg(tb)'] },
  { name: 'np.mul', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: ['unbroadcast(np.mul(dout, b), a)', 'unbroadcast(np.mul(dout, a), b)'], forward: ['np.mul(ta, b)', 'np.mul(a, tb)'] },
  { name: 'np.div', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: ['unbroadcast(np.div(dout, b), a)', 'unbroadcast(np.neg(np.div(np.mul(dout, out), b)), b)'], forward: ['np.div(ta, b)', 'np.neg(np.div(np.mul(tb, out), b))'] },
  {
    name: 'np.pow', refuses: 'lengths', args: [O('a'), O('p')], result: 'operand',
    reverse: ['unbroadcast(np.mul(dout, np.mul(p, np.pow(a, np.sub(p, 1)))), a)', 'unbroadcast(np.mul(dout, np.mul(out, np.log(a))), p)'],
    forward: ['np.mul(ta, np.mul(p, np.pow(a, np.sub(p, 1))))', 'np.mul(tp, np.mul(out, np.log(a)))'],
    note: '∂/∂p needs a > 0 (it is log(a)·out)',
  },
  { name: 'np.maximum', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: ['unbroadcast(np.mul(dout, np.atLeast(a, b)), a)', 'unbroadcast(np.mul(dout, np.sub(1, np.atLeast(a, b))), b)'], forward: ['np.mul(ta, np.atLeast(a, b))', 'np.mul(tb, np.sub(1, np.atLeast(a, b)))'], note: 'ties go to a' },
  { name: 'np.minimum', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: ['unbroadcast(np.mul(dout, np.atLeast(b, a)), a)', 'unbroadcast(np.mul(dout, np.sub(1, np.atLeast(b, a))), b)'], forward: ['np.mul(ta, np.atLeast(b, a))', 'np.mul(tb, np.sub(1, np.atLeast(b, a)))'], note: 'ties go to a' },
  { name: 'np.neg', args: [O('x')], result: 'operand', reverse: ['np.neg(dout)'], forward: ['np.neg(tx)'] },
  unary('exp', 'out'),
  unary('log', 'np.div(1, x)'),
  unary('sin', 'np.cos(x)'),
  unary('cos', 'np.neg(np.sin(x))'),
  unary('tanh', 'np.sub(1, np.mul(out, out))'),
  unary('sqrt', 'np.div(0.5, out)', '+Infinity at 0'),
  unary('abs', 'np.sign(x)', "abs'(0) = 0"),
  unary('sigmoid', 'np.mul(out, np.sub(1, out))'),
  unary('relu', 'np.sub(1, np.atLeast(0, x))', "relu'(0) = 0"),
  // reductions
  { name: 'np.sum', args: [A('x')], result: 'number', reverse: ['np.full(len(x), dout)'], forward: ['np.sum(tx)'] },
  { name: 'np.mean', args: [A('x')], result: 'number', reverse: ['np.full(len(x), dout / len(x))'], forward: ['np.mean(tx)'] },
  { name: 'np.max', refuses: 'values', args: [A('x')], result: 'number', reverse: ['np.onehot(len(x), np.argmax(x), dout)'], forward: ['tx[np.argmax(x)]'], note: 'the first maximal element takes the derivative' },
  { name: 'np.min', refuses: 'values', args: [A('x')], result: 'number', reverse: ['np.onehot(len(x), np.argmin(x), dout)'], forward: ['tx[np.argmin(x)]'], note: 'the first minimal element takes the derivative' },
  { name: 'np.logsumexp', args: [A('x')], result: 'number', reverse: ['np.mul(dout, np.softmax(x))'], forward: ['np.dot(tx, np.softmax(x))'] },
  { name: 'np.dot', refuses: 'lengths', args: [A('a'), A('b')], result: 'number', reverse: ['np.mul(dout, b)', 'np.mul(dout, a)'], forward: ['np.dot(ta, b)', 'np.dot(a, tb)'] },
  // linear algebra (row-major, explicit dimensions)
  { name: 'np.matvec', refuses: 'values', args: [A('A'), A('x'), S('rows'), S('cols')], result: 'array', reverse: ['np.outer(dout, x)', 'np.vecmat(dout, A, rows, cols)', null, null], forward: ['np.matvec(tA, x, rows, cols)', 'np.matvec(A, tx, rows, cols)', null, null] },
  { name: 'np.vecmat', refuses: 'values', args: [A('v'), A('A'), S('rows'), S('cols')], result: 'array', reverse: ['np.matvec(A, dout, rows, cols)', 'np.outer(v, dout)', null, null], forward: ['np.vecmat(tv, A, rows, cols)', 'np.vecmat(v, tA, rows, cols)', null, null] },
  { name: 'np.matmul', refuses: 'values', args: [A('A'), A('B'), S('m'), S('k'), S('n')], result: 'array', reverse: ['np.matmulNT(dout, B, m, n, k)', 'np.matmulTN(A, dout, k, m, n)', null, null, null], forward: ['np.matmul(tA, B, m, k, n)', 'np.matmul(A, tB, m, k, n)', null, null, null] },
  { name: 'np.matmulNT', refuses: 'values', args: [A('A'), A('B'), S('m'), S('k'), S('n')], result: 'array', reverse: ['np.matmul(dout, B, m, n, k)', 'np.matmulTN(dout, A, n, m, k)', null, null, null], forward: ['np.matmulNT(tA, B, m, k, n)', 'np.matmulNT(A, tB, m, k, n)', null, null, null] },
  { name: 'np.matmulTN', refuses: 'values', args: [A('A'), A('B'), S('m'), S('k'), S('n')], result: 'array', reverse: ['np.matmulNT(B, dout, k, n, m)', 'np.matmul(A, dout, k, m, n)', null, null, null], forward: ['np.matmulTN(tA, B, m, k, n)', 'np.matmulTN(A, tB, m, k, n)', null, null, null] },
  { name: 'np.transpose', refuses: 'values', args: [A('A'), S('rows'), S('cols')], result: 'array', reverse: ['np.transpose(dout, cols, rows)', null, null], forward: ['np.transpose(tA, rows, cols)', null, null] },
  { name: 'np.outer', args: [A('a'), A('b')], result: 'array', reverse: ['np.matvec(dout, b, len(a), len(b))', 'np.vecmat(a, dout, len(a), len(b))'], forward: ['np.outer(ta, b)', 'np.outer(a, tb)'] },
  { name: 'np.softmax', args: [A('x')], result: 'array', reverse: ['np.mul(out, np.sub(dout, np.dot(dout, out)))'], forward: ['np.mul(out, np.sub(tx, np.dot(tx, out)))'] },
  // constructors and copies
  { name: 'np.zeros', refuses: 'values', args: [S('n')], result: 'array', reverse: [null], forward: [null] },
  { name: 'np.ones', refuses: 'values', args: [S('n')], result: 'array', reverse: [null], forward: [null] },
  { name: 'np.full', refuses: 'values', args: [S('n'), N('value')], result: 'array', reverse: [null, 'np.sum(dout)'], forward: [null, 'np.full(n, tvalue)'] },
  { name: 'np.fill', args: [A('a'), N('value')], result: 'array', reverse: [null, 'np.sum(dout)'], forward: [null, 'np.full(len(a), tvalue)'], note: 'a gives only the shape' },
  { name: 'np.copy', args: [A('a')], result: 'array', reverse: ['dout'], forward: ['ta'] },
  {
    name: 'np.slice', refuses: 'values', args: [A('a'), { name: 'start', kind: 'index' }, { name: 'end', kind: 'optIndex' }], result: 'array',
    reverse: ['np.embed(dout, len(a), start, end)', null, null], forward: ['np.slice(ta, start, end)', null, null],
  },
  { name: 'np.concat', args: [A('a'), A('b')], result: 'array', reverse: ['np.slice(dout, 0, len(a))', 'np.slice(dout, len(a))'], forward: ['np.concat(ta, np.zeros(len(b)))', 'np.concat(np.zeros(len(a)), tb)'] },
  // building blocks the rules above use (differentiable in turn)
  { name: 'np.sign', args: [O('x')], result: 'operand', reverse: [null], forward: [null], note: 'piecewise constant' },
  { name: 'np.atLeast', refuses: 'lengths', args: [O('a'), O('b')], result: 'operand', reverse: [null, null], forward: [null, null], note: 'piecewise constant' },
  { name: 'np.argmax', args: [A('x')], result: 'index', reverse: [null], forward: [null], note: 'an index: no derivative' },
  { name: 'np.argmin', args: [A('x')], result: 'index', reverse: [null], forward: [null], note: 'an index: no derivative' },
  { name: 'np.onehot', refuses: 'values', args: [S('n'), { name: 'i', kind: 'index' }, N('value')], result: 'array', reverse: [null, null, 'dout[i]'], forward: [null, null, 'np.onehot(n, i, tvalue)'] },
  // (embed's own adjoint assumes a non-negative start, as slice's adjoint passes it.)
  { name: 'np.embed', refuses: 'values', args: [A('g'), S('n'), { name: 'start', kind: 'index' }, { name: 'end', kind: 'optIndex' }], result: 'array', reverse: ['np.slice(dout, start, start + len(g))', null, null, null], forward: ['np.embed(tg, n, start, end)', null, null, null] },
];

export const arrayRuleByName: ReadonlyMap<string, ArrayRule> = new Map(arrayRules.map((r) => [r.name, r]));

/** The result type of an array primitive, given its arguments' kinds. */
export function arrayResultIsArray(rule: ArrayRule, argIsArray: boolean[]): boolean {
  if (rule.result === 'array') return true;
  if (rule.result === 'number' || rule.result === 'index') return false;
  return rule.args.some((a, i) => a.kind === 'operand' && argIsArray[i]);
}
