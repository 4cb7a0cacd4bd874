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

/** The problems found in a function; empty if it is valid. */
export function validate(fn: IrFunction, module?: IrModule, hooks: { undefinedRead?: (name: string) => void } = {}): string[] {
  const problems: string[] = [];
  const bad = (msg: string) => problems.push(msg);
  const typeOf = (a: Atom): Type | undefined => {
    if (a.kind === 'const') return a.type;
    const t = fn.vars.get(a.name);
    if (!t) bad(`\`${a.name}\` is not declared in vars`);
    return t;
  };
  for (const p of fn.params) if (fn.vars.get(p.name) !== p.type) bad(`parameter \`${p.name}\` has type ${p.type} but vars says ${fn.vars.get(p.name)}`);

  const checkConst = (a: Atom) => {
    if (a.kind !== 'const') return;
    if (a.type === 'i32' && !(Number.isInteger(a.value) && a.value === (a.value | 0))) bad(`the i32 literal ${a.value} is not a 32-bit integer`);
    if (a.type === 'bool' && a.value !== 0 && a.value !== 1) bad(`the bool literal ${a.value} is not 0 or 1`);
    if (!['f64', 'i32', 'bool'].includes(a.type)) bad(`a literal has no scalar type`);
  };
  const read = (a: Atom, d: Defined, where: string) => {
    checkConst(a);
    if (a.kind === 'var' && d && !d.has(a.name)) {
      bad(`\`${a.name}\` is read in ${where} before it is defined on every path`);
      hooks.undefinedRead?.(a.name);
    }
  };
  const readArray = (name: string, d: Defined, where: string) => {
    if (fn.vars.get(name) !== 'f64[]') bad(`\`${name}\` is used as an array in ${where} but has type ${fn.vars.get(name)}`);
    read({ kind: 'var', name }, d, where);
  };
  const want = (a: Atom, ok: (t: Type | undefined) => boolean, what: string, where: string) => {
    const t = typeOf(a);
    if (!ok(t)) bad(`${what} in ${where} has type ${t}`);
  };

  const exprType = (e: Expr, d: Defined, where: string): Type | 'any' | 'numeric' | 'i32-or-bool' => {
    for (const a of exprAtomsOf(e)) read(a, d, where);
    switch (e.kind) {
      case 'atom': return typeOf(e.value) ?? 'any';
      case 'unary':
        if (e.op === 'not') { want(e.arg, (t) => t === 'bool', 'the operand of !', where); return 'bool'; }
        want(e.arg, numeric, `the operand of ${e.op}`, where);
        return e.op === 'toInt' ? 'i32' : typeOf(e.arg) === 'i32' ? 'numeric' : 'f64';
      case 'binary': {
        const [l, r] = [typeOf(e.left), typeOf(e.right)];
        if (e.op === '&&' || e.op === '||') {
          if (l !== 'bool' || r !== 'bool') bad(`the operands of ${e.op} in ${where} are ${l} and ${r}, not bool`);
          return 'bool';
        }
        if (e.op === '==' || e.op === '!=') {
          if ((l === 'bool') !== (r === 'bool') || l === 'f64[]' || r === 'f64[]') bad(`${l} ${e.op} ${r} in ${where}`);
          return 'bool';
        }
        if (!numeric(l) || !numeric(r)) bad(`the operands of ${e.op} in ${where} are ${l} and ${r}`);
        if (ORDER.has(e.op)) return 'bool';
        if (ARITH.has(e.op) && e.op !== '/' && e.op !== '**' && l === 'i32' && r === 'i32') return 'numeric';
        return 'f64';
      }
      case 'prim':
        if (e.name.startsWith('Math.')) { for (const a of e.args) want(a, numeric, `an argument of ${e.name}`, where); return 'f64'; }
        for (const a of e.args) if (a.kind === 'var' && fn.vars.get(a.name) === 'f64[]') read(a, d, where);
        return 'any';
      case 'call': {
        const callee = module?.functions.find((f) => f.name === e.callee);
        if (module && !callee) bad(`${where} calls \`${e.callee}\`, which is not in the module`);
        if (callee) {
          if (callee.params.length !== e.args.length) bad(`${where} passes ${e.args.length} arguments to \`${e.callee}\`, which takes ${callee.params.length}`);
          callee.params.forEach((p, i) => e.args[i] && want(e.args[i], (t) => assignable(p.type, t), `argument ${i + 1} of ${e.callee}`, where));
          return callee.results[0] ?? 'any';
        }
        return 'any';
      }
      case 'load': readArray(e.array, d, where); want(e.index, (t) => t === 'i32', 'the index', where); return 'f64';
      case 'length': readArray(e.array, d, where); return 'numeric';
      case 'alloc': want(e.length, (t) => t === 'i32', 'the length of alloc', where); return 'f64[]';
      case 'pop': return e.tape === 'i32' ? 'i32-or-bool' : 'f64';
      default: return assertNever(e, 'expression');
    }
  };

  const define = (d: Defined, names: string[]) => { if (d) for (const n of names) d.add(n); };
  const target = (name: string, got: Type | 'any' | 'numeric' | 'i32-or-bool', where: string) => {
    const t = fn.vars.get(name);
    if (!t) { bad(`\`${name}\` is assigned in ${where} but not declared in vars`); return; }
    if (got === 'any') return;
    if (got === 'i32-or-bool' ? !(numeric(t) || t === 'bool') : got === 'numeric' ? !numeric(t) : !assignable(t, got)) bad(`${where} assigns a ${got} to \`${name}\`: ${t}`);
  };

  const block = (body: Stmt[], d: Defined, loop: boolean): Defined => {
    for (const s of body) d = stmt(s, d, loop);
    return d;
  };
  const stmt = (s: Stmt, d: Defined, loop: boolean): Defined => {
    const where = describe(s);
    switch (s.kind) {
      case 'assign': target(s.target, exprType(s.expr, d, where), where); define(d, [s.target]); return d;
      case 'multi':
        for (const a of s.args) read(a, d, where);
        for (const t of s.targets) if (!fn.vars.has(t)) bad(`\`${t}\` is assigned in ${where} but not declared in vars`);
        define(d, s.targets); return d;
      case 'store':
        readArray(s.array, d, where); read(s.index, d, where); read(s.value, d, where);
        // User functions may not write their arguments; generated VJPs accumulate into their array adjoints.
        if (fn.origin?.kind === 'source' && fn.params.some((p) => p.name === s.array)) bad(`${where} writes the argument array \`${s.array}\``);
        want(s.index, (t) => t === 'i32', 'the index', where);
        want(s.value, numeric, 'the stored value', where);
        return d;
      case 'if': {
        read(s.cond, d, where); want(s.cond, (t) => t === 'bool', 'the condition', where);
        if (!d) { block(s.then, null, loop); block(s.else, null, loop); return null; }
        const a = block(s.then, d.branch(s.cond, 0), loop), b = block(s.else, d.branch(s.cond, 1), loop);
        const changed = assignedIn([...s.then, ...s.else]);
        const out = d.clone();
        out.forget(changed);
        for (const n of a && b ? [...a.names].filter((x) => b.has(x)) : (a ?? b)?.names ?? []) out.names.add(n);
        if (s.cond.kind === 'var' && !changed.has(s.cond.name)) {
          const w = out.when.get(s.cond.name) ?? [new Set<string>(), new Set<string>()];
          for (const n of a?.names ?? []) if (!out.has(n)) w[0].add(n);
          for (const n of b?.names ?? []) if (!out.has(n)) w[1].add(n);
          out.when.set(s.cond.name, w);
        }
        return a || b ? out : null;
      }
      case 'for': {
        read(s.start, d, where); read(s.end, d, where);
        want(s.start, numeric, 'the start', where); want(s.end, numeric, 'the bound', where);
        if (fn.vars.get(s.index) !== 'i32') bad(`the loop index \`${s.index}\` has type ${fn.vars.get(s.index)}`);
        const changed = assignedIn(s.body);
        for (const a of [s.start, s.end, { kind: 'var', name: s.index } as Atom]) {
          if (a.kind === 'var' && changed.has(a.name)) bad(`\`${a.name}\` is assigned in the body of ${where}, which it controls`);
        }
        const inner = d && d.clone();
        inner?.forget(changed);
        define(inner, [s.index]);
        block(s.body, inner, true);
        return d;
      }
      case 'while': {
        const entry = d && d.clone();
        entry?.forget(assignedIn([...s.test, ...s.body, ...s.update]));
        const afterTest = block(s.test, entry, true);
        read(s.cond, afterTest, where); want(s.cond, (t) => t === 'bool', 'the condition', where);
        block(s.body, afterTest && afterTest.clone(), true);
        // `continue` reaches update from anywhere in the body: only what the test defined is sure.
        block(s.update, afterTest && afterTest.clone(), true);
        return afterTest;
      }
      case 'break': case 'continue':
        if (!loop) bad(`\`${s.kind}\` outside a loop`);
        return null;
      case 'return':
        for (const a of s.values) read(a, d, where);
        if (s.values.length !== fn.results.length) bad(`${where} returns ${s.values.length} values; the function has ${fn.results.length} results`);
        s.values.forEach((a, i) => fn.results[i] && want(a, (t) => assignable(fn.results[i], t), `result ${i + 1}`, where));
        return null;
      case 'push':
        read(s.value, d, where);
        want(s.value, (t) => (s.tape === 'i32' ? t === 'i32' || t === 'bool' : numeric(t)), 'the pushed value', where);
        return d;
      case 'comment': return d;
      default: return assertNever(s, 'statement');
    }
  };
  block(fn.body, new Defs(new Set(fn.params.map((p) => p.name))), false);
  checkTape(fn, bad);
  return problems;
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
