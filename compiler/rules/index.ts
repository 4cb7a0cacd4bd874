// The rule table: every differentiable primitive, looked up by name.
import { arithRules } from './arith.js';
import { mathRules, mathConstants } from './math.js';
import type { ScalarRule } from './types.js';

export type { ScalarRule, Domain } from './types.js';
export { mathConstants };

export const scalarRules: ReadonlyMap<string, ScalarRule> = new Map(
  [...arithRules, ...mathRules].map((r) => [r.name, r]),
);

export function scalarRule(name: string): ScalarRule | undefined {
  return scalarRules.get(name);
}

/** Math functions that take any number of arguments and are taken as nested pairs. */
export const variadic = new Set(['Math.max', 'Math.min', 'Math.hypot']);

export { arrayRules, arrayRuleByName, arrayResultIsArray, type ArrayRule, type ArgKind } from './np.js';
