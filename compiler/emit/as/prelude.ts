// The runtime appended to every emitted module: linear-memory arrays, the
// per-call arena, the tape, and the few JS semantics AssemblyScript's own
// operators do not give. Only the parts a module uses are appended.
// The memory layout and the ABI are described in compiler/emit/as/README.md.
import { NP_HELPERS } from './np.js';

export type PreludePart =
  | 'arrays' | 'checked' | 'alloc' | 'allocOf' | 'tapeF' | 'tapeI' | 'simd' | 'simdChecked' | 'toInt32' | 'bounds' | 'startIndex' | 'tapeR' | 'divInt' | 'npHelpers';

const BASE = `
// The arena: \`new Float64Array(n)\` and tape storage, bump-allocated from
// \`ct_top\` and released all at once when the next call starts.
let ct_top: usize = 0;
// Why the last call trapped (1: bad array length, 2: out of memory, 3: fractional loop start,
// 4: a failed np shape check, ct_errArg = its message's index), read by the JS wrapper.
let ct_err: i32 = 0;
let ct_errArg: f64 = 0;

// Memory pages as of the last growth, so the JS side can tell cheaply that its views are stale.
const ct_state = memory.data(16, 16);

export function ct_heap_base(): usize { return __heap_base; }
export function ct_state_at(): usize { return ct_state; }
export function ct_error(): i32 { return ct_err; }
export function ct_error_arg(): f64 { return ct_errArg; }

function ct_fail(code: i32, arg: f64): void {
  ct_err = code;
  ct_errArg = arg;
  unreachable();
}

// Makes linear memory reach \`end\`, growing by at least half its size when it must.
function ct_reserve(end: u64): void {
  const have = <u64>memory.size() << 16;
  if (end <= have) return;
  if (end > 0xFFFF0000) ct_fail(2, <f64>end);
  const need = <i32>((end - have + 0xFFFF) >> 16);
  const more = max(need, memory.size() >> 1);
  if (memory.grow(more) < 0 && memory.grow(need) < 0) ct_fail(2, <f64>end);
  store<i32>(ct_state, memory.size());
}

// Raw arena bytes, 16-aligned, not cleared.
function ct_bytes(bytes: u64): usize {
  const p = (<u64>ct_top + 15) & ~(<u64>15);
  ct_reserve(p + bytes);
  ct_top = <usize>(p + bytes);
  return <usize>p;
}
`;

const PARTS: Record<PreludePart, { deps: PreludePart[]; text: string }> = {
  npHelpers: { deps: [], text: NP_HELPERS },
  arrays: {
    deps: [],
    text: `
// A Float64Array is the address of its first element; its length is the i32 8 bytes before it.
@inline function at(a: usize, i: i32): f64 { return load<f64>(a + (<usize>i << 3)); }
@inline function put(a: usize, i: i32, v: f64): void { store<f64>(a + (<usize>i << 3), v); }
@inline function accum(a: usize, i: i32, v: f64): void {
  const p = a + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + v);
}
@inline function lengthOf(a: usize): i32 { return load<i32>(a - 8); }
`,
  },
  checked: {
    deps: ['arrays'],
    text: `
// Accesses at an index not proven in range (n: the array's length). As with a Float64Array in JS,
// a read outside the array gives NaN (undefined in arithmetic) and a write there does nothing.
@inline function atc(a: usize, i: i32, n: i32): f64 { return <u32>i < <u32>n ? load<f64>(a + (<usize>i << 3)) : NaN; }
@inline function putc(a: usize, i: i32, n: i32, v: f64): void { if (<u32>i < <u32>n) store<f64>(a + (<usize>i << 3), v); }
@inline function accumc(a: usize, i: i32, n: i32, v: f64): void {
  if (<u32>i < <u32>n) {
    const p = a + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + v);
  }
}
// A length read once before a loop: 0 while the variable holds no array yet.
@inline function lengthOr0(a: usize): i32 { return a ? load<i32>(a - 8) : 0; }
`,
  },
  alloc: {
    deps: [],
    text: `
// \`new Float64Array(n)\`: zero-filled, in the arena, 16-aligned, length stored before the data.
function alloc(n: i32): usize {
  if (n < 0) ct_fail(1, <f64>n);
  const data = (<u64>ct_top + 23) & ~(<u64>15);
  const end = data + (<u64>n << 3);
  ct_reserve(end);
  store<i32>(<usize>data - 8, n);
  memory.fill(<usize>data, 0, <usize>n << 3);
  ct_top = <usize>end;
  return <usize>data;
}
`,
  },
  allocOf: {
    deps: ['alloc'],
    text: `
// \`new Float64Array(x)\` for a non-integer-typed length: truncated, NaN → 0, negative → RangeError.
function allocOf(x: f64): usize {
  if (x != x) return alloc(0);
  const n = trunc(x);
  if (n < 0) ct_fail(1, x);
  if (n > 536870911) ct_fail(2, x);
  return alloc(<i32>n);
}
`,
  },
  tapeF: {
    deps: [],
    text: `
// The f64 tape: a stack in the arena, moved to a region twice as large when full.
let tf_ptr: usize = 0;
let tf_end: usize = 0;
let tf_base: usize = 0;
@inline function pushF(v: f64): void {
  if (tf_ptr >= tf_end) tf_grow();
  store<f64>(tf_ptr, v);
  tf_ptr += 8;
}
@inline function popF(): f64 {
  tf_ptr -= 8;
  return load<f64>(tf_ptr);
}
function tf_grow(): void {
  const used = tf_ptr - tf_base;
  const cap = max<usize>(used << 1, 65536);
  const p = ct_bytes(<u64>cap);
  if (used) memory.copy(p, tf_base, used);
  tf_base = p;
  tf_ptr = p + used;
  tf_end = p + cap;
}
`,
  },
  tapeI: {
    deps: [],
    text: `
// The i32 tape, like the f64 one.
let ti_ptr: usize = 0;
let ti_end: usize = 0;
let ti_base: usize = 0;
@inline function pushI(v: i32): void {
  if (ti_ptr >= ti_end) ti_grow();
  store<i32>(ti_ptr, v);
  ti_ptr += 4;
}
@inline function popI(): i32 {
  ti_ptr -= 4;
  return load<i32>(ti_ptr);
}
function ti_grow(): void {
  const used = ti_ptr - ti_base;
  const cap = max<usize>(used << 1, 65536);
  const p = ct_bytes(<u64>cap);
  if (used) memory.copy(p, ti_base, used);
  ti_base = p;
  ti_ptr = p + used;
  ti_end = p + cap;
}
`,
  },
  tapeR: {
    deps: [],
    text: `
// The array tape: addresses of arrays a loop allocates anew on each iteration.
let tr_ptr: usize = 0;
let tr_end: usize = 0;
let tr_base: usize = 0;
@inline function pushR(v: usize): void {
  if (tr_ptr >= tr_end) tr_grow();
  store<usize>(tr_ptr, v);
  tr_ptr += 4;
}
@inline function popR(): usize {
  tr_ptr -= 4;
  return load<usize>(tr_ptr);
}
function tr_grow(): void {
  const used = tr_ptr - tr_base;
  const cap = max<usize>(used << 1, 16384);
  const p = ct_bytes(<u64>cap);
  if (used) memory.copy(p, tr_base, used);
  tr_base = p;
  tr_ptr = p + used;
  tr_end = p + cap;
}
`,
  },
  simd: {
    deps: [],
    text: `
// Two neighbouring elements as one f64x2 vector.
@inline function at2(a: usize, i: i32): v128 { return v128.load(a + (<usize>i << 3)); }
@inline function put2(a: usize, i: i32, v: v128): void { v128.store(a + (<usize>i << 3), v); }
@inline function accum2(a: usize, i: i32, v: v128): void {
  const p = a + (<usize>i << 3);
  v128.store(p, f64x2.add(v128.load(p), v));
}
`,
  },
  simdChecked: {
    deps: ['simd', 'checked'],
    text: `
// f64x2 accesses at lanes (i, i + 1) not proven in range: each lane outside the array reads NaN, writes nothing.
@inline function in2(i: i32, n: i32): bool { return <u64><u32>i + 1 < <u64><u32>n; }
@inline function at2c(a: usize, i: i32, n: i32): v128 {
  return in2(i, n) ? at2(a, i) : f64x2.replace_lane(f64x2.splat(atc(a, i, n)), 1, atc(a, i + 1, n));
}
@inline function put2c(a: usize, i: i32, n: i32, v: v128): void {
  if (in2(i, n)) put2(a, i, v);
  else { putc(a, i, n, f64x2.extract_lane(v, 0)); putc(a, i + 1, n, f64x2.extract_lane(v, 1)); }
}
@inline function accum2c(a: usize, i: i32, n: i32, v: v128): void {
  if (in2(i, n)) accum2(a, i, v);
  else { accumc(a, i, n, f64x2.extract_lane(v, 0)); accumc(a, i + 1, n, f64x2.extract_lane(v, 1)); }
}
`,
  },
  toInt32: {
    deps: [],
    text: `
// JS \`x | 0\`: truncation modulo 2^32 (AssemblyScript's <i32>x saturates instead).
function toInt32(x: f64): i32 {
  if (abs(x) < 2147483648.0) return <i32>x;
  if (!isFinite(x)) return 0;
  return <i32><i64>(x % 4294967296.0);
}
`,
  },
  divInt: {
    deps: [],
    text: `
// Integer division as JS computes \`(a / b) | 0\`: truncated, 0 when b is 0, and MIN_VALUE / -1 wraps.
@inline function divInt(a: i32, b: i32): i32 { return b == 0 ? 0 : b == -1 ? -a : a / b; }
`,
  },
  startIndex: {
    deps: [],
    text: `
// A loop index starting from an f64: JS would count from a fraction, an i32 cannot, so refuse (code 3).
function startIndex(x: f64): i32 {
  if (!(abs(x) < 2147483648.0) || trunc(x) != x) ct_fail(3, x);
  return <i32>x;
}
`,
  },
  bounds: {
    deps: [],
    text: `
// Loop bounds given as f64: i < upperBound(e) iterates exactly like JS's i < e (i <= e if inclusive).
function upperBound(e: f64, inclusive: bool): i32 {
  if (e != e) return i32.MIN_VALUE;
  const b = inclusive ? floor(e) + 1 : ceil(e);
  return b >= 2147483647.0 ? i32.MAX_VALUE : b <= -2147483648.0 ? i32.MIN_VALUE : <i32>b;
}
// i > lowerBound(e) iterates like JS's i > e (i >= e if inclusive).
function lowerBound(e: f64, inclusive: bool): i32 {
  if (e != e) return i32.MAX_VALUE;
  const b = inclusive ? ceil(e) - 1 : floor(e);
  return b >= 2147483647.0 ? i32.MAX_VALUE : b <= -2147483648.0 ? i32.MIN_VALUE : <i32>b;
}
`,
  },
};

/** The runtime text for the parts a module uses, plus `ct_begin`, which resets per-call state. */
export function prelude(used: Set<PreludePart>, resultSlots: number): string {
  const all = new Set<PreludePart>();
  const add = (p: PreludePart) => { if (all.has(p)) return; all.add(p); for (const d of PARTS[p].deps) add(d); };
  for (const p of used) add(p);
  const order: PreludePart[] = ['arrays', 'checked', 'alloc', 'allocOf', 'tapeF', 'tapeI', 'tapeR', 'simd', 'simdChecked', 'toInt32', 'divInt', 'startIndex', 'bounds', 'npHelpers'];
  const resets = ['ct_top = arena;', 'ct_err = 0;'];
  if (all.has('tapeF')) resets.push('tf_ptr = 0;', 'tf_end = 0;', 'tf_base = 0;');
  if (all.has('tapeI')) resets.push('ti_ptr = 0;', 'ti_end = 0;', 'ti_base = 0;');
  if (all.has('tapeR')) resets.push('tr_ptr = 0;', 'tr_end = 0;', 'tr_base = 0;');
  const begin = `
// Called by the entry wrapper: the arena starts at \`arena\` (after the copied-in arguments), tapes empty.
function ct_begin(arena: usize): void {
${resets.map((r) => `  ${r}`).join('\n')}
}
`;
  const results = resultSlots > 0 ? `
// Where the entry wrapper leaves several results for the JS side (8 bytes each).
const ct_out = memory.data(${8 * resultSlots}, 16);
export function ct_results(): usize { return ct_out; }
` : '';
  return [
    '// ---- cotangent runtime: arena, tape, arrays (compiler/emit/as/prelude.ts) ----',
    BASE.trimEnd(),
    begin.trimEnd(),
    results.trimEnd(),
    ...order.filter((p) => all.has(p)).map((p) => PARTS[p].text.trimEnd()),
  ].filter(Boolean).join('\n') + '\n';
}
