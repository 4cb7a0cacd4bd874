// the gradient (vjp) of `rosenbrock`, lowered to AssemblyScript by cotangent.
// Float64Arrays are addresses into linear memory (length in the 8 bytes before the data);
// loops marked "vectorised" run two elements at a time in f64x2 lanes.

// reverse mode (vjp) of `rosenbrock`
function drosenbrock_dx(x: usize): usize {
  // primal
  let x_len: i32 = lengthOf(x);
  // adjoint
  let dx: usize = alloc(x_len);
  let i_last: i32 = x_len - 2;
  // vectorised: f64x2, two iterations per step (element-wise stores); the scalar loop after it finishes the rest
  let i: i32 = 0;
  const c_x2 = f64x2.splat(100.0);
  const c_x2_2 = f64x2.splat(1.0);
  const c_x2_3 = f64x2.splat(2.0);
  let dx_carry = f64x2.splat(0.0); // what the last step adds at dx[step + 2]
  let dx_at: i32 = -1;
  for (; i + 1 <= i_last; i += 2) {
    let sum: i32 = i + 1;
    const x_sum_x2 = at2(x, sum);
    const x_i_x2 = at2(x, i);
    const prod_x2 = f64x2.mul(x_i_x2, x_i_x2);
    const t_x2 = f64x2.sub(x_sum_x2, prod_x2);
    const prod2_x2 = f64x2.mul(c_x2, t_x2);
    const diff_x2 = f64x2.sub(c_x2_2, x_i_x2);
    // grad of: s+=100*t*t+(1-x[i])**2
    const p_x2 = f64x2.mul(c_x2_3, diff_x2);
    const dx_i_x2 = f64x2.neg(p_x2);
    const dt_x2 = f64x2.add(prod2_x2, prod2_x2);
    // grad of: const t=x[i+1]-x[i]*x[i]
    const dprod_x2 = f64x2.neg(dt_x2);
    const dprod_x_i_x2 = f64x2.mul(dprod_x2, x_i_x2);
    const dx_add_x2 = f64x2.add(dx_i_x2, dprod_x_i_x2);
    const dx_add2_x2 = f64x2.add(dx_add_x2, dprod_x_i_x2);
    const dx_s0 = dx_add2_x2;
    const dx_s1 = dt_x2;
    accum2(dx, i, f64x2.add(dx_s0, v128.shuffle<f64>(dx_carry, dx_s1, 1, 2)));
    dx_carry = dx_s1;
    dx_at = i;
  }
  if (dx_at >= 0) accum(dx, dx_at + 2, f64x2.extract_lane(dx_carry, 1));
  for (; i <= i_last; i++) {
    let sum: i32 = i + 1;
    let x_sum: f64 = at(x, sum);
    let x_i: f64 = at(x, i);
    let prod: f64 = x_i * x_i;
    let t: f64 = x_sum - prod;
    let prod2: f64 = 100.0 * t;
    let diff: f64 = 1.0 - x_i;
    // grad of: s+=100*t*t+(1-x[i])**2
    let p: f64 = 2.0 * diff;
    let dx_i: f64 = -p;
    let dt: f64 = prod2 + prod2;
    // grad of: const t=x[i+1]-x[i]*x[i]
    let dprod: f64 = -dt;
    let dprod_x_i: f64 = dprod * x_i;
    let dx_add: f64 = dx_i + dprod_x_i;
    let dx_add2: f64 = dx_add + dprod_x_i;
    accum(dx, i, dx_add2);
    accum(dx, sum, dt);
  }
  return dx;
}

// The entry point the JS wrapper calls: resets the arena and the tapes, then runs the function.
export function ct_entry(ct_arena: usize, x: usize): usize {
  ct_begin(ct_arena);
  return drosenbrock_dx(x);
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

// `new Float64Array(n)`: zero-filled, in the arena, 16-aligned, length stored before the data.
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

// Two neighbouring elements as one f64x2 vector.
@inline function at2(a: usize, i: i32): v128 { return v128.load(a + (<usize>i << 3)); }
@inline function put2(a: usize, i: i32, v: v128): void { v128.store(a + (<usize>i << 3), v); }
@inline function accum2(a: usize, i: i32, v: v128): void {
  const p = a + (<usize>i << 3);
  v128.store(p, f64x2.add(v128.load(p), v));
}
