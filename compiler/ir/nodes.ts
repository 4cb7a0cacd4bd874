// The IR: A-normal form over typed values with structured control flow.
// See compiler/ir/README.md for the invariants every pass may rely on.

/** Value types. `bool` is the result of comparisons and logic (i32 0/1 in Wasm). */
export type Type = 'f64' | 'i32' | 'bool' | 'f64[]';

export type Scalar = 'f64' | 'i32' | 'bool';

/** Operands are atoms: a variable or a literal. */
export type Atom = VarRef | Const;
export interface VarRef { kind: 'var'; name: string }
export interface Const { kind: 'const'; value: number; type: Scalar }

/** A source position (1-based line, 0-based column) in the user's text. */
export interface Loc { line: number; column: number }

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '**'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&&' | '||';

export type UnaryOp = 'neg' | 'not' | 'toInt';

/** One operation; every operand is an atom. */
export type Expr =
  | { kind: 'atom'; value: Atom }
  | { kind: 'unary'; op: UnaryOp; arg: Atom }
  | { kind: 'binary'; op: BinaryOp; left: Atom; right: Atom }
  /** A primitive from the rule table (`Math.sin`, `np.dot`, ...). */
  | { kind: 'prim'; name: string; args: Atom[] }
  /** A call of a function of the module (user helper or generated derivative). */
  | { kind: 'call'; callee: string; args: Atom[] }
  | { kind: 'load'; array: string; index: Atom }
  | { kind: 'length'; array: string }
  /** `new Float64Array(length)`, zero-filled. */
  | { kind: 'alloc'; length: Atom }
  /** Pops the value pushed by the `push` with the same slot. */
  | { kind: 'pop'; tape: TapeKind; slot: number };

/** f64 values; i32 counters, indices and flags; references to arrays (an array allocated in a loop). */
export type TapeKind = 'f64' | 'i32' | 'f64[]';

export type Stmt =
  /**
   * `target = expr`. The first assignment of a name declares it. `src` is the
   * user's statement it came from (for `// grad of:` comments). `hook` (on a
   * copy `y = x` only) names a function the adjoint passes through on its way
   * back: `dx += hook(dy, x)` (gradient surgery, `adjointHook`).
   */
  | { kind: 'assign'; target: string; expr: Expr; loc?: Loc; src?: string; hook?: string }
  /** Several results from one call (`[a, b] = g(...)`). */
  | { kind: 'multi'; targets: string[]; callee: string; args: Atom[]; loc?: Loc }
  /** `array[index] = value` or `array[index] += value`. */
  | { kind: 'store'; array: string; index: Atom; value: Atom; accumulate: boolean; loc?: Loc; src?: string }
  | { kind: 'if'; cond: Atom; then: Stmt[]; else: Stmt[]; loc?: Loc }
  /**
   * A counted loop `for (let index = start; index < end; index++)`.
   * `index` is i32, assigned only by the loop; `start` and `end` are not
   * assigned in the body. step +1 runs while `index < end` (`<=` if
   * inclusive), step -1 while `index > end` (`>=` if inclusive).
   * `mirror` marks an adjoint loop: it runs backwards only to mirror its
   * primal, so it may run forwards where its iterations are independent
   * (opt/loop-order.ts), its sums then added up in the other order.
   */
  | { kind: 'for'; index: string; start: Atom; end: Atom; step: 1 | -1; inclusive: boolean; body: Stmt[]; loc?: Loc; mirror?: boolean }
  /**
   * The general loop: each iteration runs `test`, leaves if `cond` is false,
   * runs `body`, then `update` (where `continue` lands).
   */
  | { kind: 'while'; test: Stmt[]; cond: Atom; body: Stmt[]; update: Stmt[]; loc?: Loc }
  | { kind: 'break'; loc?: Loc }
  | { kind: 'continue'; loc?: Loc }
  | { kind: 'return'; values: Atom[]; loc?: Loc }
  | { kind: 'push'; tape: TapeKind; value: Atom; slot: number }
  | { kind: 'comment'; text: string };

export interface Param { name: string; type: Type }

export interface IrFunction {
  name: string;
  params: Param[];
  /** Result types; length 1 for functions written by users. */
  results: Type[];
  body: Stmt[];
  /** Every variable of the function (parameters included) and its type. */
  vars: Map<string, Type>;
  /** A user-supplied derivative: IR names of the functions giving ∂out/∂paramᵢ from (params…, out). */
  custom?: { partials: string[] };
  /** Names that came from the user (or are adjoints/tangents of those): kept visible by the emitters. */
  named?: Set<string>;
  /** What this function was made from, for comments and diagnostics. */
  origin?: { kind: 'source' | 'vjp' | 'jvp'; of?: string };
  /** The user's text that statement `loc`s refer to (for source maps), and a name for it. */
  source?: { name: string; text: string };
}

/** A set of functions; `entry` is the one the runtime calls. */
export interface IrModule {
  functions: IrFunction[];
  entry: string;
}

export const v = (name: string): VarRef => ({ kind: 'var', name });
export const f64 = (value: number): Const => ({ kind: 'const', value, type: 'f64' });
export const i32 = (value: number): Const => ({ kind: 'const', value, type: 'i32' });
export const bool = (value: boolean): Const => ({ kind: 'const', value: value ? 1 : 0, type: 'bool' });

export function isVar(a: Atom, name?: string): a is VarRef {
  return a.kind === 'var' && (name === undefined || a.name === name);
}

export function assertNever(x: never, what: string): never {
  throw new Error(`internal error: unhandled ${what}: ${JSON.stringify(x)}`);
}
