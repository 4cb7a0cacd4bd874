// IR → AssemblyScript text. One AssemblyScript function per IR function, the
// entry wrapper `ct_entry` the JS side calls, and the runtime helpers the
// module needs (prelude.ts). Arrays are addresses into linear memory with the
// length stored just before the data; see README.md for the whole ABI.
import { scalarRule } from '../../rules/index.js';
import { assertNever, type Atom, type Const, type Expr, type IrFunction, type IrModule, type Loc, type Stmt, type Type } from '../../ir/nodes.js';
import { assignedIn, forEachStmt, stmtWrites as stmtWritesOf } from '../../ir/walk.js';
import { provenInRange } from './bounds.js';
import { AsNamer } from './names.js';
import { npAssign, type NpHost } from './np.js';
import { prelude, type PreludePart } from './prelude.js';
import { aliasClasses, planVectorLoop, VECTOR_OPS, VECTOR_PRIMS, type ForStmt, type LaneKind, type LoopContext, type OffsetTerm, type VectorPlan } from './simd.js';

export interface AsEmitOptions {
  /** Emit f64x2 loops where the analysis allows (default true). */
  simd?: boolean;
}

/** What the JS side needs to know to call `ct_entry`. */
export interface AsEntryAbi {
  /** The IR entry function. */
  name: string;
  params: { name: string; type: Type }[];
  results: Type[];
  /** True when the results are left in memory at `ct_results()` (8 bytes each) instead of returned. */
  resultsInMemory: boolean;
  /** Messages of the np shape checks: a trap with code 4 carries the index of the one that failed. */
  messages: string[];
}

export interface LoopReport { fn: string; index: string; loc?: Loc; vectorised: boolean; reason?: string }

export interface AsEmitted {
  source: string;
  abi: AsEntryAbi;
  /** Innermost counted loops and whether they became f64x2 loops. */
  loops: LoopReport[];
  /** Kernels of assembly/kernels.ts the source imports from './kernels' (compile it alongside when non-empty). */
  kernels: string[];
}

type AsType = 'f64' | 'i32' | 'bool' | 'usize' | 'v128';

const asType = (t: Type): AsType => (t === 'f64[]' ? 'usize' : t);

/** Refusal of a construct the AssemblyScript backend cannot lower (the JS path may still run it). */
export class AsEmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsEmitError';
  }
}

/** An emitted expression: its text, type, and whether it needs parentheses as an operand. */
interface Ex { code: string; type: AsType; compound: boolean }

const ex = (code: string, type: AsType, compound = false): Ex => ({ code, type, compound });
const operand = (e: Ex) => (e.compound ? `(${e.code})` : e.code);

export function f64Literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function i32Literal(v: number): string {
  const n = v | 0;
  return n === -2147483648 ? 'i32.MIN_VALUE' : String(n);
}

const ARITH = new Set(['+', '-', '*']);
const COMPARE = new Set(['<', '<=', '>', '>=', '==', '!=']);

export function emitAssemblyScript(module: IrModule, opts: AsEmitOptions = {}): AsEmitted {
  return new ModuleEmitter(module, opts).emit();
}

class ModuleEmitter {
  readonly fnNames = new Map<string, string>();
  readonly fns = new Map<string, IrFunction>();
  readonly used = new Set<PreludePart>();
  /** Globals carrying extra results of multi-result functions: `result1_f64`, ... */
  readonly resultGlobals = new Map<string, AsType>();
  readonly loops: LoopReport[] = [];
  readonly globalNamer = new AsNamer();
  readonly kernels = new Set<string>();
  readonly messages: string[] = [];

  message(text: string): number {
    let k = this.messages.indexOf(text);
    if (k < 0) { k = this.messages.length; this.messages.push(text); }
    return k;
  }

  constructor(readonly module: IrModule, readonly opts: AsEmitOptions) {}

  emit(): AsEmitted {
    const { module } = this;
    for (const fn of module.functions) {
      if (this.fns.has(fn.name)) throw new AsEmitError(`internal error: two functions named \`${fn.name}\``);
      this.fns.set(fn.name, fn);
      this.fnNames.set(fn.name, this.globalNamer.fresh(fn.name));
    }
    const entry = this.fns.get(module.entry);
    if (!entry) throw new AsEmitError(`internal error: the entry \`${module.entry}\` is not a function of the module`);

    const bodies = module.functions.map((fn) => new FunctionEmitter(this, fn).emit());
    const wrapper = this.entryWrapper(entry);
    const globals = [...this.resultGlobals].map(([n, t]) => `let ${n}: ${t} = ${zero(t)};`);

    const origin = entry.origin?.kind === 'vjp' ? `the gradient (vjp) of \`${entry.origin.of ?? entry.name}\``
      : entry.origin?.kind === 'jvp' ? `the forward derivative (jvp) of \`${entry.origin.of ?? entry.name}\`` : `\`${entry.name}\``;
    const header = [
      `// ${origin}, lowered to AssemblyScript by cotangent.`,
      '// Float64Arrays are addresses into linear memory (length in the 8 bytes before the data);',
      '// loops marked "vectorised" run two elements at a time in f64x2 lanes.',
    ];
    const imports = this.kernels.size ? `// SIMD kernels of cotangent/np (assembly/kernels.ts)\nimport { ${[...this.kernels].sort().join(', ')} } from './kernels';` : '';
    const parts = [header.join('\n'), imports, globals.join('\n'), ...bodies, wrapper, prelude(this.used, entry.results.length > 1 ? entry.results.length : 0)];
    return {
      source: parts.filter(Boolean).join('\n\n'),
      abi: {
        name: entry.name,
        params: entry.params.map((p) => ({ name: p.name, type: p.type })),
        results: [...entry.results],
        resultsInMemory: entry.results.length > 1,
        messages: this.messages,
      },
      loops: this.loops,
      kernels: [...this.kernels].sort(),
    };
  }

  resultGlobal(pos: number, t: AsType): string {
    const name = `result${pos}_${t}`;
    this.resultGlobals.set(name, t);
    return name;
  }

  private entryWrapper(fn: IrFunction): string {
    const namer = new AsNamer(['ct_arena', ...this.fnNames.values()]);
    const params = fn.params.map((p) => ({ name: namer.fresh(p.name), type: asType(p.type) }));
    const call = `${this.fnNames.get(fn.name)}(${params.map((p) => p.name).join(', ')})`;
    const sig = ['ct_arena: usize', ...params.map((p) => `${p.name}: ${p.type}`)].join(', ');
    const lines = ['// The entry point the JS wrapper calls: resets the arena and the tapes, then runs the function.'];
    if (fn.results.length <= 1) {
      const rt = fn.results.length ? asType(fn.results[0]) : 'void';
      lines.push(`export function ct_entry(${sig}): ${rt} {`, '  ct_begin(ct_arena);', `  ${rt === 'void' ? '' : 'return '}${call};`, '}');
    } else {
      lines.push(`export function ct_entry(${sig}): void {`, '  ct_begin(ct_arena);');
      const t0 = asType(fn.results[0]);
      lines.push(`  const r0: ${t0} = ${call};`);
      fn.results.forEach((t, k) => {
        const v = k === 0 ? 'r0' : this.resultGlobal(k, asType(t));
        const at = asType(t);
        lines.push(`  store<f64>(ct_out + ${8 * k}, ${at === 'f64' ? v : `<f64>${v}`});`);
      });
      lines.push('}');
    }
    return lines.join('\n');
  }
}

function zero(t: AsType): string {
  return t === 'f64' ? '0.0' : t === 'bool' ? 'false' : t === 'v128' ? 'f64x2.splat(0.0)' : '0';
}

interface LoopCtx {
  /** What `break` and `continue` aimed at this loop are emitted as. */
  brk: string[];
  cont: string[];
}

/** Where each variable is declared: inline at its first assignment, or at the top of the function. */
interface Declarations {
  inline: Map<Stmt, Set<string>>;
  top: string[];
}

class FunctionEmitter {
  private readonly out: string[] = [];
  private depth = 1;
  private readonly names = new Map<string, string>();
  private readonly namer: AsNamer;
  private readonly loopStack: LoopCtx[] = [];
  private decls!: Declarations;
  private readonly loopCtx: LoopContext;
  /** Name substitutions while emitting a vectorised body (the loop index → its lane base). */
  private readonly override = new Map<string, string>();
  private readonly wrapBody = new Set<Stmt>();
  /** Loads (their assignments) and stores whose index is provably in range: emitted without a check. */
  private readonly proven: Set<Stmt>;
  /** Lengths of arrays read once before the loop being emitted (array → the local holding it). */
  private readonly lens = new Map<string, string>();
  /** Accesses a guard before the enclosing loop has found in range (while emitting its unchecked copy). */
  private assumed = new Set<Stmt>();

  /** Whether an access (a load's assignment, a store) can go without a check. */
  private unchecked(s: Stmt): boolean {
    return this.proven.has(s) || this.assumed.has(s);
  }

  constructor(private readonly m: ModuleEmitter, private readonly fn: IrFunction) {
    this.namer = new AsNamer([...m.fnNames.values(), ...m.resultGlobals.keys()]);
    for (const p of fn.params) this.names.set(p.name, this.namer.fresh(p.name));
    for (const n of fn.vars.keys()) if (!this.names.has(n)) this.names.set(n, this.namer.fresh(n));
    this.loopCtx = { fn, aliasOf: aliasClasses(fn) };
    this.proven = provenInRange(fn);
  }

  fail(what: string, loc?: Loc): never {
    const where = loc ? ` at line ${loc.line}:${loc.column + 1}` : '';
    throw new AsEmitError(`cotangent: the WebAssembly backend does not support ${what} (in \`${this.fn.name}\`${where}); the JavaScript path does`);
  }

  name(v: string): string {
    const o = this.override.get(v);
    if (o) return o;
    const n = this.names.get(v);
    if (!n) throw new AsEmitError(`internal error: \`${v}\` has no type in \`${this.fn.name}\``);
    return n;
  }

  typeOf(v: string): AsType {
    const t = this.fn.vars.get(v);
    if (!t) throw new AsEmitError(`internal error: \`${v}\` has no type in \`${this.fn.name}\``);
    return asType(t);
  }

  private line(s: string): void { this.out.push('  '.repeat(this.depth) + s); }

  emit(): string {
    const fn = this.fn;
    this.markWrappedLoops(fn.body);
    this.decls = planDeclarations(fn, this.wrapBody);
    const params = fn.params.map((p) => `${this.name(p.name)}: ${asType(p.type)}`).join(', ');
    const rt = fn.results.length ? asType(fn.results[0]) : 'void';
    const origin = fn.origin?.kind === 'vjp' ? `reverse mode (vjp) of \`${fn.origin.of ?? fn.name}\``
      : fn.origin?.kind === 'jvp' ? `forward mode (jvp) of \`${fn.origin.of ?? fn.name}\`` : undefined;
    const head: string[] = [];
    if (origin) head.push(`// ${origin}`);
    if (fn.results.length > 1) head.push(`// results: ${fn.results.map((t, k) => (k === 0 ? `${t} (returned)` : `${t} in ${this.m.resultGlobal(k, asType(t))}`)).join(', ')}`);
    head.push(`function ${this.m.fnNames.get(fn.name)}(${params}): ${rt} {`);
    for (const v of this.decls.top) this.line(`let ${this.name(v)}: ${this.typeOf(v)} = ${zero(this.typeOf(v))};`);
    this.block(fn.body);
    const last = fn.body[fn.body.length - 1];
    if (rt !== 'void' && (!last || last.kind !== 'return')) this.line('unreachable(); // every path has returned');
    return [...head, ...this.out, '}'].join('\n');
  }

  /** While loops with an update block and a `continue` run their body inside `do { } while (false)`. */
  private markWrappedLoops(body: Stmt[]): void {
    const walk = (b: Stmt[]) => {
      for (const s of b) {
        if (s.kind === 'while' && s.update.length && hasOwnContinue(s.body)) this.wrapBody.add(s);
        if (s.kind === 'if') { walk(s.then); walk(s.else); }
        if (s.kind === 'for') walk(s.body);
        if (s.kind === 'while') { walk(s.test); walk(s.body); walk(s.update); }
      }
    };
    walk(body);
  }

  // ---- atoms and conversions ---------------------------------------------

  atom(a: Atom): Ex {
    if (a.kind === 'var') return ex(this.name(a.name), this.typeOf(a.name));
    return constEx(a);
  }

  /** An atom as a value of type `to`. */
  atomAs(a: Atom, to: AsType): Ex {
    if (a.kind === 'const') {
      if (to === 'f64') return ex(f64Literal(a.value), 'f64', a.value < 0 || Object.is(a.value, -0));
      if (to === 'i32') return ex(i32Literal(a.value), 'i32', (a.value | 0) < 0);
      if (to === 'bool') return ex(a.value !== 0 && !Number.isNaN(a.value) ? 'true' : 'false', 'bool');
    }
    return this.convert(this.atom(a), to);
  }

  convert(e: Ex, to: AsType): Ex {
    if (e.type === to) return e;
    if (e.type === 'usize' || to === 'usize' || e.type === 'v128' || to === 'v128') {
      throw new AsEmitError(`internal error: cannot convert ${e.type} \`${e.code}\` to ${to} in \`${this.fn.name}\``);
    }
    if (to === 'f64') return ex(`<f64>${operand(e)}`, 'f64');
    if (to === 'i32') {
      if (e.type === 'bool') return ex(`<i32>${operand(e)}`, 'i32');
      this.m.used.add('toInt32');
      return ex(`toInt32(${e.code})`, 'i32');
    }
    // to bool: numbers compare with 0, as the lowering does for conditions
    return ex(`${operand(e)} != ${e.type === 'f64' ? '0.0' : '0'}`, 'bool', true);
  }

  // ---- expressions --------------------------------------------------------

  expr(e: Expr, target: AsType, loc?: Loc, s?: Stmt): Ex {
    switch (e.kind) {
      case 'atom': return this.atom(e.value);
      case 'unary': return this.unary(e.op, e.arg, target);
      case 'binary': return this.binary(e.op, e.left, e.right, target);
      case 'prim': return this.prim(e.name, e.args, target, loc);
      case 'call': {
        const callee = this.callee(e.callee, e.args.length, loc);
        if (!callee.results.length) this.fail(`using the result of \`${e.callee}\`, which returns nothing`, loc);
        return ex(this.callCode(callee, e.args), asType(callee.results[0]));
      }
      case 'load': {
        const a = this.array(e.array), i = this.index(e.index, loc).code;
        if (s && this.unchecked(s)) { this.m.used.add('arrays'); return ex(`at(${a}, ${i})`, 'f64'); }
        this.m.used.add('checked');
        return ex(`atc(${a}, ${i}, ${this.lengthCode(e.array)})`, 'f64');
      }
      case 'length':
        this.m.used.add('arrays');
        return ex(`lengthOf(${this.array(e.array)})`, 'i32');
      case 'alloc': {
        const t = e.length.kind === 'var' ? this.typeOf(e.length.name) : e.length.type === 'f64' && !Number.isInteger(e.length.value) ? 'f64' : 'i32';
        if (t === 'f64') { this.m.used.add('allocOf'); return ex(`allocOf(${this.atomAs(e.length, 'f64').code})`, 'usize'); }
        this.m.used.add('alloc');
        return ex(`alloc(${this.atomAs(e.length, 'i32').code})`, 'usize');
      }
      case 'pop':
        if (e.tape === 'f64') { this.m.used.add('tapeF'); return ex('popF()', 'f64'); }
        if (e.tape === 'f64[]') { this.m.used.add('tapeR'); return ex('popR()', 'usize'); }
        this.m.used.add('tapeI');
        return ex('popI()', 'i32');
      default: return assertNever(e, 'expression');
    }
  }

  /** The length of an array, read from memory or from a local set before the enclosing loop. */
  lengthCode(array: string): string {
    const n = this.lens.get(array);
    if (n) return n;
    this.m.used.add('arrays');
    return `lengthOf(${this.array(array)})`;
  }

  /**
   * Before a loop: reads once the length of every array that the loop accesses
   * at an index not proven in range and does not assign (the checks then compare
   * with a local). Returns a function that forgets them after the loop.
   */
  private hoistLengths(blocks: Stmt[][]): () => void {
    const assigned = new Set<string>();
    const arrays = new Set<string>();
    for (const b of blocks) {
      for (const n of assignedIn(b)) assigned.add(n);
      forEachStmt(b, (x) => {
        if (this.unchecked(x)) return;
        if (x.kind === 'store') arrays.add(x.array);
        if (x.kind === 'assign' && x.expr.kind === 'load') arrays.add(x.expr.array);
      });
    }
    const added: string[] = [];
    for (const a of arrays) {
      if (assigned.has(a) || this.lens.has(a)) continue;
      const n = this.namer.fresh(`${this.name(a)}_n`);
      this.m.used.add('checked');
      this.line(`const ${n}: i32 = lengthOr0(${this.array(a)});`);
      this.lens.set(a, n);
      added.push(a);
    }
    return () => { for (const a of added) this.lens.delete(a); };
  }

  array(name: string): string {
    if (this.fn.vars.get(name) !== 'f64[]') throw new AsEmitError(`internal error: \`${name}\` is not an array in \`${this.fn.name}\``);
    return this.name(name);
  }

  index(a: Atom, loc?: Loc): Ex {
    if (a.kind === 'const') {
      if (!Number.isInteger(a.value)) this.fail(`the non-integer index ${a.value}`, loc);
      return this.atomAs(a, 'i32');
    }
    const t = this.typeOf(a.name);
    if (t !== 'i32') this.fail(`indexing with \`${a.name}\`, a ${t} (indices must be integers)`, loc);
    return this.atom(a);
  }

  callee(name: string, nargs: number, loc?: Loc): IrFunction {
    const callee = this.m.fns.get(name);
    if (!callee) this.fail(`a call of \`${name}\`, which is not a function of the module`, loc);
    if (callee.params.length !== nargs) {
      throw new AsEmitError(`internal error: \`${name}\` called with ${nargs} arguments, declares ${callee.params.length}`);
    }
    return callee;
  }

  callCode(callee: IrFunction, args: Atom[]): string {
    const as = args.map((a, k) => {
      const pt = asType(callee.params[k].type);
      if (pt === 'usize') {
        if (a.kind !== 'var') throw new AsEmitError(`internal error: a constant passed for the array parameter of \`${callee.name}\``);
        return this.array(a.name);
      }
      return this.atomAs(a, pt).code;
    });
    return `${this.m.fnNames.get(callee.name)}(${as.join(', ')})`;
  }

  unary(op: 'neg' | 'not' | 'toInt', arg: Atom, target: AsType): Ex {
    if (op === 'not') return ex(`!${operand(this.atomAs(arg, 'bool'))}`, 'bool');
    if (op === 'toInt') {
      const a = this.atom(arg);
      return a.type === 'i32' ? a : this.convert(a, 'i32');
    }
    const a = this.atom(arg);
    const t: AsType = a.type === 'i32' && target === 'i32' ? 'i32' : 'f64';
    if (arg.kind === 'const') return this.atomAs({ ...arg, value: -arg.value }, t);
    return ex(`-${operand(this.convert(a, t))}`, t);
  }

  binary(op: string, l: Atom, r: Atom, target: AsType): Ex {
    const tl = this.atom(l).type, tr = this.atom(r).type;
    if (op === '&&' || op === '||') {
      return ex(`${operand(this.atomAs(l, 'bool'))} ${op} ${operand(this.atomAs(r, 'bool'))}`, 'bool', true);
    }
    if (COMPARE.has(op)) {
      const t: AsType = tl === 'i32' && tr === 'i32' ? 'i32'
        : tl === 'bool' && tr === 'bool' && (op === '==' || op === '!=') ? 'bool' : 'f64';
      return ex(`${operand(this.atomAs(l, t))} ${op} ${operand(this.atomAs(r, t))}`, 'bool', true);
    }
    if (op === '**') return ex(`Math.pow(${this.atomAs(l, 'f64').code}, ${this.atomAs(r, 'f64').code})`, 'f64');
    if (op === '/' && tl === 'i32' && tr === 'i32' && target === 'i32') {
      // Sizes such as d * (d + 1) / 2: truncating integer division, as the JS emitter's (a / b) | 0.
      this.m.used.add('divInt');
      return ex(`divInt(${this.atomAs(l, 'i32').code}, ${this.atomAs(r, 'i32').code})`, 'i32');
    }
    if (ARITH.has(op) || op === '%' || op === '/') {
      const t: AsType = op !== '/' && tl === 'i32' && tr === 'i32' && target === 'i32' ? 'i32' : 'f64';
      return ex(`${operand(this.atomAs(l, t))} ${op} ${operand(this.atomAs(r, t))}`, t, true);
    }
    throw new AsEmitError(`internal error: unknown operator \`${op}\``);
  }

  prim(name: string, args: Atom[], target: AsType, loc?: Loc): Ex {
    const rule = scalarRule(name);
    if (!rule) {
      if (name.startsWith('np.')) this.fail(`the array operation \`${name}\` yet`, loc);
      this.fail(`the primitive \`${name}\``, loc);
    }
    if (rule.name === 'neg' && args.length === 1) return this.unary('neg', args[0], target);
    if (/^[-+*/%]$|^\*\*$/.test(rule.name) && args.length === 2) return this.binary(rule.name, args[0], args[1], target);
    if (rule.variadic && args.length > 2) {
      // AssemblyScript's Math takes two arguments: nested pairs (the same value to rounding).
      const code = args.map((a) => this.atomAs(a, 'f64').code).reduce((acc, a) => `${rule.as}(${acc}, ${a})`);
      return ex(code, 'f64');
    }
    if (args.length !== rule.args.length) this.fail(`\`${name}\` with ${args.length} arguments`, loc);
    return ex(`${rule.as}(${args.map((a) => this.atomAs(a, 'f64').code).join(', ')})`, 'f64');
  }

  // ---- statements ---------------------------------------------------------

  block(body: Stmt[]): void {
    for (const s of body) this.stmt(s);
  }

  private declares(s: Stmt, v: string): boolean {
    return this.decls.inline.get(s)?.has(v) ?? false;
  }

  private assignTo(s: Stmt, target: string, value: Ex): void {
    const t = this.typeOf(target);
    const v = this.convert(value, t);
    this.line(this.declares(s, target) ? `let ${this.name(target)}: ${t} = ${v.code};` : `${this.name(target)} = ${v.code};`);
  }

  stmt(s: Stmt): void {
    switch (s.kind) {
      case 'assign':
        if (s.expr.kind === 'prim' && s.expr.name.startsWith('np.')) return npAssign(this.npHost(), s);
        this.assignTo(s, s.target, this.expr(s.expr, this.typeOf(s.target), s.loc, s));
        return;
      case 'multi': {
        const callee = this.callee(s.callee, s.args.length, s.loc);
        if (s.targets.length > callee.results.length) {
          throw new AsEmitError(`internal error: ${s.targets.length} targets for the ${callee.results.length} results of \`${s.callee}\``);
        }
        const call = this.callCode(callee, s.args);
        if (!s.targets.length) { this.line(`${call};`); return; }
        s.targets.forEach((t, k) => {
          const rt = asType(callee.results[k]);
          this.assignTo(s, t, k === 0 ? ex(call, rt) : ex(this.m.resultGlobal(k, rt), rt));
        });
        return;
      }
      case 'store': {
        const a = this.array(s.array), i = this.index(s.index, s.loc).code, v = this.atomAs(s.value, 'f64').code;
        if (this.unchecked(s)) {
          this.m.used.add('arrays');
          this.line(s.accumulate ? `accum(${a}, ${i}, ${v});` : `put(${a}, ${i}, ${v});`);
        } else {
          this.m.used.add('checked');
          const n = this.lengthCode(s.array);
          this.line(s.accumulate ? `accumc(${a}, ${i}, ${n}, ${v});` : `putc(${a}, ${i}, ${n}, ${v});`);
        }
        return;
      }
      case 'if': return this.ifStmt(s);
      case 'for': return this.forStmt(s);
      case 'while': return this.whileStmt(s);
      case 'break': case 'continue': {
        const ctx = this.loopStack[this.loopStack.length - 1];
        if (!ctx) throw new AsEmitError(`internal error: \`${s.kind}\` outside a loop in \`${this.fn.name}\``);
        for (const l of s.kind === 'break' ? ctx.brk : ctx.cont) this.line(l);
        return;
      }
      case 'return': return this.returnStmt(s.values);
      case 'push':
        if (s.tape === 'f64') { this.m.used.add('tapeF'); this.line(`pushF(${this.atomAs(s.value, 'f64').code});`); }
        else if (s.tape === 'f64[]') { this.m.used.add('tapeR'); this.line(`pushR(${this.array((s.value as { name: string }).name)});`); }
        else { this.m.used.add('tapeI'); this.line(`pushI(${this.atomAs(s.value, 'i32').code});`); }
        return;
      case 'comment':
        for (const l of s.text.split('\n')) this.line(`// ${l}`);
        return;
      default: assertNever(s, 'statement');
    }
  }

  private npHostCache?: NpHost;

  private npHost(): NpHost {
    const m = this.m;
    this.npHostCache ??= {
      line: (l) => this.line(l),
      fresh: (hint) => this.namer.fresh(hint),
      arr: (a) => {
        if (a.kind !== 'var') throw new AsEmitError(`internal error: a constant where an np operation takes an array in \`${this.fn.name}\``);
        return this.array(a.name);
      },
      num: (a) => this.atomAs(a, 'f64').code,
      int: (a) => this.atomAs(a, 'i32').code,
      isArray: (a) => a.kind === 'var' && this.fn.vars.get(a.name) === 'f64[]',
      kernel: (name) => { m.kernels.add(name); return name; },
      use: (part) => m.used.add(part),
      check: (cond, message) => this.line(`if (${cond}) ct_fail(4, ${m.message(message)}); // ${message}`),
      assign: (s, code, type) => this.assignTo(s, s.target, ex(code, type, true)),
      fail: (what, loc) => this.fail(what, loc),
    };
    return this.npHostCache;
  }

  private returnStmt(values: Atom[]): void {
    const rs = this.fn.results;
    if (values.length !== rs.length) {
      throw new AsEmitError(`internal error: \`return\` of ${values.length} values in \`${this.fn.name}\`, which has ${rs.length} results`);
    }
    const conv = (a: Atom, t: Type) => (asType(t) === 'usize' ? this.array((a as { name: string }).name) : this.atomAs(a, asType(t)).code);
    for (let k = 1; k < rs.length; k++) this.line(`${this.m.resultGlobal(k, asType(rs[k]))} = ${conv(values[k], rs[k])};`);
    this.line(rs.length ? `return ${conv(values[0], rs[0])};` : 'return;');
  }

  private nested(f: () => void): void {
    this.depth++;
    try { f(); } finally { this.depth--; }
  }

  private ifStmt(s: Extract<Stmt, { kind: 'if' }>, prefix = ''): void {
    const cond = this.atomAs(s.cond, 'bool');
    if (!s.then.length && s.else.length && !prefix) {
      this.line(`if (!${operand(cond)}) {`);
      this.nested(() => this.block(s.else));
      this.line('}');
      return;
    }
    this.line(`${prefix}if (${cond.code}) {`);
    this.nested(() => this.block(s.then));
    if (s.else.length === 1 && s.else[0].kind === 'if') return this.elseIf(s.else[0]);
    if (s.else.length) {
      this.line('} else {');
      this.nested(() => this.block(s.else));
    }
    this.line('}');
  }

  private elseIf(s: Extract<Stmt, { kind: 'if' }>): void {
    const cond = this.atomAs(s.cond, 'bool');
    this.line(`} else if (${cond.code}) {`);
    this.nested(() => this.block(s.then));
    if (s.else.length === 1 && s.else[0].kind === 'if') return this.elseIf(s.else[0]);
    if (s.else.length) {
      this.line('} else {');
      this.nested(() => this.block(s.else));
    }
    this.line('}');
  }

  private whileStmt(s: Extract<Stmt, { kind: 'while' }>): void {
    const forget = this.hoistLengths([s.test, s.body, s.update]);
    try { this.whileLoop(s); } finally { forget(); }
  }

  private whileLoop(s: Extract<Stmt, { kind: 'while' }>): void {
    const wrap = this.wrapBody.has(s);
    const simple = !s.test.length && !s.update.length;
    const cond = this.atomAs(s.cond, 'bool');
    const c = s.cond;
    const constCond = c.kind === 'const';
    const always = c.kind === 'const' && c.value !== 0;
    if (simple) {
      this.line(`while (${cond.code}) {`);
      this.loopStack.push({ brk: ['break;'], cont: ['continue;'] });
      this.nested(() => this.block(s.body));
      this.loopStack.pop();
      this.line('}');
      return;
    }
    this.line('while (true) {');
    this.nested(() => {
      this.loopStack.push({ brk: ['break;'], cont: ['continue;'] });
      this.block(s.test);
      this.loopStack.pop();
      if (!constCond) this.line(`if (!${operand(cond)}) break;`);
      else if (!always) this.line('break;');
      if (wrap) {
        const flag = this.namer.fresh('leave');
        this.line(`let ${flag} = false;`);
        this.line('do { // `continue` leaves this block and runs the update below');
        this.loopStack.push({ brk: [`${flag} = true;`, 'break;'], cont: ['break;'] });
        this.nested(() => this.block(s.body));
        this.loopStack.pop();
        this.line('} while (false);');
        this.line(`if (${flag}) break;`);
      } else {
        this.loopStack.push({ brk: ['break;'], cont: ['continue;'] });
        this.block(s.body);
        this.loopStack.pop();
      }
      this.loopStack.push({ brk: ['break;'], cont: ['continue;'] });
      this.block(s.update);
      this.loopStack.pop();
    });
    this.line('}');
  }

  // ---- counted loops --------------------------------------------------------

  /** The loop's bound as an i32 the index is compared with, and the comparison. */
  private bound(s: ForStmt): { bound: string; cmp: string } {
    const up = s.step === 1;
    const e = s.end;
    const et = e.kind === 'const' ? (Number.isInteger(e.value) ? 'i32' : 'f64') : this.typeOf(e.name);
    if (et === 'i32') return { bound: this.atomAs(e, 'i32').code, cmp: up ? (s.inclusive ? '<=' : '<') : (s.inclusive ? '>=' : '>') };
    if (et !== 'f64') throw new AsEmitError(`internal error: a loop bound of type ${et} in \`${this.fn.name}\``);
    if (e.kind === 'const') {
      const v = e.value;
      const b = up ? (s.inclusive ? Math.floor(v) + 1 : Math.ceil(v)) : (s.inclusive ? Math.ceil(v) - 1 : Math.floor(v));
      return { bound: i32Literal(Math.max(-2147483648, Math.min(2147483647, b))), cmp: up ? '<' : '>' };
    }
    this.m.used.add('bounds');
    const name = this.namer.fresh(`${this.name(s.index)}_end`);
    this.line(`const ${name} = ${up ? 'upperBound' : 'lowerBound'}(${this.name(e.name)}, ${s.inclusive});`);
    return { bound: name, cmp: up ? '<' : '>' };
  }

  /** The loop's first index value as an i32. */
  private start(s: ForStmt): string {
    const a = s.start;
    if (a.kind === 'const' && !Number.isInteger(a.value)) this.fail(`a counted loop starting at ${a.value}`, s.loc);
    if (a.kind === 'var' && this.typeOf(a.name) === 'f64') {
      this.m.used.add('startIndex');
      return `startIndex(${this.name(a.name)})`;
    }
    return this.atomAs(a, 'i32').code;
  }

  private forStmt(s: ForStmt): void {
    const forget = this.hoistLengths([s.body]);
    try { this.forLoop(s); } finally { forget(); }
  }

  private forLoop(s: ForStmt): void {
    if (this.typeOf(s.index) === 'f64') return this.f64For(s);
    const innermost = !s.body.some(containsLoop);
    if (innermost && this.m.opts.simd !== false) {
      const d = planVectorLoop(s, this.loopCtx);
      this.m.loops.push({ fn: this.fn.name, index: s.index, loc: s.loc, vectorised: d.ok, reason: d.ok ? undefined : d.reason });
      if (d.ok) return this.vectorFor(s, d.plan);
      this.line(`// scalar loop: ${d.reason}`);
    } else if (innermost) {
      this.m.loops.push({ fn: this.fn.name, index: s.index, loc: s.loc, vectorised: false, reason: 'simd off' });
    }
    const { bound, cmp } = this.bound(s);
    const i = this.name(s.index);
    const start = this.start(s);
    const init = this.declares(s, s.index) ? `let ${i}: i32 = ${start}` : `${i} = ${start}`;
    const loop = () => {
      this.line(`for (${init}; ${i} ${cmp} ${bound}; ${s.step === 1 ? `${i}++` : `${i}--`}) {`);
      this.loopStack.push({ brk: ['break;'], cont: ['continue;'] });
      this.nested(() => this.block(s.body));
      this.loopStack.pop();
      this.line('}');
    };
    const { guard, covered } = innermost ? this.scalarGuard(s, start, bound, cmp) : { guard: [], covered: new Set<Stmt>() };
    if (!guard.length) return loop();
    // Versioned: without the checks the guard covers when it holds, with every check otherwise.
    const ok = this.namer.fresh(`${i}_in_range`);
    this.line('// the loop runs without bounds checks if every index it uses at the loop index plus an offset stays in range');
    this.line(`const ${ok} = ${guard.join(' && ')};`);
    this.line(`if (${ok}) {`);
    const saved = this.assumed;
    this.assumed = new Set([...saved, ...covered]);
    try { this.nested(loop); } finally { this.assumed = saved; }
    this.line('} else {');
    this.nested(loop);
    this.line('}');
  }

  /**
   * Integer values of a loop body at the loop index plus an offset known before
   * the loop (`j = i + k`, `m = j - 1`), and invariant integer values computed
   * in the body from values set before the loop (`p = r * cols`), each assigned
   * once at the body's top level: name → offset terms (or code) and position.
   */
  private affineIndices(s: ForStmt, vectorKinds?: Map<string, LaneKind>): {
    affine: Map<string, { terms: OffsetTerm[]; pos: number }>;
    inv: Map<string, { code: string; pos: number }>;
    outside: (a: Atom) => boolean;
  } {
    const inBody = assignedIn(s.body);
    const outside = (a: Atom) => (a.kind === 'const' ? Number.isInteger(a.value) : !inBody.has(a.name) && this.typeOf(a.name) === 'i32');
    const writes = new Map<string, number>();
    forEachStmt(s.body, (b) => { for (const n of stmtWritesOf(b)) writes.set(n, (writes.get(n) ?? 0) + 1); });
    const affine = new Map<string, { terms: OffsetTerm[]; pos: number }>([[s.index, { terms: [], pos: -1 }]]);
    const inv = new Map<string, { code: string; pos: number }>();
    const invAtom = (a: Atom, p: number) => outside(a) || (a.kind === 'var' && (inv.get(a.name)?.pos ?? p) < p);
    const aff = (a: Atom, p: number) => (a.kind === 'var' && (affine.get(a.name)?.pos ?? p) < p ? affine.get(a.name)!.terms : undefined);
    s.body.forEach((b, p) => {
      if (b.kind !== 'assign' || writes.get(b.target) !== 1 || this.typeOf(b.target) !== 'i32') return;
      if (vectorKinds && vectorKinds.get(b.target) !== 'inv' && vectorKinds.get(b.target) !== 'idx') return;
      const e = b.expr;
      if (e.kind === 'atom') {
        const t = aff(e.value, p);
        if (t) affine.set(b.target, { terms: t, pos: p });
        else if (outside(e.value)) inv.set(b.target, { code: this.atomAs(e.value, 'i32').code, pos: p });
        return;
      }
      if (e.kind !== 'binary' || !ARITH.has(e.op)) return;
      const tl = aff(e.left, p), tr = aff(e.right, p);
      if (tl && e.op !== '*' && invAtom(e.right, p)) affine.set(b.target, { terms: [...tl, { sign: e.op === '+' ? 1 : -1, atom: e.right }], pos: p });
      else if (tr && e.op === '+' && invAtom(e.left, p)) affine.set(b.target, { terms: [...tr, { sign: 1, atom: e.left }], pos: p });
      else if (outside(e.left) && outside(e.right)) inv.set(b.target, { code: this.binary(e.op, e.left, e.right, 'i32').code, pos: p });
    });
    return { affine, inv, outside };
  }

  /**
   * The conditions (computed once before the loop, in i64 so that nothing
   * wraps) under which accesses at the loop index plus an offset stay in their
   * array over the loop's whole index range.
   */
  private rangeGuard(s: ForStmt, start: string, bound: string, cmp: string, accesses: { array: string; terms: OffsetTerm[] }[], inv: Map<string, { code: string }>): string[] {
    const termCode = (a: Atom) => (a.kind === 'var' && inv.has(a.name) ? inv.get(a.name)!.code : this.atomAs(a, 'i32').code);
    // i64 sums `base + Σ terms + c`: constants folded, a literal base folded too
    const literal = (code: string) => (/^-?\d+$/.test(code) ? Number(code) : undefined);
    const sum = (base: string, c: number, terms: OffsetTerm[]) => {
      let k = c;
      const parts: string[] = [];
      const b = literal(base);
      if (b === undefined) parts.push(`<i64>${/^[\w$.]+$/.test(base) ? base : `(${base})`}`);
      else k += b;
      for (const t of terms) {
        const v = t.atom.kind === 'const' ? t.atom.value : undefined;
        if (v !== undefined) k += t.sign * v;
        else parts.push(`${t.sign > 0 ? (parts.length ? '+ ' : '') : '- '}<i64>${/^[\w$.]+$/.test(termCode(t.atom)) ? termCode(t.atom) : `(${termCode(t.atom)})`}`);
      }
      const text = parts.join(' ').replace(/^- /, '-');
      return { text: k === 0 ? text || '0' : text ? `${text} ${k > 0 ? '+' : '-'} ${Math.abs(k)}` : String(k), constant: parts.length ? undefined : k };
    };
    // the first and last values of the index (a loop that does not run makes lo > hi: any answer will do)
    const [lo, hi] = s.step === 1
      ? [{ base: start, c: 0 }, { base: bound, c: cmp === '<' ? -1 : 0 }]
      : [{ base: bound, c: cmp === '>' ? 1 : 0 }, { base: start, c: 0 }];
    const guard: string[] = [];
    const seen = new Set<string>();
    for (const { array, terms } of accesses) {
      const first = sum(lo.base, lo.c, terms), last = sum(hi.base, hi.c, terms);
      const key = `${array}|${first.text}|${last.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (first.constant === undefined || first.constant < 0) guard.push(`${first.text} >= 0`);
      guard.push(`${last.text} < <i64>${this.lengthCode(array)}`);
    }
    return guard;
  }

  /** Guards for an innermost scalar loop's accesses at the loop index plus an offset known before it. */
  private scalarGuard(s: ForStmt, start: string, bound: string, cmp: string): { guard: string[]; covered: Set<Stmt> } {
    const { affine, inv } = this.affineIndices(s);
    const inBody = assignedIn(s.body);
    const accesses: { array: string; terms: OffsetTerm[] }[] = [];
    const covered = new Set<Stmt>();
    s.body.forEach((top, q) => {
      forEachStmt([top], (b) => {
        if (this.unchecked(b)) return;
        const acc = b.kind === 'store' ? b : b.kind === 'assign' && b.expr.kind === 'load' ? b.expr : undefined;
        if (!acc || acc.index.kind !== 'var' || inBody.has(acc.array)) return;
        const a = affine.get(acc.index.name);
        if (!a || a.pos >= q) return;
        accesses.push({ array: acc.array, terms: a.terms });
        covered.add(b);
      });
    });
    return { guard: this.rangeGuard(s, start, bound, cmp, accesses, inv), covered };
  }

  /**
   * The end of a vector step for an array added into at offsets k0 and k0 + 1:
   * S0 goes to lanes (j, j+1), S1 to (j+1, j+2), with j the k0 index.
   */
  private pairedAdd(name: string, p: { carry: string; at: string; s0: string[]; s1: string[]; idx0?: string }, up: boolean): void {
    const sum = (xs: string[]) => (xs.length ? xs.reduce((acc, x) => `f64x2.add(${acc}, ${x})`) : 'f64x2.splat(0.0)');
    const s0 = this.namer.fresh(`${name}_s0`), s1 = this.namer.fresh(`${name}_s1`);
    this.line(`const ${s0} = ${sum(p.s0)};`);
    this.line(`const ${s1} = ${sum(p.s1)};`);
    const j = p.idx0!;
    if (up) {
      // lanes (j, j+1) get S0 + (the previous step's S1 lane 1, this step's S1 lane 0); S1 lane 1 waits
      this.line(`accum2(${name}, ${j}, f64x2.add(${s0}, v128.shuffle<f64>(${p.carry}, ${s1}, 1, 2)));`);
      this.line(`${p.carry} = ${s1};`);
      this.line(`${p.at} = ${j};`);
    } else {
      // stepping down, S1 lane 1 lands on the previous step's lane 0, which is still pending
      this.line(`if (${p.at} >= 0) accum2(${name}, ${p.at}, f64x2.add(${p.carry}, v128.shuffle<f64>(${s1}, f64x2.splat(0.0), 1, 2)));`);
      this.line(`else accum(${name}, ${j} + 2, f64x2.extract_lane(${s1}, 1));`);
      this.line(`${p.carry} = f64x2.add(${s0}, v128.shuffle<f64>(f64x2.splat(0.0), ${s1}, 0, 2));`);
      this.line(`${p.at} = ${j};`);
    }
  }

  /** A counted loop whose index is an f64 (it starts at a non-integer): counts exactly as JS does. */
  private f64For(s: ForStmt): void {
    const i = this.name(s.index);
    const up = s.step === 1;
    const cmp = up ? (s.inclusive ? '<=' : '<') : (s.inclusive ? '>=' : '>');
    const start = this.atomAs(s.start, 'f64').code;
    const end = this.atomAs(s.end, 'f64').code;
    const init = this.declares(s, s.index) ? `let ${i}: f64 = ${start}` : `${i} = ${start}`;
    this.line(`for (${init}; ${i} ${cmp} ${end}; ${up ? `${i}++` : `${i}--`}) {`);
    this.loopStack.push({ brk: ['break;'], cont: ['continue;'] });
    this.nested(() => this.block(s.body));
    this.loopStack.pop();
    this.line('}');
  }

  /**
   * Bounds checks for a vectorised loop's accesses at the loop index plus an
   * invariant offset that are not proven in range. An offset made of values
   * set before the loop gives a guard: the access stays in range over the whole
   * loop (computed in i64, so nothing wraps); the f64x2 steps run only when
   * every guard holds. An offset the body computes from such values with i32
   * `+ - *` (`r * cols`, when nothing hoisted it) is computed the same way in
   * the guard. Other accesses are checked at every step.
   */
  private vectorBounds(s: ForStmt, plan: VectorPlan, start: string, bound: string, cmp: string): { guard: string[]; perStep: Set<Stmt> } {
    const inBody = assignedIn(s.body);
    const { inv, outside } = this.affineIndices(s, plan.kinds);
    const before = (a: Atom) => outside(a) || (a.kind === 'var' && inv.has(a.name));
    const accesses: { array: string; terms: OffsetTerm[] }[] = [];
    const perStep = new Set<Stmt>();
    for (const b of s.body) {
      if (plan.skip.has(b) || this.unchecked(b)) continue;
      let array: string, index: Atom;
      if (b.kind === 'store') ({ array, index } = b);
      else if (b.kind === 'assign' && b.expr.kind === 'load' && plan.kinds.get(b.target) === 'vec') ({ array, index } = b.expr);
      else continue;
      const terms = index.kind === 'var' ? plan.terms.get(index.name) : undefined;
      if (!terms) throw new AsEmitError('internal error: a vectorised access not at the loop index plus an offset');
      if (inBody.has(array) || !terms.every((t) => before(t.atom))) { perStep.add(b); continue; }
      accesses.push({ array, terms });
    }
    return { guard: this.rangeGuard(s, start, bound, cmp, accesses, inv), perStep };
  }

  /** An f64x2 loop over pairs of iterations, then the scalar loop for what is left. */
  private vectorFor(s: ForStmt, plan: VectorPlan): void {
    this.m.used.add('simd');
    const up = s.step === 1;
    const i = this.name(s.index);
    const reds = [...plan.reductions.values()];
    const what = [
      reds.length ? `sum${reds.length > 1 ? 's' : ''} into ${reds.map((r) => `\`${this.name(r.target)}\``).join(', ')}` : '',
      s.body.some((b) => b.kind === 'store') ? 'element-wise stores' : '',
    ].filter(Boolean).join(', ');
    this.line(`// vectorised: f64x2, two iterations per step (${what}); the scalar loop after it finishes the rest`);
    const { bound, cmp } = this.bound(s);
    const start = this.start(s);
    this.line(this.declares(s, s.index) ? `let ${i}: i32 = ${start};` : `${i} = ${start};`);

    const vnames = new Map<string, string>();
    const vname = (v: string) => {
      let n = vnames.get(v);
      if (!n) { n = this.namer.fresh(`${this.name(v)}_x2`); vnames.set(v, n); }
      return n;
    };
    const sums = new Map<string, string>();
    for (const r of reds) {
      const n = this.namer.fresh(`${this.name(r.target)}_x2`);
      sums.set(r.target, n);
      this.line(`let ${n} = f64x2.splat(0.0);`);
    }
    // Splats of values from outside the loop, made once.
    const splats = new Map<string, string>();
    const outside = (a: Atom) => a.kind === 'const' || !plan.kinds.has(a.name);
    const splatKey = (a: Atom) => (a.kind === 'const' ? `#${a.type}:${Object.is(a.value, -0) ? '-0' : a.value}` : a.name);
    const needSplat = (a: Atom) => {
      if (!outside(a)) return;
      const k = splatKey(a);
      if (splats.has(k)) return;
      const n = this.namer.fresh(a.kind === 'const' ? 'c_x2' : `${this.name(a.name)}_x2`);
      splats.set(k, n);
      this.line(`const ${n} = f64x2.splat(${this.atomAs(a, 'f64').code});`);
    };
    const vecKind = (a: Atom): LaneKind => (a.kind === 'var' && a.name === s.index ? 'idx' : a.kind === 'var' ? plan.kinds.get(a.name) ?? 'inv' : 'inv');
    const preSplat = (a: Atom) => { if (vecKind(a) === 'inv') needSplat(a); };
    for (const b of s.body) {
      if (plan.skip.has(b)) continue;
      if (b.kind === 'assign' && plan.reductions.has(b)) { preSplat(plan.reductions.get(b)!.operand); continue; }
      if (b.kind === 'store') { preSplat(b.value); continue; }
      if (b.kind !== 'assign' || plan.kinds.get(b.target) !== 'vec') continue;
      const e = b.expr;
      const args = e.kind === 'atom' ? [e.value] : e.kind === 'unary' ? [e.arg] : e.kind === 'binary' ? [e.left, e.right] : e.kind === 'prim' ? e.args : [];
      args.forEach(preSplat);
    }

    const vec = (a: Atom): string => {
      const k = vecKind(a);
      if (k === 'vec') return vname((a as { name: string }).name);
      if (outside(a)) return splats.get(splatKey(a))!;
      return `f64x2.splat(${this.atomAs(a, 'f64').code})`;
    };
    // Indices not proven in range: checked once before the loop when possible (guard), else at every step.
    const { guard, perStep } = this.vectorBounds(s, plan, i, bound, cmp);
    // Arrays added into at two neighbouring offsets: contributions combined across iterations
    // (lane by lane when checked at every step: the carry's index may then be negative).
    const laneStores = new Set(plan.laneStores);
    const pairs = new Map<string, { k0: string; k1: string; carry: string; at: string; s0: string[]; s1: string[]; idx0?: string }>();
    for (const [a, k] of plan.pairStores) {
      if (s.body.some((b) => b.kind === 'store' && b.array === a && perStep.has(b))) { laneStores.add(a); continue; }
      const name = this.name(a);
      const carry = this.namer.fresh(`${name}_carry`), at = this.namer.fresh(`${name}_at`);
      pairs.set(a, { ...k, carry, at, s0: [], s1: [] });
      this.line(`let ${carry} = f64x2.splat(0.0); // ${up ? `what the last step adds at ${name}[step + 2]` : `the last step's sum, not yet added at ${name}[${at}]`}`);
      this.line(`let ${at}: i32 = -1;`);
    }
    const storeKey = (b: Extract<Stmt, { kind: 'store' }>, p: { k0: string; k1: string }): 'k0' | 'k1' => {
      const a = b.index;
      const key = a.kind === 'var' && a.name === s.index ? '' : a.kind === 'var' ? plan.offsets.get(a.name) : undefined;
      if (key === p.k0) return 'k0';
      if (key === p.k1) return 'k1';
      throw new AsEmitError('internal error: a paired store at an unknown offset');
    };
    const base = up ? i : this.namer.fresh(`${i}_lo`);
    if (perStep.size) this.m.used.add('simdChecked');
    let ok: string | undefined;
    if (guard.length) {
      ok = this.namer.fresh(`${i}_in_range`);
      this.line(`// the f64x2 steps run if every index they use unchecked stays in range over the loop (else the scalar loop checks each)`);
      this.line(`const ${ok} = ${guard.join(' && ')};`);
      this.line(`if (${ok}) {`);
      this.depth++;
    }
    this.line(up ? `for (; ${i} + 1 ${cmp} ${bound}; ${i} += 2) {` : `for (; ${i} - 1 ${cmp} ${bound}; ${i} -= 2) {`);
    this.nested(() => {
      if (!up) this.line(`const ${base} = ${i} - 1; // lanes ${base}, ${base} + 1`);
      if (!up) this.override.set(s.index, base);
      try {
        for (const b of s.body) {
          if (plan.skip.has(b)) continue;
          if (b.kind === 'comment') { this.stmt(b); continue; }
          if (b.kind === 'store') {
            const idx = this.index(b.index, b.loc).code;
            const pair = pairs.get(b.array);
            if (pair) {
              const which = storeKey(b, pair);
              (which === 'k0' ? pair.s0 : pair.s1).push(vec(b.value));
              if (which === 'k0') pair.idx0 ??= idx;
              else pair.idx0 ??= `${idx} - 1`;
              continue;
            }
            if (laneStores.has(b.array)) {
              this.m.used.add('arrays');
              const value = vec(b.value), a = this.array(b.array);
              const add = perStep.has(b) ? `accumc(${a}, %, ${this.lengthCode(b.array)}, ` : `accum(${a}, %, `;
              this.line(`${add.replace('%', idx)}f64x2.extract_lane(${value}, 0));`);
              this.line(`${add.replace('%', `${idx} + 1`)}f64x2.extract_lane(${value}, 1));`);
              continue;
            }
            const op = b.accumulate ? 'accum2' : 'put2';
            if (perStep.has(b)) this.line(`${op}c(${this.array(b.array)}, ${idx}, ${this.lengthCode(b.array)}, ${vec(b.value)});`);
            else this.line(`${op}(${this.array(b.array)}, ${idx}, ${vec(b.value)});`);
            continue;
          }
          if (b.kind !== 'assign') throw new AsEmitError('internal error: unexpected statement in a vectorised loop');
          const red = plan.reductions.get(b);
          if (red) {
            const acc = sums.get(red.target)!;
            this.line(`${acc} = ${red.op === '+' ? 'f64x2.add' : 'f64x2.sub'}(${acc}, ${vec(red.operand)});`);
            continue;
          }
          if (plan.kinds.get(b.target) !== 'vec') { this.stmt(b); continue; }
          const e = b.expr;
          let code: string;
          switch (e.kind) {
            case 'atom': code = vec(e.value); break;
            case 'unary': code = `f64x2.neg(${vec(e.arg)})`; break;
            case 'binary': code = `${VECTOR_OPS[e.op]}(${vec(e.left)}, ${vec(e.right)})`; break;
            case 'prim': code = `${VECTOR_PRIMS[e.name].op}(${e.args.map(vec).join(', ')})`; break;
            case 'load':
              code = perStep.has(b) ? `at2c(${this.array(e.array)}, ${this.index(e.index, b.loc).code}, ${this.lengthCode(e.array)})`
                : `at2(${this.array(e.array)}, ${this.index(e.index, b.loc).code})`;
              break;
            default: throw new AsEmitError('internal error: unexpected expression in a vectorised loop');
          }
          this.line(`const ${vname(b.target)} = ${code};`);
        }
        for (const [a, p] of pairs) this.pairedAdd(this.name(a), p, up);
      } finally {
        this.override.delete(s.index);
      }
    });
    this.line('}');
    if (ok) { this.depth--; this.line('}'); }
    for (const [a, p] of pairs) {
      const name = this.name(a);
      this.m.used.add('arrays');
      if (up) this.line(`if (${p.at} >= 0) accum(${name}, ${p.at} + 2, f64x2.extract_lane(${p.carry}, 1));`);
      else this.line(`if (${p.at} >= 0) accum2(${name}, ${p.at}, ${p.carry});`);
    }
    for (const r of reds) {
      const t = this.name(r.target), acc = sums.get(r.target)!;
      this.line(`${t} = ${t} + (f64x2.extract_lane(${acc}, 0) + f64x2.extract_lane(${acc}, 1));`);
    }
    this.line(`for (; ${i} ${cmp} ${bound}; ${up ? `${i}++` : `${i}--`}) {`);
    this.nested(() => this.block(s.body));
    this.line('}');
  }
}

function constEx(c: Const): Ex {
  if (c.type === 'bool') return ex(c.value ? 'true' : 'false', 'bool');
  if (c.type === 'i32') return ex(i32Literal(c.value), 'i32', c.value < 0);
  return ex(f64Literal(c.value), 'f64', c.value < 0 || Object.is(c.value, -0));
}

function containsLoop(s: Stmt): boolean {
  if (s.kind === 'for' || s.kind === 'while') return true;
  if (s.kind === 'if') return s.then.some(containsLoop) || s.else.some(containsLoop);
  return false;
}

/** A `continue` aimed at the enclosing loop (not at a loop nested inside the block). */
function hasOwnContinue(body: Stmt[]): boolean {
  return body.some((s) => s.kind === 'continue' || (s.kind === 'if' && (hasOwnContinue(s.then) || hasOwnContinue(s.else))));
}

/**
 * A variable is declared inline (`let x: T = ...` at its first assignment) when
 * that assignment is its first occurrence in program order and every other
 * occurrence is inside the same block, after it; otherwise at the top of the
 * function. Each `if` branch and loop body is a block; a while loop's test,
 * condition and update share one block (its body too, unless it is wrapped).
 */
function planDeclarations(fn: IrFunction, wrapped: Set<Stmt>): Declarations {
  const params = new Set(fn.params.map((p) => p.name));
  const first = new Map<string, { stmt: Stmt; scope: number[]; declaring: boolean }>();
  const escapes = new Set<string>();
  let next = 1;
  const isPrefix = (p: number[], q: number[]) => p.length <= q.length && p.every((x, k) => q[k] === x);
  const note = (name: string, stmt: Stmt, scope: number[], declaring: boolean) => {
    if (params.has(name)) return;
    const f = first.get(name);
    if (!f) { first.set(name, { stmt, scope, declaring }); return; }
    if (!isPrefix(f.scope, scope)) escapes.add(name);
  };
  const reads = (as: Atom[], s: Stmt, scope: number[]) => { for (const a of as) if (a.kind === 'var') note(a.name, s, scope, false); };
  const exprReads = (e: Expr, s: Stmt, scope: number[]) => {
    switch (e.kind) {
      case 'atom': return reads([e.value], s, scope);
      case 'unary': return reads([e.arg], s, scope);
      case 'binary': return reads([e.left, e.right], s, scope);
      case 'prim': case 'call': return reads(e.args, s, scope);
      case 'load': note(e.array, s, scope, false); return reads([e.index], s, scope);
      case 'length': return note(e.array, s, scope, false);
      case 'alloc': return reads([e.length], s, scope);
      case 'pop': return;
      default: assertNever(e, 'expression');
    }
  };
  const block = (body: Stmt[], scope: number[]) => {
    for (const s of body) {
      switch (s.kind) {
        case 'assign': exprReads(s.expr, s, scope); note(s.target, s, scope, true); break;
        case 'multi': reads(s.args, s, scope); for (const t of s.targets) note(t, s, scope, true); break;
        case 'store': note(s.array, s, scope, false); reads([s.index, s.value], s, scope); break;
        case 'if': reads([s.cond], s, scope); block(s.then, [...scope, next++]); block(s.else, [...scope, next++]); break;
        case 'for': {
          reads([s.start, s.end], s, scope);
          const inner = [...scope, next++];
          note(s.index, s, inner, true);
          block(s.body, inner);
          break;
        }
        case 'while': {
          const w = [...scope, next++];
          block(s.test, w);
          reads([s.cond], s, w);
          block(s.body, wrapped.has(s) ? [...w, next++] : w);
          block(s.update, w);
          break;
        }
        case 'return': reads(s.values, s, scope); break;
        case 'push': reads([s.value], s, scope); break;
        case 'break': case 'continue': case 'comment': break;
        default: assertNever(s, 'statement');
      }
    }
  };
  block(fn.body, [0]);
  const inline = new Map<Stmt, Set<string>>();
  const top: string[] = [];
  for (const [name, f] of first) {
    if (f.declaring && !escapes.has(name)) {
      if (!inline.has(f.stmt)) inline.set(f.stmt, new Set());
      inline.get(f.stmt)!.add(name);
    } else {
      top.push(name);
    }
  }
  return { inline, top };
}
