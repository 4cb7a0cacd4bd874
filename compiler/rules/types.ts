// The shape of a derivative rule. Each primitive is one entry in the table
// (compiler/rules/index.ts); reverse and forward mode are derived from it.

/** Where the table-driven tests sample an argument: away from kinks and domain edges. */
export type Domain = 'any' | 'positive' | 'unit' | 'gt1' | 'nonzero';

export interface ScalarRule {
  /** How the user writes it: `Math.sin`, or a binary operator such as `*`. */
  name: string;
  /** Names of the arguments inside the templates (`x`, or `a`, `b`). */
  args: string[];
  /**
   * ∂out/∂arg for each argument, as a JS expression over the arguments and
   * `out` (the primal result). `'1'` and `'-1'` become plain additions and
   * subtractions; `'0'` means the argument gets no derivative.
   */
  partials?: string[];
  /**
   * For what partials cannot say: the adjoint as statements (`da += dout`,
   * over `a`, `b`, `out`, `dout`) and the tangent as an expression (over the
   * arguments, `out`, and their tangents `ta`, `tb`).
   */
  reverse?: string;
  forward?: string;
  /**
   * Takes any number of arguments (two or more), each treated alike: every
   * argument's partial is the first one's, with that argument in its place.
   */
  variadic?: boolean;
  /** Per-argument sampling domain for the table-driven tests. */
  domain: Domain[];
  /** The convention at kinks and edges, stated where the rule is. */
  note?: string;
  /** The primal in JavaScript and in AssemblyScript. */
  js: string;
  as: string;
}
