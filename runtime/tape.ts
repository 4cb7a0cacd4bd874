// The tape of the JS path: two typed stacks (f64 values, i32 counters and
// flags) that grow by doubling and are reused across calls, so a gradient
// allocates nothing per push in the steady state.
export class Tape {
  private f = new Float64Array(1024);
  private i = new Int32Array(256);
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

  reset(): void {
    this.top = 0;
    this.topInt = 0;
    while (this.topRef > 0) this.refs[--this.topRef] = undefined as unknown as Float64Array;
  }
}
