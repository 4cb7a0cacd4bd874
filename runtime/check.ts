// Call-time argument checks: a TypeError that names the argument, before any
// generated code runs. number[] is accepted where a Float64Array is expected (copied).
import type { Param } from '../compiler/ir/nodes.js';

/** `like[i]` is the position of the argument whose length argument i must match (a tangent and its primal). */
export function checkArgs(fnName: string, params: Param[], args: unknown[], like: (number | undefined)[] = []): unknown[] {
  const all = params.map((p, i) => ({ name: p.name, type: p.type, like: like[i] }));
  if (args.length !== all.length) {
    throw new TypeError(`${fnName}: expected ${all.length} argument${all.length === 1 ? '' : 's'} (${all.map((p) => p.name).join(', ')}), got ${args.length}`);
  }
  return all.map((p, i) => {
    const a = args[i];
    const what = `${fnName}: argument ${i + 1} (\`${p.name}\`)`;
    if (p.type === 'f64[]') {
      let arr: Float64Array;
      if (a instanceof Float64Array) arr = a;
      else if (Array.isArray(a) && a.every((x) => typeof x === 'number')) arr = Float64Array.from(a as number[]);
      else throw new TypeError(`${what} must be a Float64Array (or number[]), got ${describe(a)}`);
      if (p.like !== undefined) {
        const want = (args[p.like] as { length: number }).length;
        if (arr.length !== want) throw new TypeError(`${what} must have length ${want} like \`${all[p.like].name}\`, got ${arr.length}`);
      }
      return arr;
    }
    if (typeof a !== 'number') throw new TypeError(`${what} must be a number, got ${describe(a)}`);
    if (p.type === 'i32' && !Number.isInteger(a)) throw new TypeError(`${what} is used as an integer (index or size), got ${a}`);
    return a;
  });
}

function describe(a: unknown): string {
  if (a === null) return 'null';
  if (Array.isArray(a)) return 'an array with non-number elements';
  if (ArrayBuffer.isView(a)) return a.constructor.name;
  if (typeof a === 'object') return 'an object';
  return typeof a === 'string' ? `a string` : typeof a;
}
