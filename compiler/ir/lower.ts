// Babel AST → IR. Lowers one user function to A-normal form: every operation
// gets its own statement, operands are atoms, control flow stays structured.
// Anything outside the supported language is refused here with a located
// CompileError (this walk is the allowlist: an unknown node kind is an error).
import type * as t from '@babel/types';
import { CompileError, type Code, type SourceText } from '../diagnostics.js';
import { arrayResultIsArray, arrayRuleByName, mathConstants, scalarRule, variadic, type ArrayRule } from '../rules/index.js';
import { unwrapTs, type FunctionNode, type ParsedFunction } from '../parse/source.js';
import { checkDefiniteAssignment } from './assigned.js';
import { Namer } from './names.js';
import { bool, f64, v, type Atom, type BinaryOp, type Expr, type IrFunction, type Loc, type Stmt, type Type } from './nodes.js';

/** What a free identifier of the user's function refers to. */
export type Resolved =
  | { kind: 'function'; fn: ParsedFunction }
  | { kind: 'hook' }
  | { kind: 'prim'; name: string }
  | { kind: 'constant'; value: number }
  | { kind: 'namespace'; prefix: 'Math' | 'np' };

export interface LowerEnv {
  /** Resolves a free identifier; undefined if unknown. */
  resolve(name: string): Resolved | undefined;
  /** Names of array primitives (`np.dot` ...) known to the rule table. */
  isArrayPrim(name: string): boolean;
  /** The IR name chosen for a callee (unique across the module). */
  calleeName(fn: ParsedFunction): string;
  /** Whether a callee returns a number or a Float64Array (lowering it first if needed). */
  resultKind(fn: ParsedFunction): 'num' | 'array';
}

/**
 * Thrown when an untyped parameter turns out to be an array (it reaches a
 * place only an array may go): lowering is retried with that knowledge.
 */
export class ArrayHint {
  constructor(readonly fn: ParsedFunction, readonly param: string, readonly error: CompileError) {}
}

/** Free names of generated code: a user variable by one of these names is renamed. */
const RUNTIME_NAMES = new Set(['tape', 'np']);

/** Kinds of values while lowering; numbers are split into f64/i32 later by inferTypes. */
type Kind = 'num' | 'bool' | 'array';

interface Ctx { loopDepth: number }

export class Lowerer {
  readonly vars = new Map<string, Kind>();
  private readonly declared = new Set<string>();
  /** IR names declared `const`. */
  private readonly constants = new Set<string>();
  /** IR names declared without a value (`let y;`), with their source names: checked for definite assignment. */
  private readonly unset = new Map<string, string>();
  /** Where each read of an `unset` variable is in the source. */
  private readonly readAt = new WeakMap<Atom, t.Node>();
  readonly namer: Namer;
  private scopes: Map<string, string>[] = [];
  private out: Stmt[] = [];
  /** Callees this function calls, by IR name. */
  readonly callees = new Map<string, ParsedFunction>();
  readonly params: { name: string; kind: Kind; loc?: Loc }[] = [];
  /** Locals declared with a TS number/array annotation. */
  private readonly paramAnnot = new Map<string, Kind>();
  /** Names used as integers (indices, sizes), with where, for inferTypes. */
  readonly intUses: { atom: Atom; loc?: Loc; what: string }[] = [];
  /** Arrays allocated inside loops. */
  readonly arrayNames = new Set<string>();

  constructor(private readonly pf: ParsedFunction, private readonly env: LowerEnv, private readonly arrayHints: ReadonlySet<string> = new Set()) {
    this.namer = new Namer(collectIdentifiers(pf.node));
  }

  get source(): SourceText { return this.pf.source; }

  fail(code: Code, args: Record<string, string | number>, node?: t.Node | null): never {
    throw new CompileError(code, args, { fn: this.pf.name, at: node?.loc?.start, source: this.pf.source });
  }

  unsupported(node: t.Node, construct: string, remedy = 'rewrite it with numbers, Float64Arrays, loops and branches'): never {
    return this.fail('CT1101', { construct, remedy }, node);
  }

  lower(): { fn: IrFunction; kinds: Map<string, Kind> } {
    const node: FunctionNode = this.pf.node;
    if (node.async) this.unsupported(node, 'an async function', 'pass a synchronous function');
    if (node.generator) this.unsupported(node, 'a generator function', 'return a number or Float64Array instead');
    this.scopes.push(new Map());
    const arrays = arrayLikeParams(node);
    for (const p of node.params) {
      // TypeScript's `this` parameter types the receiver; cotangent does not pass one.
      if (p.type === 'Identifier' && p.name === 'this') this.unsupported(p, 'a `this` parameter', 'remove it, and pass what the function needs as arguments');
      if (p.type !== 'Identifier') {
        this.unsupported(p, p.type === 'RestElement' ? 'a rest parameter' : p.type === 'AssignmentPattern' ? 'a default parameter value' : 'a destructuring parameter',
          'declare plain parameters');
      }
      const annot = annotationKind(p);
      const kind: Kind = annot ?? (arrays.has(p.name) || this.arrayHints.has(p.name) ? 'array' : 'num');
      this.declare(p.name, kind, p);
      this.params.push({ name: this.lookup(p.name)!, kind, loc: p.loc?.start });
      if (annot) this.paramAnnot.set(p.name, annot);
    }
    if (node.body.type !== 'BlockStatement') {
      this.currentSrc = `return ${this.text(node.body).replace(/\s+/g, ' ')}`;
      const value = this.expr(node.body, { loopDepth: 0 });
      this.out.push({ kind: 'return', values: [value], loc: node.body.loc?.start });
    } else {
      this.block(node.body.body, { loopDepth: 0 });
    }
    const body = this.out;
    checkDefiniteAssignment(body, new Set(this.unset.keys()), (name, atom, stmt) => {
      const at = (atom && this.readAt.get(atom)?.loc?.start) ?? ('loc' in stmt ? stmt.loc : undefined);
      throw new CompileError('CT1111', { name: this.unset.get(name) ?? name }, { fn: this.pf.name, at, source: this.pf.source });
    });
    const types = new Map<string, Type>();
    for (const [n, k] of this.vars) types.set(n, k === 'array' ? 'f64[]' : k === 'bool' ? 'bool' : 'f64');
    const params = this.params.map((p) => ({ name: p.name, type: types.get(p.name)! }));
    const named = new Set([...this.declared].filter((n) => this.vars.has(n)));
    return { fn: { name: this.pf.name, params, results: [], body, vars: types, named, origin: { kind: 'source' } }, kinds: this.vars };
  }

  // ---- names and scopes -------------------------------------------------

  private declare(name: string, kind: Kind, node: t.Node): string {
    const top = this.scopes[this.scopes.length - 1];
    if (top.has(name)) this.fail('CT1101', { construct: `redeclaring \`${name}\``, remedy: 'use another name' }, node);
    // A name that shadows an outer one gets a fresh IR name.
    // Also renamed: names the generated code itself refers to (the runtime's `tape` and `np`).
    const shadows = this.scopes.some((s) => s.has(name)) || this.vars.has(name) || RUNTIME_NAMES.has(name);
    const irName = shadows ? this.namer.fresh(name) : name;
    this.namer.claim(irName);
    this.declared.add(irName);
    top.set(name, irName);
    this.vars.set(irName, kind);
    if (kind === 'array') this.arrayNames.add(irName);
    return irName;
  }

  private lookup(name: string): string | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const n = this.scopes[i].get(name);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  private temp(hint: string, kind: Kind): string {
    const n = this.namer.fresh(hint);
    this.vars.set(n, kind);
    if (kind === 'array') this.arrayNames.add(n);
    return n;
  }

  kindOf(a: Atom): Kind {
    if (a.kind === 'const') return a.type === 'bool' ? 'bool' : 'num';
    return this.vars.get(a.name) ?? 'num';
  }

  /** The user's statement being lowered, attached to what it lowers to. */
  private currentSrc: string | undefined;

  private emit(s: Stmt): void {
    if ((s.kind === 'assign' || s.kind === 'store') && !s.src && this.currentSrc) s.src = this.currentSrc;
    this.out.push(s);
  }

  private nested(f: () => void): Stmt[] {
    const saved = this.out;
    this.out = [];
    this.scopes.push(new Map());
    try { f(); return this.out; } finally { this.out = saved; this.scopes.pop(); }
  }

  // ---- statements -------------------------------------------------------

  private block(stmts: t.Statement[], ctx: Ctx): void {
    for (const s of stmts) this.stmt(s, ctx);
  }

  private stmt(s: t.Statement, ctx: Ctx): void {
    const loc = s.loc?.start;
    const src = statementText(this, s);
    if (src !== undefined) this.currentSrc = src;
    switch (s.type) {
      case 'EmptyStatement': return;
      case 'BlockStatement': this.out.push(...this.nested(() => this.block(s.body, ctx))); return;
      case 'VariableDeclaration': return this.varDecl(s, ctx);
      case 'ExpressionStatement': return this.exprStmt(s.expression, ctx);
      case 'ReturnStatement': {
        if (!s.argument) this.fail('CT1114', {}, s);
        const value = this.expr(s.argument, ctx);
        this.emit({ kind: 'return', values: [value], loc });
        return;
      }
      case 'IfStatement': {
        const cond = this.cond(s.test, ctx);
        const thenB = this.nested(() => this.stmt(s.consequent, ctx));
        const elseB = s.alternate ? this.nested(() => this.stmt(s.alternate!, ctx)) : [];
        this.emit({ kind: 'if', cond, then: thenB, else: elseB, loc });
        return;
      }
      case 'ForStatement': return this.forStmt(s, ctx);
      case 'WhileStatement': {
        const inner = { loopDepth: ctx.loopDepth + 1 };
        let cond!: Atom;
        const test = this.nested(() => { cond = this.cond(s.test, inner); });
        const body = this.nested(() => this.stmt(s.body, inner));
        this.emit({ kind: 'while', test, cond, body, update: [], loc });
        return;
      }
      case 'DoWhileStatement': {
        const inner = { loopDepth: ctx.loopDepth + 1 };
        if (continuesHere(s.body)) {
          // A `continue` lands on the condition, which therefore goes in the loop's test, skipped
          // on the first pass: first = true; while (first || c) { first = false; body }.
          const first = this.temp('first', 'bool');
          this.emit({ kind: 'assign', target: first, expr: { kind: 'atom', value: bool(true) } });
          const again = this.temp('again', 'bool');
          const test = this.nested(() => {
            let c!: Atom;
            const check = this.nested(() => { c = this.cond(s.test, inner); });
            check.push({ kind: 'assign', target: again, expr: { kind: 'atom', value: c } });
            this.emit({ kind: 'if', cond: v(first), then: [{ kind: 'assign', target: again, expr: { kind: 'atom', value: bool(true) } }], else: check });
          });
          const body = this.nested(() => {
            this.emit({ kind: 'assign', target: first, expr: { kind: 'atom', value: bool(false) } });
            this.stmt(s.body, inner);
          });
          this.emit({ kind: 'while', test, cond: v(again), body, update: [], loc });
          return;
        }
        // do { body } while (c)  ==>  loop { body; if (!c) break }: the test runs after the body.
        const body = this.nested(() => {
          this.stmt(s.body, inner);
          const c = this.cond(s.test, inner);
          const notC = this.temp('stop', 'bool');
          this.emit({ kind: 'assign', target: notC, expr: { kind: 'unary', op: 'not', arg: c } });
          this.emit({ kind: 'if', cond: v(notC), then: [{ kind: 'break' }], else: [] });
        });
        this.emit({ kind: 'while', test: [], cond: bool(true), body, update: [], loc });
        return;
      }
      case 'BreakStatement':
      case 'ContinueStatement':
        if (s.label) this.unsupported(s, 'a labelled break or continue', 'restructure the loops, or use a flag');
        if (ctx.loopDepth === 0) this.unsupported(s, `\`${s.type === 'BreakStatement' ? 'break' : 'continue'}\` outside a loop`);
        this.emit({ kind: s.type === 'BreakStatement' ? 'break' : 'continue', loc });
        return;
      case 'FunctionDeclaration':
        return this.unsupported(s, 'a nested function declaration', 'define helpers at the top level and pass them in `scope`');
      case 'ClassDeclaration': return this.unsupported(s, 'a class');
      case 'TryStatement': return this.unsupported(s, '`try`', 'differentiated code cannot catch exceptions; check inputs before calling');
      case 'ThrowStatement': return this.unsupported(s, '`throw`', 'check inputs before calling the function');
      case 'SwitchStatement': return this.unsupported(s, '`switch`', 'use if / else if');
      case 'ForOfStatement': return this.unsupported(s, '`for…of`', 'use a counted loop: for (let i = 0; i < a.length; i++)');
      case 'ForInStatement': return this.unsupported(s, '`for…in`', 'use a counted loop');
      case 'LabeledStatement': return this.unsupported(s, 'a labelled statement', 'restructure the loops, or use a flag');
      case 'WithStatement': return this.unsupported(s, '`with`');
      case 'DebuggerStatement': return;
      case 'TSTypeAliasDeclaration': case 'TSInterfaceDeclaration': return;
      default: return this.unsupported(s, `a ${s.type}`);
    }
  }

  private varDecl(s: t.VariableDeclaration, ctx: Ctx): void {
    if (s.kind !== 'const' && s.kind !== 'let' && s.kind !== 'var') this.unsupported(s, `a \`${s.kind}\` declaration`);
    for (const d of s.declarations) {
      if (d.id.type !== 'Identifier') this.unsupported(d.id, 'a destructuring declaration', 'declare one variable at a time');
      const name = d.id.name;
      const annot = annotationKind(d.id);
      if (!d.init) {
        // `let y;` declares; the first assignment decides the kind.
        this.unset.set(this.declare(name, annot ?? 'num', d), name);
        continue;
      }
      const value = this.expr(d.init, ctx, name);
      const kind = this.kindOf(value);
      if (annot && annot !== kind) this.fail('CT1109', { name, kind, other: annot }, d);
      const irName = this.declare(name, kind, d);
      if (s.kind === 'const') this.constants.add(irName);
      this.assignTo(irName, value, d.loc?.start);
    }
  }

  /** `target = value`, reusing the temporary that computed value when there is one. */
  private assignTo(target: string, value: Atom, loc?: Loc): void {
    const last = this.out[this.out.length - 1];
    if (value.kind === 'var' && last?.kind === 'assign' && last.target === value.name && this.isTemp(value.name)) {
      // t = e; x = t  ==>  x = e
      this.out.pop();
      this.vars.delete(value.name);
      this.arrayNames.delete(value.name);
      this.emit({ ...last, target, loc: loc ?? last.loc });
      return;
    }
    this.emit({ kind: 'assign', target, expr: { kind: 'atom', value }, loc });
  }

  private readonly temps = new Set<string>();
  private isTemp(n: string): boolean { return this.temps.has(n); }

  private exprStmt(e: t.Expression, ctx: Ctx): void {
    e = unwrapTs(e);
    if (e.type === 'AssignmentExpression') return this.assignment(e, ctx);
    if (e.type === 'UpdateExpression') return this.update(e, ctx);
    if (e.type === 'StringLiteral' && e.value === 'use strict') return;
    if (e.type === 'CallExpression') { this.expr(e, ctx); return; }
    if (e.type === 'SequenceExpression') { for (const x of e.expressions) this.exprStmt(x, ctx); return; }
    this.unsupported(e, 'an expression statement with no effect', 'remove it');
  }

  private assignment(e: t.AssignmentExpression, ctx: Ctx): void {
    const ops: Record<string, BinaryOp | null> = { '=': null, '+=': '+', '-=': '-', '*=': '*', '/=': '/', '**=': '**', '%=': '%' };
    if (!(e.operator in ops)) this.unsupported(e, `the \`${e.operator}\` operator`);
    const op = ops[e.operator];
    const left = e.left;
    if (left.type === 'Identifier') {
      const irName = this.localOrFail(left.name, left);
      // Running the function would throw a TypeError here: refuse rather than differentiate it.
      if (this.constants.has(irName)) this.fail('CT1117', { name: left.name }, left);
      const kind = this.vars.get(irName)!;
      let value = this.expr(e.right, ctx, left.name);
      if (op) value = this.binary(op, this.read(irName, left), value, left.name, e);
      const vk = this.kindOf(value);
      if (kind === 'array' || vk === 'array') {
        if (kind !== vk) this.fail('CT1109', { name: left.name, kind: vk === 'array' ? 'Float64Array' : 'number', other: kind === 'array' ? 'Float64Array' : 'number' }, e);
        this.fail('CT1108', { name: left.name }, e);
      }
      if (kind === 'bool' && vk !== 'bool') this.fail('CT1109', { name: left.name, kind: 'number', other: 'boolean' }, e);
      if (kind === 'num' && vk === 'bool') this.vars.set(irName, 'bool');
      this.assignTo(irName, value, e.loc?.start);
      return;
    }
    if (left.type === 'MemberExpression' && left.computed) {
      const array = this.arrayOperand(left.object as t.Expression, ctx);
      if (this.params.some((p) => p.name === array)) this.fail('CT1105', { name: array }, left);
      const index = this.index(left.property as t.Expression, ctx);
      let value = this.expr(e.right, ctx);
      if (this.kindOf(value) !== 'num') this.unsupported(e.right, 'storing a non-number into a Float64Array');
      if (op === '+') { this.emit({ kind: 'store', array, index, value, accumulate: true, loc: e.loc?.start }); return; }
      if (op) {
        const old = this.temp(`${array}_old`, 'num');
        this.emit({ kind: 'assign', target: old, expr: { kind: 'load', array, index } });
        value = this.binary(op, v(old), value, array, e);
      }
      this.emit({ kind: 'store', array, index, value, accumulate: false, loc: e.loc?.start });
      return;
    }
    this.unsupported(left, 'this assignment target', 'assign to a local variable or an array element a[i]');
  }

  private update(e: t.UpdateExpression, ctx: Ctx): void {
    const one: t.NumericLiteral = { type: 'NumericLiteral', value: 1, loc: e.loc } as t.NumericLiteral;
    this.assignment({ type: 'AssignmentExpression', operator: e.operator === '++' ? '+=' : '-=', left: e.argument as t.LVal, right: one, loc: e.loc } as t.AssignmentExpression, ctx);
  }

  private localOrFail(name: string, node: t.Node): string {
    const irName = this.lookup(name);
    if (irName !== undefined) return irName;
    if (this.env.resolve(name)) this.fail('CT1104', { name }, node);
    return this.fail('CT1102', { name }, node);
  }

  private forStmt(s: t.ForStatement, ctx: Ctx): void {
    const inner = { loopDepth: ctx.loopDepth + 1 };
    const counted = countedLoop(s);
    this.scopes.push(new Map());
    try {
      if (counted && !assignsName(s.body, counted.index)) {
        const start = this.expr(counted.start, ctx);
        const end = this.expr(counted.end, ctx);
        // The bound must not change inside the loop.
        const endInvariant = end.kind === 'const' || !assignsName(s.body, endSourceName(counted.end) ?? '');
        if (endInvariant) {
          const index = this.declare(counted.index, 'num', s);
          const body = this.nested(() => this.stmt(s.body, inner));
          this.emit({ kind: 'for', index, start, end, step: counted.step, inclusive: counted.inclusive, body, loc: s.loc?.start });
          return;
        }
      }
      if (s.init) {
        if (s.init.type === 'VariableDeclaration') this.varDecl(s.init, ctx);
        else this.exprStmt(s.init, ctx);
      }
      let cond: Atom = bool(true);
      const test = this.nested(() => { if (s.test) cond = this.cond(s.test, inner); });
      const body = this.nested(() => this.stmt(s.body, inner));
      const update = this.nested(() => { if (s.update) this.exprStmt(s.update, inner); });
      this.emit({ kind: 'while', test, cond, body, update, loc: s.loc?.start });
    } finally {
      this.scopes.pop();
    }
  }

  // ---- expressions ------------------------------------------------------

  /** Lowers an expression used as a condition; a number is true when it is neither 0 nor NaN, as in JS. */
  private cond(e: t.Expression, ctx: Ctx): Atom {
    const a = this.expr(e, ctx);
    if (this.kindOf(a) === 'bool') return a;
    if (this.kindOf(a) === 'array') this.unsupported(e, 'an array used as a condition');
    const nonzero = this.binary('!=', a, f64(0), 'nonzero', e);
    if (a.kind === 'const') return nonzero;
    const notNaN = this.binary('==', a, a, 'not_nan', e);
    return this.binary('&&', nonzero, notNaN, 'truthy', e);
  }

  private index(e: t.Expression, ctx: Ctx): Atom {
    const a = this.expr(e, ctx);
    if (this.kindOf(a) !== 'num') this.fail('CT1110', { what: this.text(e) }, e);
    this.intUses.push({ atom: a, loc: e.loc?.start, what: this.text(e) });
    return a;
  }

  text(node: t.Node): string {
    return node.start != null && node.end != null ? this.pf.source.text.slice(node.start, node.end) : node.type;
  }

  private arrayOperand(e: t.Expression, ctx: Ctx): string {
    const a = this.expr(e, ctx);
    if (a.kind !== 'var' || this.kindOf(a) !== 'array') this.unsupported(e, `indexing \`${this.text(e)}\`, which is not a Float64Array`);
    return a.name;
  }

  private binary(op: BinaryOp, left: Atom, right: Atom, hint: string, node: t.Node): Atom {
    if (this.kindOf(left) === 'array' || this.kindOf(right) === 'array') {
      this.unsupported(node, `\`${op}\` on a Float64Array`, 'use a loop, or the element-wise operations of cotangent/np');
    }
    const isCmp = ['<', '<=', '>', '>=', '==', '!=', '&&', '||'].includes(op);
    const t = this.temp(hint, isCmp ? 'bool' : 'num');
    this.temps.add(t);
    this.emit({ kind: 'assign', target: t, expr: { kind: 'binary', op, left, right }, loc: node.loc?.start });
    return v(t);
  }

  private define(hint: string, kind: Kind, expr: Expr, node: t.Node): Atom {
    const t = this.temp(hint, kind);
    this.temps.add(t);
    this.emit({ kind: 'assign', target: t, expr, loc: node.loc?.start });
    return v(t);
  }

  /** Lowers an expression to an atom, emitting the statements that compute it. */
  expr(e: t.Expression | t.Node, ctx: Ctx, hint?: string): Atom {
    const node = e as t.Expression;
    switch (node.type) {
      case 'NumericLiteral': return f64(node.value);
      case 'BooleanLiteral': return bool(node.value);
      case 'ParenthesizedExpression': case 'TSAsExpression': case 'TSNonNullExpression': case 'TSTypeAssertion': case 'TSSatisfiesExpression':
        return this.expr(node.expression, ctx, hint);
      case 'Identifier': return this.identifier(node);
      case 'UnaryExpression': return this.unary(node, ctx, hint);
      case 'BinaryExpression': return this.binaryExpr(node, ctx, hint);
      case 'LogicalExpression': return this.logical(node, ctx, hint);
      case 'ConditionalExpression': return this.conditional(node, ctx, hint);
      case 'MemberExpression': return this.member(node, ctx, hint);
      case 'CallExpression': return this.call(node, ctx, hint);
      case 'NewExpression': return this.newExpr(node, ctx, hint);
      case 'AssignmentExpression': return this.unsupported(node, 'an assignment inside an expression', 'make the assignment its own statement');
      case 'UpdateExpression': return this.unsupported(node, `\`${node.operator}\` inside an expression`, 'make the update its own statement');
      case 'SequenceExpression': return this.unsupported(node, 'the comma operator');
      case 'StringLiteral': case 'TemplateLiteral': return this.unsupported(node, 'a string', 'cotangent differentiates numeric code only');
      case 'ObjectExpression': return this.unsupported(node, 'an object literal', 'pass numbers and Float64Arrays');
      case 'ArrayExpression': return this.unsupported(node, 'an array literal', 'use new Float64Array(n) and fill it');
      case 'ThisExpression': return this.unsupported(node, '`this`', 'pass what you need as arguments');
      case 'ArrowFunctionExpression': case 'FunctionExpression': return this.unsupported(node, 'a nested function (closure)', 'define helpers at the top level and pass them in `scope`');
      case 'AwaitExpression': return this.unsupported(node, '`await`');
      case 'YieldExpression': return this.unsupported(node, '`yield`');
      case 'NullLiteral': return this.unsupported(node, '`null`');
      case 'ClassExpression': return this.unsupported(node, 'a class');
      case 'OptionalMemberExpression': case 'OptionalCallExpression': return this.unsupported(node, 'optional chaining (`?.`)');
      default: return this.unsupported(node, `a ${node.type}`);
    }
  }

  /** A read of a local, remembered with its place if the variable may be read before it is assigned. */
  private read(irName: string, node: t.Node): Atom {
    const a = v(irName);
    if (this.unset.has(irName)) this.readAt.set(a, node);
    return a;
  }

  private identifier(node: t.Identifier): Atom {
    const irName = this.lookup(node.name);
    if (irName !== undefined) return this.read(irName, node);
    if (node.name === 'Infinity') return f64(Infinity);
    if (node.name === 'NaN') return f64(NaN);
    if (node.name === 'undefined') this.unsupported(node, '`undefined`');
    if (node.name === 'arguments') this.unsupported(node, '`arguments`', 'declare the parameters by name');
    if (node.name === 'eval') this.unsupported(node, '`eval`');
    const r = this.env.resolve(node.name);
    if (r?.kind === 'constant') return f64(r.value);
    if (r) this.unsupported(node, `using the function \`${node.name}\` as a value`, 'call it directly');
    return this.fail('CT1102', { name: node.name }, node);
  }

  private unary(node: t.UnaryExpression, ctx: Ctx, hint?: string): Atom {
    if (node.operator === '+') return this.expr(node.argument, ctx, hint);
    if (node.operator === '-') {
      if (node.argument.type === 'NumericLiteral') return f64(-node.argument.value);
      const a = this.expr(node.argument, ctx);
      if (this.kindOf(a) !== 'num') this.unsupported(node, 'negating a non-number');
      return this.define(hint ?? `neg_${a.kind === 'var' ? a.name : 'c'}`, 'num', { kind: 'unary', op: 'neg', arg: a }, node);
    }
    if (node.operator === '!') {
      const a = this.cond(node.argument, ctx);
      return this.define(hint ?? 'not', 'bool', { kind: 'unary', op: 'not', arg: a }, node);
    }
    return this.unsupported(node, `the \`${node.operator}\` operator`);
  }

  private binaryExpr(node: t.BinaryExpression, ctx: Ctx, hint?: string): Atom {
    // A left-nested chain (`a + b + c + …`) is walked as a loop over its left spine:
    // recursing once per operator overflows the stack on long sums.
    const spine: t.BinaryExpression[] = [];
    let leaf: t.Expression = node;
    while (leaf.type === 'BinaryExpression') {
      if (leaf.left.type === 'PrivateName') this.unsupported(leaf, 'a private name');
      const op = leaf.operator;
      if (!(op in BINARY_OPS) && !isToInt(leaf)) {
        this.unsupported(leaf, `the \`${op}\` operator`, op === '|' ? 'only `x | 0` (truncation to an integer) is supported' : undefined);
      }
      spine.push(leaf);
      leaf = leaf.left as t.Expression;
    }
    let acc = this.expr(leaf, ctx);
    for (let k = spine.length - 1; k >= 0; k--) {
      const b = spine[k];
      const h = k === 0 ? hint : undefined;
      if (isToInt(b)) { acc = this.define(h ?? 'int', 'num', { kind: 'unary', op: 'toInt', arg: acc }, b); continue; }
      const op = BINARY_OPS[b.operator];
      const right = this.expr(b.right, ctx);
      for (const [a, side] of [[acc, b.left], [right, b.right]] as const) {
        if (this.kindOf(a) === 'bool' && !['==', '!='].includes(op)) this.unsupported(side, 'arithmetic or ordering on a boolean');
      }
      acc = this.binary(op, acc, right, h ?? binaryHint(op), b);
    }
    return acc;
  }

  private logical(node: t.LogicalExpression, ctx: Ctx, hint?: string): Atom {
    if (node.operator === '??') this.unsupported(node, 'the `??` operator');
    const left = this.cond(node.left, ctx);
    // The right side runs only when needed (it may read past an array's end otherwise).
    let right!: Atom;
    const rightStmts = this.nested(() => { right = this.cond(node.right, ctx); });
    // Cheap, effect-free right sides (comparisons of values at hand) are evaluated eagerly.
    const eager = rightStmts.every((x) => x.kind === 'assign' && (x.expr.kind === 'binary' || x.expr.kind === 'unary' || x.expr.kind === 'atom'));
    if (eager) {
      this.out.push(...rightStmts);
      return this.binary(node.operator === '&&' ? '&&' : '||', left, right, hint ?? 'both', node);
    }
    const t = this.temp(hint ?? (node.operator === '&&' ? 'both' : 'either'), 'bool');
    this.emit({ kind: 'assign', target: t, expr: { kind: 'atom', value: left }, loc: node.loc?.start });
    const set: Stmt = { kind: 'assign', target: t, expr: { kind: 'atom', value: right } };
    this.emit(node.operator === '&&'
      ? { kind: 'if', cond: v(t), then: [...rightStmts, set], else: [] }
      : { kind: 'if', cond: v(t), then: [], else: [...rightStmts, set] });
    return v(t);
  }

  private conditional(node: t.ConditionalExpression, ctx: Ctx, hint?: string): Atom {
    const cond = this.cond(node.test, ctx);
    let a!: Atom, b!: Atom;
    const thenB = this.nested(() => { a = this.expr(node.consequent, ctx); });
    const elseB = this.nested(() => { b = this.expr(node.alternate, ctx); });
    const ka = this.kindOf(a), kb = this.kindOf(b);
    if (ka !== kb) this.unsupported(node, 'a conditional whose branches have different kinds');
    if (ka === 'array') this.unsupported(node, 'a conditional choosing between arrays', 'use if / else and write into one array');
    const t = this.temp(hint ?? 'choice', ka);
    thenB.push({ kind: 'assign', target: t, expr: { kind: 'atom', value: a } });
    elseB.push({ kind: 'assign', target: t, expr: { kind: 'atom', value: b } });
    this.emit({ kind: 'if', cond, then: thenB, else: elseB, loc: node.loc?.start });
    return v(t);
  }

  private member(node: t.MemberExpression, ctx: Ctx, hint?: string): Atom {
    const obj = node.object;
    if (obj.type === 'ThisExpression') this.unsupported(obj, '`this`', 'pass what you need as arguments');
    if (!node.computed && node.property.type === 'Identifier') {
      const prop = node.property.name;
      if (obj.type === 'Identifier' && this.lookup(obj.name) === undefined) {
        const r = obj.name === 'Math' ? { kind: 'namespace', prefix: 'Math' } as const : this.env.resolve(obj.name);
        if (r?.kind === 'namespace' && r.prefix === 'Math') {
          if (prop in mathConstants) return f64(mathConstants[prop]);
          this.unsupported(node, `\`Math.${prop}\` used as a value`, 'call it');
        }
        if (r?.kind === 'namespace') this.unsupported(node, `\`${obj.name}.${prop}\` used as a value`, 'call it');
      }
      if (prop === 'length') {
        const a = this.arrayOperand(obj as t.Expression, ctx);
        return this.define(hint ?? `${a}_length`.replace(/_length$/, 'len').replace(/^(.*)len$/, '$1_len'), 'num', { kind: 'length', array: a }, node);
      }
      this.unsupported(node, `the property \`.${prop}\``, 'only `.length` of a Float64Array is supported');
    }
    if (!node.computed) this.unsupported(node, 'this member expression');
    const array = this.arrayOperand(obj as t.Expression, ctx);
    const index = this.index(node.property as t.Expression, ctx);
    const ih = index.kind === 'var' ? index.name : index.kind === 'const' ? String(index.value) : 'k';
    return this.define(hint ?? `${array}_${ih}`, 'num', { kind: 'load', array, index }, node);
  }

  private newExpr(node: t.NewExpression, ctx: Ctx, hint?: string): Atom {
    if (node.callee.type === 'Identifier' && node.callee.name === 'Float64Array' && node.arguments.length === 1) {
      const len = this.expr(node.arguments[0] as t.Expression, ctx);
      if (this.kindOf(len) !== 'num') this.unsupported(node, 'new Float64Array from something other than a length', 'allocate with a length and fill it in a loop');
      this.intUses.push({ atom: len, loc: node.arguments[0].loc?.start, what: this.text(node.arguments[0]) });
      return this.define(hint ?? 'arr', 'array', { kind: 'alloc', length: len }, node);
    }
    return this.unsupported(node, `\`new ${node.callee.type === 'Identifier' ? node.callee.name : '…'}\``, 'only `new Float64Array(n)` is supported');
  }

  private call(node: t.CallExpression, ctx: Ctx, hint?: string): Atom {
    const callee = node.callee;
    let prim: string | undefined;
    let fn: ParsedFunction | undefined;
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.object.type === 'Identifier'
      && this.lookup(callee.object.name) === undefined) {
      const ns = callee.object.name === 'Math' ? 'Math' : this.env.resolve(callee.object.name)?.kind === 'namespace'
        ? (this.env.resolve(callee.object.name) as { prefix: 'Math' | 'np' }).prefix : undefined;
      if (ns) prim = `${ns}.${callee.property.name}`;
      else this.fail('CT1103', { name: this.text(callee) }, callee);
    } else if (callee.type === 'Identifier') {
      if (this.lookup(callee.name) !== undefined) this.fail('CT1103', { name: callee.name }, callee);
      if (callee.name === 'eval' || callee.name === 'Function') this.unsupported(callee, `\`${callee.name}\``, 'write the code directly');
      const r = this.env.resolve(callee.name);
      if (!r) this.fail('CT1102', { name: callee.name }, callee);
      if (r.kind === 'prim') prim = r.name;
      else if (r.kind === 'function') fn = r.fn;
      else if (r.kind === 'hook') return this.hook(node, ctx, hint);
      else this.fail('CT1103', { name: callee.name }, callee);
    } else {
      this.fail('CT1103', { name: this.text(callee) }, callee);
    }
    for (const a of node.arguments) if (a.type === 'SpreadElement') this.unsupported(a, 'a spread argument', 'pass the arguments one by one');
    const args = node.arguments.map((a) => this.expr(a as t.Expression, ctx));
    if (prim !== undefined) return this.primCall(prim, args, node, hint);
    const irCallee = this.env.calleeName(fn!);
    this.callees.set(irCallee, fn!);
    return this.define(hint ?? irCallee, this.env.resultKind(fn!), { kind: 'call', callee: irCallee, args }, node);
  }

  /** A cotangent/np operation: arguments checked against the rule's kinds; sizes and indices are integers. */
  private arrayPrim(rule: ArrayRule, args: Atom[], node: t.CallExpression, hint?: string): Atom {
    const want = rule.args;
    const optional = want[want.length - 1]?.kind === 'optIndex';
    if (args.length !== want.length && !(optional && args.length === want.length - 1)) {
      this.fail('CT1107', { name: rule.name, got: args.length, want: want.length }, node);
    }
    args.forEach((a, i) => {
      const k = this.kindOf(a);
      const w = want[i].kind;
      const ok = w === 'array' ? k === 'array' : w === 'operand' ? k !== 'bool' : k === 'num';
      if (!ok) {
        const param = w === 'array' && k === 'num' ? this.paramBehind(a) : undefined;
        if (param) {
          try { this.unsupported(node.arguments[i], `passing a number as \`${want[i].name}\` of \`${rule.name}\``); } catch (e) { throw new ArrayHint(this.pf, param, e as CompileError); }
        }
        this.unsupported(node.arguments[i], `passing a ${k === 'array' ? 'Float64Array' : k === 'bool' ? 'boolean' : 'number'} as \`${want[i].name}\` of \`${rule.name}\``,
          `\`${want[i].name}\` takes ${w === 'array' ? 'a Float64Array' : w === 'operand' ? 'a number or a Float64Array' : w === 'number' ? 'a number' : 'an integer'}`);
      }
      if (w === 'size' || w === 'index' || w === 'optIndex') this.intUses.push({ atom: a, loc: node.arguments[i].loc?.start, what: this.text(node.arguments[i]) });
    });
    const isArray = arrayResultIsArray(rule, args.map((a) => this.kindOf(a) === 'array'));
    const result = this.define(hint ?? rule.name.replace(/^np\./, ''), isArray ? 'array' : 'num', { kind: 'prim', name: rule.name, args }, node);
    if (rule.result === 'operand' && result.kind === 'var') this.npDefs.set(result.name, args);
    return result;
  }

  /** The untyped parameter a number-kinded value comes from through element-wise np operations, if any. */
  private paramBehind(a: Atom): string | undefined {
    if (a.kind !== 'var') return undefined;
    const p = this.params.find((q) => q.name === a.name);
    if (p) return this.paramAnnot.has(a.name) || this.arrayHints.has(a.name) ? undefined : a.name;
    const def = this.npDefs.get(a.name);
    if (!def) return undefined;
    for (const arg of def) { const q = this.paramBehind(arg); if (q) return q; }
    return undefined;
  }

  /** Operands of the element-wise np operation that defined each temporary. */
  private readonly npDefs = new Map<string, Atom[]>();

  /** `adjointHook(x, h)`: the value x, whose adjoint passes through h(dx, x) on the way back. */
  private hook(node: t.CallExpression, ctx: Ctx, hint?: string): Atom {
    const [value, fnArg] = node.arguments;
    if (node.arguments.length !== 2 || fnArg.type !== 'Identifier') {
      this.unsupported(node, 'this use of adjointHook', 'write adjointHook(value, hookFunction) with a function from `scope`');
    }
    const r = this.env.resolve(fnArg.name);
    if (r?.kind !== 'function') this.fail('CT1103', { name: fnArg.name }, fnArg);
    const x = this.expr(value as t.Expression, ctx);
    if (this.kindOf(x) !== 'num') this.unsupported(value, 'an adjoint hook on a non-number', 'hook a scalar value');
    const callee = this.env.calleeName(r.fn);
    this.callees.set(callee, r.fn);
    const t = this.temp(hint ?? 'hooked', 'num');
    this.emit({ kind: 'assign', target: t, expr: { kind: 'atom', value: x }, loc: node.loc?.start, hook: callee });
    return v(t);
  }

  private primCall(name: string, args: Atom[], node: t.CallExpression, hint?: string): Atom {
    const rule = scalarRule(name);
    if (rule) {
      for (const [i, a] of args.entries()) {
        if (this.kindOf(a) !== 'num') this.unsupported(node.arguments[i], `passing a ${this.kindOf(a) === 'array' ? 'Float64Array' : 'boolean'} to \`${name}\``, 'use cotangent/np for element-wise operations');
      }
      const short = name.replace(/^Math\./, '');
      if (variadic.has(name) && args.length > 2) {
        let acc = args[0];
        for (let i = 1; i < args.length; i++) acc = this.define(i === args.length - 1 ? (hint ?? short) : short, 'num', { kind: 'prim', name, args: [acc, args[i]] }, node);
        return acc;
      }
      if (args.length !== rule.args.length && !(rule.variadic && args.length > 2)) {
        this.fail('CT1107', { name, got: args.length, want: rule.args.length }, node);
      }
      const argHint = args.length === 1 && args[0].kind === 'var' ? `${short}_${args[0].name}` : short;
      return this.define(hint ?? argHint, 'num', { kind: 'prim', name, args }, node);
    }
    const arrayRule = arrayRuleByName.get(name);
    if (arrayRule && this.env.isArrayPrim(name)) return this.arrayPrim(arrayRule, args, node, hint);
    return this.fail('CT1103', { name }, node.callee);
  }
}

const BINARY_OPS: Record<string, BinaryOp> = {
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '**': '**',
  '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '==', '===': '==', '!=': '!=', '!==': '!=',
};

/** `x | 0`: truncation to an integer, the one bitwise form supported. */
const isToInt = (e: t.BinaryExpression) => e.operator === '|' && e.right.type === 'NumericLiteral' && e.right.value === 0;

function binaryHint(op: BinaryOp): string {
  const words: Partial<Record<BinaryOp, string>> = { '+': 'sum', '-': 'diff', '*': 'prod', '/': 'quot', '**': 'pow', '%': 'rem' };
  return words[op] ?? 'cond';
}

function annotationKind(id: t.Identifier): Kind | undefined {
  const ta = id.typeAnnotation;
  if (!ta || ta.type !== 'TSTypeAnnotation') return undefined;
  const ty = ta.typeAnnotation;
  if (ty.type === 'TSNumberKeyword') return 'num';
  if (ty.type === 'TSBooleanKeyword') return 'bool';
  if (ty.type === 'TSTypeReference' && ty.typeName.type === 'Identifier' && ty.typeName.name === 'Float64Array') return 'array';
  if (ty.type === 'TSArrayType' && ty.elementType.type === 'TSNumberKeyword') return 'array';
  return undefined;
}

/** Parameters used as arrays (`p[i]`, `p.length`) in an untyped function. */
function arrayLikeParams(node: FunctionNode): Set<string> {
  const names = new Set<string>();
  visit(node.body, (n) => {
    if (n.type === 'MemberExpression' && n.object.type === 'Identifier') {
      if (n.computed || (n.property.type === 'Identifier' && n.property.name === 'length')) names.add(n.object.name);
    }
  });
  return names;
}

/** Every identifier in a function: the Namer never hands these out. */
function collectIdentifiers(node: t.Node): Set<string> {
  const names = new Set<string>();
  visit(node, (n) => { if (n.type === 'Identifier') names.add(n.name); });
  return names;
}

/** Calls f on every node under `node`, not looking inside nodes for which `descend` says no. */
function visit(node: t.Node, f: (n: t.Node) => void, descend?: (n: t.Node) => boolean): void {
  f(node);
  if (descend && !descend(node)) return;
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'start' || key === 'end' || key === 'extra' || key.endsWith('Comments')) continue;
    const child = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(child)) { for (const c of child) if (c && typeof c === 'object' && 'type' in c) visit(c as t.Node, f, descend); }
    else if (child && typeof child === 'object' && 'type' in child) visit(child as t.Node, f, descend);
  }
}

/** Whether `s` holds a `continue` of the loop whose body it is (one inside a nested loop belongs to that loop). */
function continuesHere(s: t.Node): boolean {
  let found = false;
  visit(s, (n) => { if (n.type === 'ContinueStatement') found = true; },
    (n) => n === s || !/^(For|ForIn|ForOf|While|DoWhile)Statement$|Function/.test(n.type));
  return found;
}

function assignsName(s: t.Node, name: string): boolean {
  let found = false;
  visit(s, (n) => {
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === name) found = true;
    if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier' && n.argument.name === name) found = true;
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.id.name === name) found = true;
  });
  return found;
}

function endSourceName(e: t.Expression): string | undefined {
  const u = unwrapTs(e);
  return u.type === 'Identifier' ? u.name : undefined;
}

/** Recognises `for (let i = a; i < b; i++)` (and `<=`, `>`, `>=`, `i--`, `i += 1`, `i -= 1`). */
function countedLoop(s: t.ForStatement): { index: string; start: t.Expression; end: t.Expression; step: 1 | -1; inclusive: boolean } | undefined {
  const init = s.init;
  if (!init || init.type !== 'VariableDeclaration' || init.kind === 'const' || init.declarations.length !== 1) return undefined;
  const d = init.declarations[0];
  if (d.id.type !== 'Identifier' || !d.init) return undefined;
  const index = d.id.name;
  const test = s.test && unwrapTs(s.test);
  if (!test || test.type !== 'BinaryExpression' || test.left.type !== 'Identifier' || test.left.name !== index) return undefined;
  if (!['<', '<=', '>', '>='].includes(test.operator)) return undefined;
  const up = s.update && unwrapTs(s.update);
  let step: 1 | -1 | undefined;
  if (up?.type === 'UpdateExpression' && up.argument.type === 'Identifier' && up.argument.name === index) step = up.operator === '++' ? 1 : -1;
  if (up?.type === 'AssignmentExpression' && up.left.type === 'Identifier' && up.left.name === index
    && up.right.type === 'NumericLiteral' && up.right.value === 1 && (up.operator === '+=' || up.operator === '-=')) step = up.operator === '+=' ? 1 : -1;
  if (!step) return undefined;
  const ascending = test.operator === '<' || test.operator === '<=';
  if ((step === 1) !== ascending) return undefined;
  // The bound is evaluated once before the loop, so it must not read anything the body assigns;
  // we accept identifiers (checked by the caller), literals and `.length`.
  const end = unwrapTs(test.right as t.Expression);
  const simple = end.type === 'Identifier' || end.type === 'NumericLiteral'
    || (end.type === 'MemberExpression' && !end.computed && end.property.type === 'Identifier' && end.property.name === 'length' && end.object.type === 'Identifier')
    || (end.type === 'BinaryExpression' && (end.left.type === 'Identifier' || end.left.type === 'MemberExpression') && end.right.type === 'NumericLiteral');
  if (!simple) return undefined;
  if (end.type === 'BinaryExpression' && end.left.type === 'Identifier' && assignsName(s.body, end.left.name)) return undefined;
  return { index, start: d.init, end, step, inclusive: test.operator === '<=' || test.operator === '>=' };
}

/** The text a `// grad of:` comment shows for a statement: the statement itself, or a control header. */
function statementText(lw: Lowerer, s: t.Statement): string | undefined {
  const one = (x: string) => x.replace(/\s+/g, ' ').replace(/;$/, '').trim();
  switch (s.type) {
    case 'VariableDeclaration': case 'ExpressionStatement': case 'ReturnStatement': return one(lw.text(s));
    case 'IfStatement': return `if (${one(lw.text(s.test))})`;
    case 'WhileStatement': return `while (${one(lw.text(s.test))})`;
    case 'ForStatement': return `for (${s.init ? one(lw.text(s.init)) : ''}; ${s.test ? one(lw.text(s.test)) : ''}; ${s.update ? one(lw.text(s.update)) : ''})`;
    default: return undefined;
  }
}
