// interchange alone: an adjoint loop nest swaps only when the swapped inner loop walks memory in
// order, and only when taking the inner loop out of the outer one changes no more than the order
// of additions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IrModule, Stmt } from '../../compiler/ir/nodes.js';
import { checkPass, validating } from './support.js';

validating(test);

/**
 * An adjoint nest over a packed lower triangle (row j, column l < j, stored column by column at
 * l(2n − l − 1)/2 + j − l − 1), as reverse mode writes it for z_j = Σ L[j][l] x[l].
 * `inner` and `after` replace parts of it for the cases that must not swap.
 */
const triangle = (name: string, { mirror = ' mirror', inner = '', tail = '', last = 'j - 1i', k = 'j + 1i', s1 = '' } = {}) => `
    function ${name}(x: f64[], L: f64[], dL: f64[], dx: f64[], n: i32) -> f64, f64[], f64[] {
      locals j: i32, l: i32, top: i32, l_last: i32, dz: f64, t: f64, twice: i32, p: i32, q: i32, r: i32, h: i32, a: i32, b: i32, idx: i32, Lv: f64, xv: f64, u: f64, w: f64, u2: f64, s: f64, k: i32, m: i32
      s = 0.0
      m = 0i
      top = n - 1i
      twice = n + n
      for j = top; j >= 0i; --${mirror} {
        t = x[j]
        dz = t * 2.0
        k = ${k}
${s1}        l_last = ${last}
        for l = 0i; l <= l_last; ++ mirror {
          p = twice - l
          q = p - 1i
          r = l * q
          h = r / 2i
          a = h + k
          b = a - l
          idx = b - 2i
          Lv = L[idx]
          xv = x[l]
          u = dz * Lv
          w = dz * xv
          dx[l] += u
          dL[idx] += w
${inner}        }
        u2 = dz * t
        dx[j] += u2
        s = s + dz
${tail}      }
      return s, dx, dL
    }`;

/** Top-level loops of the result (a swap leaves the outer loop's remainder and a new nest). */
const loops = (m: IrModule) => m.functions[0].body.filter((s): s is Extract<Stmt, { kind: 'for' }> => s.kind === 'for');
const swapped = (m: IrModule) => loops(m).length === 2 && !loops(m)[0].body.some((s) => s.kind === 'for');

const cases: Record<string, [string, boolean]> = {
  // The GMM shape: dz is kept per row in an array, k is recomputed, the triangle is walked column by column.
  triangle: [triangle('triangle'), true],
  // Not an adjoint loop: its additions must stay in their order.
  unmarked: [triangle('unmarked', { mirror: '' }), false],
  // The inner loop's sum is read after it in the same iteration: it cannot move out.
  carried_sum: [triangle('carried_sum', { inner: '          s = s + u\n' }), false],
  // The outer loop reads an array the inner loop adds into.
  reads_added: [triangle('reads_added', { tail: '        t = dx[0i]\n        s = s + t\n' }), false],
  // The outer loop writes an array the inner loop reads.
  writes_read: [triangle('writes_read', { tail: '        L[j] = t\n' }), false],
  // The inner loop's bound depends on a value the outer loop changes in another way.
  odd_bound: [triangle('odd_bound', { last: 'j * 2i' }), false],
  // k reads m, which the iteration before assigned: recomputing k later would read another m.
  carried_operand: [triangle('carried_operand', { k: 'm + 1i', s1: '        m = j + 1i\n' }), false],
};

for (const [name, [input, swaps]] of Object.entries(cases)) {
  test(name, () => {
    const out = checkPass('interchange', name, input);
    assert.is(swapped(out), swaps, `${name}: expected the nest ${swaps ? '' : 'not '}to be swapped`);
  });
}

/**
 * A rectangular adjoint nest over row-major A (n columns): the inner loop walks a row (contiguous) or a
 * column (stride n); `s1` computes dy.
 */
const rectangle = (name: string, walk: 'row' | 'column', s1: string) => `
    function ${name}(A: f64[], dA: f64[], dx: f64[], m: i32, n: i32) -> f64[], f64[] {
      locals i: i32, j: i32, last: i32, base: i32, idx: i32, dy: f64, a: f64, u: f64, w: f64, y: f64
      last = ${walk === 'row' ? 'm' : 'n'} - 1i
      for i = last; i >= 0i; -- mirror {
${s1.trim().split('\n').map((l) => `        ${l.trim()}`).join('\n')}
        for j = 0i; j < ${walk === 'row' ? 'n' : 'm'}; ++ mirror {
          base = ${walk === 'row' ? 'i' : 'j'} * n
          idx = base + ${walk === 'row' ? 'j' : 'i'}
          a = A[idx]
          u = dy * a
          dx[j] += u
          w = dy * dy
          dA[idx] += w
        }
      }
      return dx, dA
    }`;

test('a rectangular nest whose inner loop already walks memory in order stays', () => {
  assert.not.ok(swapped(checkPass('interchange', 'rows', rectangle('rows', 'row', 'dy = A[i]'))));
});

test('a rectangular nest that strides through a column swaps', () => {
  assert.ok(swapped(checkPass('interchange', 'columns_once', rectangle('columns_once', 'column', `
    y = A[i]
    dy = y * 3.0`))));
  // dy assigned twice in the outer loop is not a value it can keep per index.
  assert.not.ok(swapped(checkPass('interchange', 'columns', rectangle('columns', 'column', `
    dy = A[i]
    dy = dy * 3.0`))));
});

test.run();
