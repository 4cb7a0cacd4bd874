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
export const variadic = new Set(['Math.max', 'Math.min']);

/**
 * A rule's argument names and partials for a call with `n` arguments: a variadic
 * rule repeats its first argument's partial, renamed, for every argument.
 */
export function ruleArgs(rule: ScalarRule, n: number): { names: string[]; partials?: string[] } {
  if (!rule.variadic || n === rule.args.length) return { names: rule.args, partials: rule.partials };
  const first = rule.args[0];
  const names = Array.from({ length: n }, (_, i) => `${first}${i}`);
  const partial = rule.partials![0];
  return { names, partials: names.map((m) => partial.replace(new RegExp(`\\b${first}\\b`, 'g'), m)) };
}

export { arrayRules, arrayRuleByName, arrayResultIsArray, type ArrayRule, type ArgKind } from './np.js';
