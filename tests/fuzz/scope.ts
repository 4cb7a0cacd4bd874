// What is in scope while a random function is printed: its parameters, the
// locals of the enclosing blocks, the loop indices, the helpers it may call.
// References from the tree (`r`) are resolved here, modulo what is visible.
import type { Helper } from './ast.js';

export interface Scalar { name: string; mag: number; mutable: boolean }
export interface ArrayVar { name: string; len?: number; local: boolean; mag: number }
export interface IndexVar { name: string; bound?: number; array?: string }

interface Frame { scalars: Scalar[]; arrays: ArrayVar[]; indices: IndexVar[] }

/**
 * Names for locals and parameters. Mode 0 reads like ordinary code; the other
 * modes draw from the names cotangent's generated code itself uses (adjoints
 * `dx`, tangents `tx`, temporaries `sum`, `x_i`, counters `iters` ...) and
 * from AssemblyScript keywords and types, to check that generated names never
 * capture or shadow user names: `tape` (the runtime tape's name) and
 * `vjp_h0` / `jvp_h0` / `jvp_vjp_h0` (the generated derivatives of helper `h0`)
 * among them.
 */
const POOLS = {
  plain: {
    num: ['a', 'b', 'c'], arr: ['x', 'y'], int: ['n'],
    local: ['s', 'u', 'v', 'acc', 'p', 'q', 'r', 'z'], array: ['buf', 'tmp', 'w', 'z'], index: ['i', 'j', 'k', 'm'],
  },
  clash: {
    num: ['a', 'dx', 't', 'da', 'result', 'dresult', 'f64', 'tx', 'tape', 'vjp_h0'],
    arr: ['x', 'dx', 'd', 'x_i', 'load', 'tdx', 'tape', 'jvp_h1'],
    int: ['n', 'len', 'iters', 'i32'],
    local: ['dx', 'da', 't', 'x_i', 'result', 'iters', 'more', 'dresult', 'sum', 'prod', 'quot', 'diff', 'choice',
      'both', 'either', 'stop', 'nonzero', 'cond', 'int', 'x_len', 'x_saved', 'x_old', 'hooked', 'tx', 'tdx', 'ta',
      'f64', 'i32', 'v128', 'load', 'store', 'unchecked', 'select', 'memory', 'heap', 'sizeof', 'dprod', 'da_h',
      'neg_a', 'sin_s', 'x_0', 'arr', 'len', 't1', 't2', 'out', 'dout', 'ty', 'pow', 'rem', 'dsum', 'tsum',
      'tape', 'vjp_h0', 'jvp_h0', 'vjp_h1', 'jvp_vjp_h0', 'df_da', 'jvp_f', 'hvp_f'],
    array: ['dx', 'tx', 'arr', 'x_saved', 'tmp', 'dz', 'd', 'store', 'f64', 'dbuf', 'x_old', 'tape', 'jvp_h0'],
    index: ['i', 'j', 't', 'd', 'k_1', 'dx_i', 'i32', 'iters', 'step', 'tape', 'vjp_h1'],
  },
};

/** Every name the printer itself relies on (callees and globals, `np` for cotangent/np). */
const GLOBAL = ['Math', 'Float64Array', 'np', 'f', 'h0', 'h1', 'h2', 'h3'];

export interface Fn {
  /** The helpers this function may call (by index: `h0`, `h1`, ...). */
  readonly helpers: Helper[];
  /** Known bugs the printer keeps away from (print.ts KNOWN_BUGS). */
  readonly avoid: ReadonlySet<string>;
  /** The value of the integer parameter, when the function has one. */
  n?: number;
  /** The integer parameter's name. */
  intParam?: string;
  loops: { kind: 'for' | 'while' | 'do' }[];
  push(): void;
  pop(): void;
  param(kind: 'num' | 'arr' | 'int', mag?: number, len?: number): string;
  declareScalar(seed: number, mutable: boolean, mag: number): string;
  declareArray(seed: number, len?: number): string;
  declareIndex(seed: number, bound?: number, array?: string): string;
  declareCounter(seed: number, n: number): string;
  pickScalar(r: number): Scalar | undefined;
  pickMutable(r: number): Scalar | undefined;
  pickArray(r: number): ArrayVar | undefined;
  pickLocalArray(r: number): ArrayVar | undefined;
  pickIndex(r: number): IndexVar | undefined;
  innermostLoop(): { kind: string } | undefined;
}

export function scope(names: number, reserved: string[], helpers: Helper[], n: number | undefined, avoid: ReadonlySet<string> = new Set()): Fn {
  const pool = names === 0 ? POOLS.plain : POOLS.clash;
  const used = new Set([...GLOBAL, ...reserved]);
  const frames: Frame[] = [{ scalars: [], arrays: [], indices: [] }];
  const top = () => frames[frames.length - 1];
  const all = <K extends keyof Frame>(k: K): Frame[K] => frames.flatMap((f) => f[k] as unknown[]) as Frame[K];
  const fresh = (list: string[], seed: number) => {
    const base = list[seed % list.length];
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}${/\d$/.test(base) ? '_' : ''}${k}`;
    used.add(name);
    return name;
  };
  let params = 0;
  const fn: Fn = {
    helpers,
    avoid,
    n: n && n > 0 ? n : undefined,
    loops: [],
    push: () => { frames.push({ scalars: [], arrays: [], indices: [] }); },
    pop: () => { frames.pop(); },
    param(kind, mag = 1.5, len) {
      const seed = names === 0 ? params : params * 3 + names;
      params++;
      const name = fresh(pool[kind], seed);
      if (kind === 'num') top().scalars.push({ name, mag, mutable: !avoid.has('param-assign') });
      else if (kind === 'arr') top().arrays.push({ name, len, local: false, mag: 1.5 });
      else fn.intParam = name;
      return name;
    },
    declareScalar(seed, mutable, mag) {
      const name = fresh(pool.local, seed);
      top().scalars.push({ name, mag: mutable ? Math.max(mag, 6) : mag, mutable });
      return name;
    },
    declareArray(seed, len) {
      const name = fresh(pool.array, seed);
      top().arrays.push({ name, len, local: true, mag: 6 });
      return name;
    },
    declareIndex(seed, bound, array) {
      const name = fresh(pool.index, seed);
      top().indices.push({ name, bound, array });
      return name;
    },
    declareCounter(seed, count) {
      const name = fresh(pool.index, seed + 1);
      top().indices.push({ name, bound: count + 1 });
      return name;
    },
    pickScalar: (r) => pick(all('scalars'), r),
    pickMutable: (r) => pick(all('scalars').filter((s) => s.mutable), r),
    pickArray: (r) => pick(all('arrays'), r),
    pickLocalArray: (r) => pick(all('arrays').filter((a) => a.local), r),
    pickIndex: (r) => pick(all('indices').slice().reverse(), r),
    innermostLoop: () => fn.loops[fn.loops.length - 1],
  };
  return fn;
}

function pick<T>(list: T[], r: number): T | undefined {
  return list.length ? list[r % list.length] : undefined;
}
