// The arithmetic operators, as rules over `a`, `b` (or `x` for negation).
import type { ScalarRule } from './types.js';

const op = (name: string, partials: string[], domain: ScalarRule['domain'], note?: string): ScalarRule =>
  ({ name, args: partials.length === 1 ? ['x'] : ['a', 'b'], partials, domain, note, js: name, as: name });

export const arithRules: ScalarRule[] = [
  op('+', ['1', '1'], ['any', 'any']),
  op('-', ['1', '-1'], ['any', 'any']),
  op('*', ['b', 'a'], ['any', 'any']),
  op('/', ['1 / b', '-out / b'], ['any', 'nonzero']),
  op('**', ['b * Math.pow(a, b - 1)', 'a > 0 ? out * Math.log(a) : 0'], ['positive', 'any'],
    '∂/∂b is taken as 0 where a ≤ 0, as for Math.pow'),
  op('%', ['1', '-Math.trunc(a / b)'], ['positive', 'positive'], 'piecewise: ∂/∂b = -trunc(a / b), with jumps where a / b is an integer'),
  op('neg', ['-1'], ['any']),
];
