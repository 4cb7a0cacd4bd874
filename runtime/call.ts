// The function users call: a wrapper of fixed arity whose argument checks are
// compiled into it, so a call that passes them costs a few type tests and one
// direct call (a rest array, `apply` and a loop over the parameters cost more
// than a tiny derivative itself). Anything unusual (a wrong type, a number[]
// to copy, a wrong count) goes to the general path, which converts or throws
// the checker's message.
import type { Param } from '../compiler/ir/nodes.js';
import type { CheckerOptions } from './check.js';

export interface CallParts {
  /** The generated entry, called with the checked arguments. */
  entry: Function;
  /** Turns the entry's result into the API's shape. */
  shape: (raw: unknown) => unknown;
  /** The general path: the same call through makeChecker (and any reordering). */
  slow: (...args: unknown[]) => unknown;
  /** Set when the entry uses the tape: every call leaves it as it found it. */
  tape?: { top: number; topInt: number; topRef: number; popRef(): unknown; trim(): void };
}

/** A wrapper taking `params` positionally; `like[i]` is the argument whose length argument i must match. */
export function fastCall(params: Param[], like: (number | undefined)[], opts: CheckerOptions, parts: CallParts): (...args: unknown[]) => unknown {
  const a = (i: number) => `a${i}`;
  const tests: string[] = [`arguments.length === ${params.length}`];
  const passed: string[] = [];
  params.forEach((p, i) => {
    const bound = opts.bounds?.[i];
    const range = bound === undefined ? '' : ` && ${a(i)} >= ${bound.lo} && ${a(i)} <= ${bound.hi}`;
    switch (p.type) {
      case 'f64[]':
        tests.push(`${a(i)} instanceof Float64Array`);
        if (like[i] !== undefined) tests.push(`${a(i)}.length === ${a(like[i]!)}.length`);
        break;
      case 'f64': tests.push(`typeof ${a(i)} === 'number'${range}`); break;
      case 'i32': tests.push(`(${a(i)} | 0) === ${a(i)}${range}`); break;
      case 'bool': tests.push(`typeof ${a(i)} === 'boolean'`); break;
    }
    passed.push(p.type === 'bool' && opts.booleansAsNumbers ? `(${a(i)} ? 1 : 0)` : a(i));
  });
  const call = `shape(entry(${passed.join(', ')}))`;
  const body = parts.tape
    ? `const top = tape.top, topInt = tape.topInt, topRef = tape.topRef;
  try {
    return ${call};
  } finally {
    // A throw mid-sweep must not leave values behind for the next call.
    tape.top = top; tape.topInt = topInt;
    while (tape.topRef > topRef) tape.popRef();
    tape.trim();
  }`
    : `return ${call};`;
  const source = `return function (${params.map((_, i) => a(i)).join(', ')}) {
  if (!(${tests.join(' && ')})) return slow.apply(undefined, arguments);
  ${body}
};`;
  return new Function('entry', 'shape', 'slow', 'tape', source)(parts.entry, parts.shape, parts.slow, parts.tape);
}
