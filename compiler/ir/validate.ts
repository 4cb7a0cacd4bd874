// The IR validator: checks the invariants of compiler/ir/README.md on one
// function. Run between optimisation passes in tests and debug runs
// (COTANGENT_VALIDATE=1); a failure names the pass and prints the IR from
// before it, so the faulty rewrite is visible.
//
// Checks: every variable read is defined on every path before the read
// (parameters are defined on entry; a loop body may not rely on its own
// earlier iterations); every name is in fn.vars and its uses agree with its
// type; literals are well formed; `break`/`continue` sit inside loops;
// returns have the function's arity; a counted loop's index and bounds
// are not assigned in its body; every `pop` has a `push` of the same
// slot and tape kind.
import { assertNever, type Atom, type Expr, type IrFunction, type IrModule, type Stmt, type Type } from './nodes.js';
import { printFunction } from './print.js';
import { assignedIn, forEachStmt } from './walk.js';

/**
 * Names defined on every path, plus what is defined on every path on which a
 * condition variable was true (or false): reverse mode saves a value in
 * `if c { ... }` and restores it in a later `if c { ... }` on the same c.
 */
class Defs {
  constructor(readonly names = new Set<string>(), readonly when = new Map<string, [Set<string>, Set<string>]>()) {}
  clone(): Defs {
    return new Defs(new Set(this.names), new Map([...this.when].map(([c, [t, e]]) => [c, [new Set(t), new Set(e)]])));
  }
  has(n: string): boolean { return this.names.has(n); }
  add(n: string): void { this.names.add(n); this.when.delete(n); }
  forget(conds: Set<string>): void { for (const c of conds) this.when.delete(c); }
  /** The state at the start of a branch of `if c`. */
  branch(c: Atom, which: 0 | 1): Defs {
    const d = this.clone();
    const w = c.kind === 'var' ? this.when.get(c.name) : undefined;
    if (w) for (const n of w[which]) d.names.add(n);
    return d;
  }
}
type Defined = Defs | null; // null: unreachable (after break, continue or return)

const numeric = (t: Type | undefined) => t === 'f64' || t === 'i32';
const ARITH = new Set(['+', '-', '*', '/', '%', '**']);
const ORDER = new Set(['<', '<=', '>', '>=']);

type Got = Type | 'any' | 'numeric' | 'i32-or-bool';

/** The problems found in a function; empty if it is valid. */
export function validate(fn: IrFunction, module?: IrModule, hooks: Hooks = {}): string[] {
  return new Validator(fn, module, hooks).run();
}

interface Hooks { undefinedRead?: (name: string) => void }

class Validator {
  readonly problems: string[] = [];
  constructor(readonly fn: IrFunction, readonly module: IrModule | undefined, readonly hooks: Hooks) {}

  run(): string[] {
    const { fn } = this;
    for (const p of fn.params) {
      if (fn.vars.get(p.name) !== p.type) this.bad(`parameter \`${p.name}\` has type ${p.type} but vars says ${fn.vars.get(p.name)}`);
    }
    this.block(fn.body, new Defs(new Set(fn.params.map((p) => p.name))), false);
    checkTape(fn, (m) => this.bad(m));
    return this.problems;
  }

  bad(msg: string): void { this.problems.push(msg); }

  typeOf(a: Atom): Type | undefined {
    if (a.kind === 'const') return a.type;
    const t = this.fn.vars.get(a.name);
    if (!t) this.bad(`\`${a.name}\` is not declared in vars`);
    return t;
  }

  checkConst(a: Atom): void {
    if (a.kind !== 'const') return;
    if (a.type === 'i32' && !(Number.isInteger(a.value) && a.value === (a.value | 0))) this.bad(`the i32 literal ${a.value} is not a 32-bit integer`);
    if (a.type === 'bool' && a.value !== 0 && a.value !== 1) this.bad(`the bool literal ${a.value} is not 0 or 1`);
    if (!['f64', 'i32', 'bool'].includes(a.type)) this.bad('a literal has no scalar type');
  }

  read(a: Atom, d: Defined, where: string): void {
    this.checkConst(a);
    if (a.kind === 'var' && d && !d.has(a.name)) {
      this.bad(`\`${a.name}\` is read in ${where} before it is defined on every path`);
      this.hooks.undefinedRead?.(a.name);
    }
  }

  readArray(name: string, d: Defined, where: string): void {
    const t = this.fn.vars.get(name);
    if (t !== 'f64[]') this.bad(`\`${name}\` is used as an array in ${where} but has type ${t}`);
    this.read({ kind: 'var', name }, d, where);
  }

  want(a: Atom, ok: (t: Type | undefined) => boolean, what: string, where: string): void {
    const t = this.typeOf(a);
    if (!ok(t)) this.bad(`${what} in ${where} has type ${t}`);
  }

  /** The type an expression produces ('numeric': i32 or f64, as the target wants). */
  exprType(e: Expr, d: Defined, where: string): Got {
    for (const a of exprAtomsOf(e)) this.read(a, d, where);
    switch (e.kind) {
      case 'atom': return this.typeOf(e.value) ?? 'any';
      case 'unary':
        if (e.op === 'not') { this.want(e.arg, (t) => t === 'bool', 'the operand of !', where); return 'bool'; }
        this.want(e.arg, numeric, `the operand of ${e.op}`, where);
        return e.op === 'toInt' ? 'i32' : this.typeOf(e.arg) === 'i32' ? 'numeric' : 'f64';
      case 'binary': return this.binaryType(e, where);
      case 'prim':
        if (e.name.startsWith('Math.')) { for (const a of e.args) this.want(a, numeric, `an argument of ${e.name}`, where); return 'f64'; }
        return 'any';
      case 'call': return this.callType(e, where);
      case 'load': this.readArray(e.array, d, where); this.want(e.index, (t) => t === 'i32', 'the index', where); return 'f64';
      case 'length': this.readArray(e.array, d, where); return 'numeric';
      case 'alloc': this.want(e.length, (t) => t === 'i32', 'the length of alloc', where); return 'f64[]';
      case 'pop': return e.tape === 'i32' ? 'i32-or-bool' : e.tape;
      default: return assertNever(e, 'expression');
    }
  }

  binaryType(e: Extract<Expr, { kind: 'binary' }>, where: string): Got {
    const [l, r] = [this.typeOf(e.left), this.typeOf(e.right)];
    if (e.op === '&&' || e.op === '||') {
      if (l !== 'bool' || r !== 'bool') this.bad(`the operands of ${e.op} in ${where} are ${l} and ${r}, not bool`);
      return 'bool';
    }
    if (e.op === '==' || e.op === '!=') {
      if ((l === 'bool') !== (r === 'bool') || l === 'f64[]' || r === 'f64[]') this.bad(`${l} ${e.op} ${r} in ${where}`);
      return 'bool';
    }
    if (!numeric(l) || !numeric(r)) this.bad(`the operands of ${e.op} in ${where} are ${l} and ${r}`);
    if (ORDER.has(e.op)) return 'bool';
    // Between integers, + - * % stay integers, and / assigned to an i32 truncates.
    if (ARITH.has(e.op) && e.op !== '**' && l === 'i32' && r === 'i32') return 'numeric';
    return 'f64';
  }

  callType(e: Extract<Expr, { kind: 'call' }>, where: string): Got {
    const callee = this.module?.functions.find((f) => f.name === e.callee);
    if (this.module && !callee) this.bad(`${where} calls \`${e.callee}\`, which is not in the module`);
    if (!callee) return 'any';
    if (callee.params.length !== e.args.length) this.bad(`${where} passes ${e.args.length} arguments to \`${e.callee}\`, which takes ${callee.params.length}`);
    callee.params.forEach((p, i) => e.args[i] && this.want(e.args[i], (t) => assignable(p.type, t), `argument ${i + 1} of ${e.callee}`, where));
    return callee.results[0] ?? 'any';
  }

  target(name: string, got: Got, where: string): void {
    const t = this.fn.vars.get(name);
    if (!t) { this.bad(`\`${name}\` is assigned in ${where} but not declared in vars`); return; }
    if (got === 'any') return;
    const ok = got === 'i32-or-bool' ? numeric(t) || t === 'bool' : got === 'numeric' ? numeric(t) : assignable(t, got);
    if (!ok) this.bad(`${where} assigns a ${got} to \`${name}\`: ${t}`);
  }

  block(body: Stmt[], d: Defined, loop: boolean): Defined {
    for (const s of body) d = this.stmt(s, d, loop);
    return d;
  }

  stmt(s: Stmt, d: Defined, loop: boolean): Defined {
    const where = describe(s);
    const { fn } = this;
    switch (s.kind) {
      case 'assign': this.target(s.target, this.exprType(s.expr, d, where), where); d?.add(s.target); return d;
      case 'multi':
        for (const a of s.args) this.read(a, d, where);
        for (const t of s.targets) {
          if (!fn.vars.has(t)) this.bad(`\`${t}\` is assigned in ${where} but not declared in vars`);
          d?.add(t);
        }
        return d;
      case 'store':
        this.readArray(s.array, d, where); this.read(s.index, d, where); this.read(s.value, d, where);
        // User functions may not write their arguments; generated VJPs accumulate into their array adjoints.
        if (fn.origin?.kind === 'source' && fn.params.some((p) => p.name === s.array)) this.bad(`${where} writes the argument array \`${s.array}\``);
        this.want(s.index, (t) => t === 'i32', 'the index', where);
        this.want(s.value, numeric, 'the stored value', where);
        return d;
      case 'if': return this.ifStmt(s, d, loop, where);
      case 'for': return this.forStmt(s, d, where);
      case 'while': return this.whileStmt(s, d, where);
      case 'break': case 'continue':
        if (!loop) this.bad(`\`${s.kind}\` outside a loop`);
        return null;
      case 'return':
        for (const a of s.values) this.read(a, d, where);
        if (s.values.length !== fn.results.length) this.bad(`${where} returns ${s.values.length} values; the function has ${fn.results.length} results`);
        s.values.forEach((a, i) => fn.results[i] && this.want(a, (t) => assignable(fn.results[i], t), `result ${i + 1}`, where));
        return null;
      case 'push':
        this.read(s.value, d, where);
        this.want(s.value, (t) => (s.tape === 'i32' ? t === 'i32' || t === 'bool' : s.tape === 'f64[]' ? t === 'f64[]' : numeric(t)), 'the pushed value', where);
        return d;
      case 'comment': return d;
      default: return assertNever(s, 'statement');
    }
  }

  ifStmt(s: Extract<Stmt, { kind: 'if' }>, d: Defined, loop: boolean, where: string): Defined {
    this.read(s.cond, d, where);
    this.want(s.cond, (t) => t === 'bool', 'the condition', where);
    if (!d) { this.block(s.then, null, loop); this.block(s.else, null, loop); return null; }
    const a = this.block(s.then, d.branch(s.cond, 0), loop), b = this.block(s.else, d.branch(s.cond, 1), loop);
    const changed = assignedIn([...s.then, ...s.else]);
    const out = d.clone();
    out.forget(changed);
    for (const n of a && b ? [...a.names].filter((x) => b.has(x)) : (a ?? b)?.names ?? []) out.names.add(n);
    // What only one branch defined stays known under the same condition, for a later `if` on it.
    if (s.cond.kind === 'var' && !changed.has(s.cond.name)) {
      const w = out.when.get(s.cond.name) ?? [new Set<string>(), new Set<string>()];
      for (const n of a?.names ?? []) if (!out.has(n)) w[0].add(n);
      for (const n of b?.names ?? []) if (!out.has(n)) w[1].add(n);
      out.when.set(s.cond.name, w);
    }
    return a || b ? out : null;
  }

  forStmt(s: Extract<Stmt, { kind: 'for' }>, d: Defined, where: string): Defined {
    this.read(s.start, d, where); this.read(s.end, d, where);
    this.want(s.start, numeric, 'the start', where); this.want(s.end, numeric, 'the bound', where);
    if (!numeric(this.fn.vars.get(s.index))) this.bad(`the loop index \`${s.index}\` has type ${this.fn.vars.get(s.index)}`);
    const changed = assignedIn(s.body);
    for (const a of [s.start, s.end, { kind: 'var', name: s.index } as Atom]) {
      if (a.kind === 'var' && changed.has(a.name)) this.bad(`\`${a.name}\` is assigned in the body of ${where}, which it controls`);
    }
    const inner = d && d.clone();
    inner?.forget(changed);
    inner?.add(s.index);
    this.block(s.body, inner, true);
    return d;
  }

  whileStmt(s: Extract<Stmt, { kind: 'while' }>, d: Defined, where: string): Defined {
    const entry = d && d.clone();
    entry?.forget(assignedIn([...s.test, ...s.body, ...s.update]));
    const afterTest = this.block(s.test, entry, true);
    this.read(s.cond, afterTest, where);
    this.want(s.cond, (t) => t === 'bool', 'the condition', where);
    this.block(s.body, afterTest && afterTest.clone(), true);
    // `continue` reaches update from anywhere in the body: only what the test defined is sure.
    this.block(s.update, afterTest && afterTest.clone(), true);
    return afterTest;
  }
}

/** Names read somewhere before they are defined on every path. */
export function maybeUndefined(fn: IrFunction): Set<string> {
  const out = new Set<string>();
  validate(fn, undefined, { undefinedRead: (n) => out.add(n) });
  return out;
}

/** A value of type `got` may be stored in a variable of type `to` (i32 widens to f64). */
function assignable(to: Type, got: Type | undefined): boolean {
  return got === to || (to === 'f64' && got === 'i32');
}

function checkTape(fn: IrFunction, bad: (m: string) => void): void {
  const pushes = new Map<number, string>();
  forEachStmt(fn.body, (s) => { if (s.kind === 'push') pushes.set(s.slot, s.tape); });
  forEachStmt(fn.body, (s) => {
    if (s.kind !== 'assign' || s.expr.kind !== 'pop') return;
    const tape = pushes.get(s.expr.slot);
    if (tape === undefined) bad(`\`${s.target} = pop #${s.expr.slot}\` has no push of slot #${s.expr.slot}`);
    else if (tape !== s.expr.tape) bad(`pop #${s.expr.slot} reads the ${s.expr.tape} tape but its push writes the ${tape} tape`);
  });
}

function exprAtomsOf(e: Expr): Atom[] {
  switch (e.kind) {
    case 'atom': return [e.value];
    case 'unary': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'prim': case 'call': return e.args;
    case 'load': return [e.index];
    case 'alloc': return [e.length];
    default: return [];
  }
}

function describe(s: Stmt): string {
  switch (s.kind) {
    case 'assign': return `\`${s.target} = …\``;
    case 'multi': return `\`[${s.targets.join(', ')}] = call ${s.callee}(…)\``;
    case 'store': return `\`${s.array}[…] = …\``;
    case 'for': return `\`for ${s.index}\``;
    default: return `\`${s.kind}\``;
  }
}

/** Throws if `fn` is invalid, naming the pass that produced it and printing the IR from before that pass. */
export function assertValid(fn: IrFunction, pass: string, before?: IrFunction, module?: IrModule, known?: ReadonlySet<string>): void {
  const problems = validate(fn, module).filter((p) => !known?.has(p));
  if (!problems.length) return;
  const lines = [
    `invalid IR in \`${fn.name}\` after ${pass}:`,
    ...problems.map((p) => `  - ${p}`),
    ...(before ? [`IR before ${pass}:`, printFunction(before)] : []),
    `IR after ${pass}:`, printFunction(fn),
  ];
  throw new Error(lines.join('\n'));
}
