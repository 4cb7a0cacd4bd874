// Call-time argument checks: a TypeError that names the argument, before any
// generated code runs. number[] is accepted where a Float64Array is expected (copied).
// The checker is built once per derivative; a call that passes pays only the
// type tests (messages are built only when something is wrong).
import type { Param } from '../compiler/ir/nodes.js';

export type Checker = (args: unknown[]) => unknown[];

/** `like[i]` is the position of the argument whose length argument i must match (a tangent and its primal). */
export function makeChecker(fnName: string, params: Param[], like: (number | undefined)[] = []): Checker {
  const n = params.length;
  const types = params.map((p) => p.type);
  const what = (i: number) => `${fnName}: argument ${i + 1} (\`${params[i].name}\`)`;
  const fail = (args: unknown[], i: number): never => {
    const a = args[i];
    const p = params[i];
    if (p.type === 'f64[]') {
      const arr = a as ArrayLike<number>;
      if (a instanceof Float64Array || isNumberArray(a)) {
        const want = (args[like[i]!] as { length: number }).length;
        throw new TypeError(`${what(i)} must have length ${want} like \`${params[like[i]!].name}\`, got ${arr.length}`);
      }
      throw new TypeError(`${what(i)} must be a Float64Array (or number[]), got ${describe(a)}`);
    }
    if (typeof a !== 'number') throw new TypeError(`${what(i)} must be a number, got ${describe(a)}`);
    throw new TypeError(`${what(i)} is used as an integer (index or size), got ${a}`);
  };
  return (args) => {
    if (args.length !== n) {
      throw new TypeError(`${fnName}: expected ${n} argument${n === 1 ? '' : 's'} (${params.map((p) => p.name).join(', ')}), got ${args.length}`);
    }
    let out = args;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      const t = types[i];
      if (t === 'f64[]') {
        let arr: Float64Array;
        if (a instanceof Float64Array) arr = a;
        else if (isNumberArray(a)) {
          arr = Float64Array.from(a);
          if (out === args) out = args.slice();
          out[i] = arr;
        } else return fail(args, i);
        const l = like[i];
        if (l !== undefined && arr.length !== (out[l] as { length: number }).length) return fail(args, i);
      } else if (typeof a !== 'number' || (t === 'i32' && !Number.isInteger(a))) {
        return fail(args, i);
      }
    }
    return out;
  };
}

/** One-off form of makeChecker. */
export function checkArgs(fnName: string, params: Param[], args: unknown[], like: (number | undefined)[] = []): unknown[] {
  return makeChecker(fnName, params, like)(args);
}

function isNumberArray(a: unknown): a is number[] {
  return Array.isArray(a) && a.every((x) => typeof x === 'number');
}

function describe(a: unknown): string {
  if (a === null) return 'null';
  if (Array.isArray(a)) return 'an array with non-number elements';
  if (ArrayBuffer.isView(a)) return a.constructor.name;
  if (typeof a === 'object') return 'an object';
  return typeof a === 'string' ? `a string` : typeof a;
}
