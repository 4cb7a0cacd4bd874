// `energy`, lowered to AssemblyScript by cotangent.
// Float64Arrays are addresses into linear memory (length in the 8 bytes before the data);
// loops marked "vectorised" run two elements at a time in f64x2 lanes.

function norm2(a: usize): f64 {
  let s: f64 = 0.0;
  let a_len: i32 = lengthOf(a);
  // vectorised: f64x2, two iterations per step (sum into `s`); the scalar loop after it finishes the rest
  let i: i32 = 0;
  let s_x2 = f64x2.splat(0.0);
  for (; i + 1 < a_len; i += 2) {
    const a_i_x2 = at2(a, i);
    const a_i2_x2 = at2(a, i);
    const s2_x2 = f64x2.mul(a_i_x2, a_i2_x2);
    s_x2 = f64x2.add(s_x2, s2_x2);
  }
  s = s + (f64x2.extract_lane(s_x2, 0) + f64x2.extract_lane(s_x2, 1));
  for (; i < a_len; i++) {
    let a_i: f64 = at(a, i);
    let a_i2: f64 = at(a, i);
    let s2: f64 = a_i * a_i2;
    s = s + s2;
  }
  return s;
}

function energy(x: usize, k: f64): f64 {
  let e: f64 = 0.0;
  let i: i32 = 0;
  while (true) {
    let x_len: i32 = lengthOf(x);
    let cond: bool = i < x_len;
    if (!cond) break;
    let x_i: f64 = at(x, i);
    let cond2: bool = x_i > 1.0;
    if (cond2) {
      i = i + 1;
      continue;
    }
    let x_i2: f64 = at(x, i);
    let sin_x_i2: f64 = Math.sin(x_i2);
    let e2: f64 = k * sin_x_i2;
    e = e + e2;
    i = i + 1;
  }
  let norm2_2: f64 = norm2(x);
  let quot: f64 = norm2_2 / 2.0;
  let sum: f64 = e + quot;
  return sum;
}

// The entry point the JS wrapper calls: resets the arena and the tapes, then runs the function.
export function ct_entry(ct_arena: usize, x: usize, k: f64): f64 {
  ct_begin(ct_arena);
  return energy(x, k);
}

// ---- cotangent runtime: arena, tape, arrays (compiler/emit/as/prelude.ts) ----

// The arena: `new Float64Array(n)` and tape storage, bump-allocated from
// `ct_top` and released all at once when the next call starts.
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

// Makes linear memory reach `end`, growing by at least half its size when it must.
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

// Called by the entry wrapper: the arena starts at `arena` (after the copied-in arguments), tapes empty.
function ct_begin(arena: usize): void {
  ct_top = arena;
  ct_err = 0;
}

// A Float64Array is the address of its first element; its length is the i32 8 bytes before it.
@inline function at(a: usize, i: i32): f64 { return load<f64>(a + (<usize>i << 3)); }
@inline function put(a: usize, i: i32, v: f64): void { store<f64>(a + (<usize>i << 3), v); }
@inline function accum(a: usize, i: i32, v: f64): void {
  const p = a + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + v);
}
@inline function lengthOf(a: usize): i32 { return load<i32>(a - 8); }

// Two neighbouring elements as one f64x2 vector.
@inline function at2(a: usize, i: i32): v128 { return v128.load(a + (<usize>i << 3)); }
@inline function put2(a: usize, i: i32, v: v128): void { v128.store(a + (<usize>i << 3), v); }
@inline function accum2(a: usize, i: i32, v: v128): void {
  const p = a + (<usize>i << 3);
  v128.store(p, f64x2.add(v128.load(p), v));
}
