// Math.* primitives: one line per function, partials written once.
import type { ScalarRule } from './types.js';

const unary = (name: string, partial: string, domain: ScalarRule['domain'][0] = 'any', note?: string): ScalarRule =>
  ({ name: `Math.${name}`, args: ['x'], partials: [partial], domain: [domain], note, js: `Math.${name}`, as: `Math.${name}` });

export const mathRules: ScalarRule[] = [
  unary('exp', 'out'),
  unary('expm1', 'out + 1'),
  unary('log', '1 / x', 'positive'),
  unary('log2', '1 / (x * Math.LN2)', 'positive'),
  unary('log10', '1 / (x * Math.LN10)', 'positive'),
  unary('log1p', '1 / (1 + x)', 'positive'),
  unary('sqrt', '0.5 / out', 'positive', 'the derivative is +Infinity at x = 0'),
  unary('cbrt', 'out / (3 * x)', 'nonzero', 'the derivative is NaN at x = 0 (it is +Infinity in the limit)'),
  unary('sin', 'Math.cos(x)'),
  unary('cos', '-Math.sin(x)'),
  unary('tan', '1 + out * out'),
  unary('asin', '1 / Math.sqrt(1 - x * x)', 'unit'),
  unary('acos', '-1 / Math.sqrt(1 - x * x)', 'unit'),
  unary('atan', '1 / (1 + x * x)'),
  unary('sinh', 'Math.cosh(x)'),
  unary('cosh', 'Math.sinh(x)'),
  unary('tanh', '1 - out * out'),
  unary('asinh', '1 / Math.sqrt(x * x + 1)'),
  unary('acosh', '1 / Math.sqrt(x * x - 1)', 'gt1'),
  unary('atanh', '1 / (1 - x * x)', 'unit'),
  unary('abs', 'Math.sign(x)', 'nonzero', 'd|x|/dx = sign(x), so 0 at x = 0'),
  unary('sign', '0', 'nonzero', 'piecewise constant: derivative 0 (undefined at 0, taken as 0)'),
  unary('floor', '0', 'any', 'piecewise constant: derivative 0, also at the jumps'),
  unary('ceil', '0', 'any', 'piecewise constant: derivative 0, also at the jumps'),
  unary('round', '0', 'any', 'piecewise constant: derivative 0, also at the jumps'),
  unary('trunc', '0', 'any', 'piecewise constant: derivative 0, also at the jumps'),
  {
    name: 'Math.pow', args: ['a', 'b'], domain: ['positive', 'any'], js: 'Math.pow', as: 'Math.pow',
    partials: ['b * Math.pow(a, b - 1)', 'a > 0 ? out * Math.log(a) : 0'],
    note: '∂/∂b is taken as 0 where a ≤ 0 (a^b is not real-differentiable in b there)',
  },
  {
    name: 'Math.atan2', args: ['a', 'b'], domain: ['nonzero', 'nonzero'], js: 'Math.atan2', as: 'Math.atan2',
    partials: ['b / (a * a + b * b)', '-a / (a * a + b * b)'],
    note: 'NaN at (0, 0)',
  },
  {
    name: 'Math.hypot', args: ['a', 'b'], domain: ['nonzero', 'nonzero'], js: 'Math.hypot', as: 'Math.hypot',
    partials: ['a / out', 'b / out'], variadic: true,
    note: 'NaN where every argument is 0; Math.hypot(a, b, c, ...): ∂/∂aᵢ = aᵢ / out',
  },
  {
    name: 'Math.max', args: ['a', 'b'], domain: ['any', 'any'], js: 'Math.max', as: 'Math.max',
    reverse: 'if (a >= b) { da += dout; } else { db += dout; }',
    forward: 'a >= b ? ta : tb',
    note: 'ties go to the first argument; Math.max(a, b, c, ...) is taken as nested pairs',
  },
  {
    name: 'Math.min', args: ['a', 'b'], domain: ['any', 'any'], js: 'Math.min', as: 'Math.min',
    reverse: 'if (a <= b) { da += dout; } else { db += dout; }',
    forward: 'a <= b ? ta : tb',
    note: 'ties go to the first argument; Math.min(a, b, c, ...) is taken as nested pairs',
  },
];

/** Math constants, folded to literals. */
export const mathConstants: Record<string, number> = {
  PI: Math.PI, E: Math.E, LN2: Math.LN2, LN10: Math.LN10, LOG2E: Math.LOG2E, LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2, SQRT1_2: Math.SQRT1_2,
};
