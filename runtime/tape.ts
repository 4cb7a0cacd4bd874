// The tape of the JS path: two typed stacks (f64 values, i32 counters and
// flags) that grow by doubling and are reused across calls, so a gradient
// allocates nothing per push in the steady state.

const F64_START = 1024, I32_START = 256;
/**
 * Stacks grown past these sizes (2 MB of f64, 1 MB of i32, 64 Ki array
 * references) are let go when a call ends: one huge call must not pin its tape
 * for as long as the derivative lives. Calls that fit keep reusing the buffers;
 * a bigger call grows them again by doubling, which costs a fraction of its
 * own pushes.
 */
const F64_KEEP = 1 << 18, I32_KEEP = 1 << 18, REFS_KEEP = 1 << 16;

export class Tape {
  private f = new Float64Array(F64_START);
  private i = new Int32Array(I32_START);
  top = 0;
  topInt = 0;

  push(x: number): void {
    if (this.top === this.f.length) {
      const g = new Float64Array(this.f.length * 2);
      g.set(this.f);
      this.f = g;
    }
    this.f[this.top++] = x;
  }

  pop(): number {
    return this.f[--this.top];
  }

  pushInt(x: number | boolean): void {
    if (this.topInt === this.i.length) {
      const g = new Int32Array(this.i.length * 2);
      g.set(this.i);
      this.i = g;
    }
    this.i[this.topInt++] = +x;
  }

  popInt(): number {
    return this.i[--this.topInt];
  }

  /** Arrays allocated inside loops, kept for the adjoint of their iteration. */
  private refs: Float64Array[] = [];
  topRef = 0;

  pushRef(a: Float64Array): void {
    this.refs[this.topRef++] = a;
  }

  popRef(): Float64Array {
    const a = this.refs[--this.topRef];
    // Dropped at once, so the tape never keeps an array alive past its adjoint.
    this.refs[this.topRef] = undefined as unknown as Float64Array;
    return a;
  }

  /** Bytes the tape holds now (for measuring). */
  get capacityBytes(): number {
    return this.f.byteLength + this.i.byteLength;
  }

  /**
   * Called when a call ends with the tape empty: lets go of stacks a big call
   * grew past their keep size. Three comparisons otherwise (no allocation).
   */
  trim(): void {
    if (this.f.length > F64_KEEP && this.top === 0) this.f = new Float64Array(F64_START);
    if (this.i.length > I32_KEEP && this.topInt === 0) this.i = new Int32Array(I32_START);
    if (this.refs.length > REFS_KEEP && this.topRef === 0) this.refs = [];
  }

  reset(): void {
    this.top = 0;
    this.topInt = 0;
    while (this.topRef > 0) this.refs[--this.topRef] = undefined as unknown as Float64Array;
    this.trim();
  }
}
