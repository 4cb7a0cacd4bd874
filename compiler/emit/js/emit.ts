// IR → readable JavaScript, through Babel's AST and @babel/generator.
// Single-use temporaries are folded back into the expression that uses them
// (the IR is one operation per statement; people read expressions), variables
// are declared where they are first assigned when that scope covers every use,
// and `// grad of:` comments mark the adjoint of each source statement.
import generateModule from '@babel/generator';
import * as t from '@babel/types';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { assertNever, type Atom, type Expr, type IrFunction, type IrModule, type Loc, type Stmt } from '../../ir/nodes.js';
import { childBlocks, exprReads, forEachStmt, readBeforeAssigned, stmtReads, stmtWrites, WriteIndex } from '../../ir/walk.js';
import { scalarRule } from '../../rules/index.js';

interface RawMap { sources: string[]; sourcesContent?: (string | null)[]; mappings: string }
type Generate = (node: t.Node, opts?: { comments?: boolean; jsescOption?: { minimal?: boolean }; sourceMaps?: boolean; sourceFileName?: string },
  code?: string | Record<string, string>) => { code: string; map?: RawMap | null };
// @babel/generator is CommonJS: under Node's ESM loader the function may sit on `.default`.
const generate: Generate = ((generateModule as unknown as { default?: Generate }).default ?? generateModule) as unknown as Generate;

export function emitModule(mod: IrModule): string {
  return emitModuleWithMap(mod).code;
}

/** A version 3 source map from the generated code back to the user's text. */
export interface SourceMapV3 { version: 3; file?: string; sources: string[]; sourcesContent: string[]; names: string[]; mappings: string }

/**
 * The module's JavaScript and a source map from each generated statement to
 * the user's statement it derives from (adjoints and tangents included), so
 * stack traces and breakpoints in a derivative land on the user's line.
 */
export function emitModuleWithMap(mod: IrModule): { code: string; map: SourceMapV3 } {
  const sources: string[] = [];
  const contents: string[] = [];
  const lines: SourceMapSegment[][] = [];
  const parts: string[] = [];
  for (const fn of mod.functions) {
    if (parts.length) { parts.push(''); lines.push([]); }
    const { code, map } = emitFunctionWithMap(fn);
    parts.push(code);
    const local = map ? decode(map.mappings) : [];
    const index = new Map<number, number>();
    map?.sources.forEach((name, i) => {
      let k = sources.indexOf(name);
      if (k < 0) { k = sources.push(name) - 1; contents.push(map.sourcesContent?.[i] ?? fn.source?.text ?? ''); }
      index.set(i, k);
    });
    const count = code.split('\n').length;
    for (let l = 0; l < count; l++) {
      lines.push((local[l] ?? []).map((seg) => (seg.length >= 4 ? [seg[0], index.get(seg[1]!)!, seg[2]!, seg[3]!] as SourceMapSegment : seg)));
    }
  }
  const code = parts.join('\n') + '\n';
  return { code, map: { version: 3, sources, sourcesContent: contents, names: [], mappings: encode(lines) } };
}

export function emitFunction(fn: IrFunction): string {
  return emitFunctionWithMap(fn).code;
}

function emitFunctionWithMap(fn: IrFunction): { code: string; map?: RawMap | null } {
  const e = new Emitter(fn);
  const body = e.block(fn.body);
  // A bare `return;` ending the function says nothing.
  const last = body[body.length - 1];
  if (last && t.isReturnStatement(last) && !last.argument && !last.leadingComments?.length) body.pop();
  const hoisted = [...e.hoist].filter((n) => !fn.params.some((p) => p.name === n));
  if (hoisted.length) body.unshift(t.variableDeclaration('let', hoisted.map((n) => t.variableDeclarator(t.identifier(n)))));
  const node = t.functionDeclaration(t.identifier(fn.name), fn.params.map((p) => t.identifier(p.name)), t.blockStatement(body));
  if (!fn.source) return generate(node, { comments: true, jsescOption: { minimal: true } });
  return generate(node, { comments: true, jsescOption: { minimal: true }, sourceMaps: true, sourceFileName: fn.source.name },
    { [fn.source.name]: fn.source.text });
}

class Emitter {
  readonly hoist = new Set<string>();
  /** Variables declared (`let a, b;`) at the top of a block rather than where first assigned. */
  private readonly declareTop = new Map<Stmt[], string[]>();
  private readonly declareAt = new Map<string, Stmt>();
  /** Variables assigned once and never read. */
  private readonly unread = new Set<string>();
  private readonly consts = new Set<string>();
  private readonly inline = new Map<string, Expr>();
  /** Where each inlined temporary's statement came from: its expression keeps that place in the source map. */
  private readonly inlineLoc = new Map<string, Loc>();
  private readonly keep: Set<string>;
  private pendingComments: string[] = [];
  /** How many while loops enclose the statement being emitted (for distinct continue labels). */
  private whileDepth = 0;

  constructor(private readonly fn: IrFunction) {
    this.keep = new Set([...fn.params.map((p) => p.name), ...(fn.named ?? [])]);
    this.planDeclarations();
    this.settleMulti();
  }

  /** Decides where each variable is declared: at its first assignment if that scope sees every use, else hoisted. */
  private planDeclarations(): void {
    const assigns = new Map<string, number>();
    // `at` numbers statements depth first in program order (as WriteIndex does).
    const first = new Map<string, Place & { stmt: Stmt }>();
    const occurrences = new Map<string, Place[]>();
    const parents = new Map<Stmt[], Place | undefined>();
    let next = 0;
    const walk = (block: Stmt[], parent?: Place) => {
      parents.set(block, parent);
      block.forEach((s, index) => {
        const here: Place = { block, index, at: next++ };
        for (const n of stmtWrites(s)) {
          if (s.kind === 'for') continue;
          assigns.set(n, (assigns.get(n) ?? 0) + 1);
          if (!first.has(n)) first.set(n, { ...here, stmt: s });
          (occurrences.get(n) ?? occurrences.set(n, []).get(n)!).push(here);
        }
        // A while's condition is read where the emitted loop reads it: at the end of its test block.
        const readAt = s.kind === 'while' ? { block: s.test, index: s.test.length, at: -1 } : here;
        for (const n of stmtReads(s)) (occurrences.get(n) ?? occurrences.set(n, []).get(n)!).push(readAt);
        childBlocks(s).forEach((c, k) => {
          walk(c, here);
          if (k === 0 && readAt !== here) readAt.at = next; // after the test block
        });
      });
    };
    walk(this.fn.body);
    // Blocks emitted as a JS block of their own (a while's test and update share its body's).
    const scopes = new Set<Stmt[]>();
    forEachStmt(this.fn.body, (s) => {
      if (s.kind === 'for' || s.kind === 'while') scopes.add(s.body);
      if (s.kind === 'if') { scopes.add(s.then); scopes.add(s.else); }
    });
    /** The position of `pos` lifted into `block`, if `block` encloses it. */
    const liftTo = (pos: Place, block: Stmt[]): number | undefined => {
      let p: Place | undefined = pos;
      while (p && p.block !== block) p = parents.get(p.block);
      return p?.index;
    };
    const inlineReads = new Map<string, Set<string>>();
    /** How deep each inlined temporary's expression nests once its own inlined operands are folded in. */
    const inlineDepth = new Map<string, number>();
    let writeIndex: WriteIndex | undefined;
    for (const [n, f] of first) {
      if (this.fn.params.some((p) => p.name === n)) continue;
      // Assigned once and never read: nothing else refers to it, so no declaration is needed.
      if (assigns.get(n) === 1 && occurrences.get(n)!.length === 1) this.unread.add(n);
      const ok = occurrences.get(n)!.every((o) => {
        const i = liftTo(o, f.block);
        return i !== undefined && (i > f.index || (i === f.index && (o.block === f.block ? true : false)));
      });
      if (ok) {
        this.declareAt.set(n, f.stmt);
        if (assigns.get(n) === 1) this.consts.add(n);
      } else {
        // Declared at the top of the innermost loop body or branch that holds every use, when it
        // takes nothing from an earlier run of that block (a fresh `let` each time it runs); else
        // at the top of the function.
        const chain = (b: Stmt[]) => { const out: Stmt[][] = []; for (let c: Stmt[] | undefined = b; c; c = parents.get(c)?.block) out.push(c); return out; };
        let common = chain(f.block);
        for (const o of occurrences.get(n)!) { const mine = new Set(chain(o.block)); common = common.filter((b) => mine.has(b)); }
        const home = common.find((b) => scopes.has(b) && !readBeforeAssigned(b, new Set([n])).size);
        if (home) (this.declareTop.get(home) ?? this.declareTop.set(home, []).get(home)!).push(n);
        else this.hoist.add(n);
      }
      // Single-use temporaries are inlined where they are used.
      const uses = occurrences.get(n)!.length - (assigns.get(n) ?? 0);
      // (Arrays are named where they are made: their uses are loads and lengths, not expressions.)
      if (ok && assigns.get(n) === 1 && uses === 1 && !this.keep.has(n) && f.stmt.kind === 'assign' && inlinable(f.stmt.expr)
        && this.fn.vars.get(n) !== 'f64[]') {
        const use = occurrences.get(n)!.find((o) => o !== undefined && !(o.block === f.block && o.index === f.index))!;
        // What the expression reads once its own inlined operands are folded in.
        const reads = new Set<string>();
        let depth = 1;
        for (const r of exprReads(f.stmt.expr)) {
          for (const x of inlineReads.get(r) ?? [r]) reads.add(x);
          depth = Math.max(depth, 1 + (inlineDepth.get(r) ?? 0));
        }
        // Nothing between them (nested blocks included) may change what the expression reads; a
        // loop's bound is read again at every iteration, so nor may the loop itself.
        writeIndex ??= new WriteIndex(this.fn.body, changes);
        const until = use.block[use.index]?.kind === 'for' ? writeIndex.end(use.at) : use.at;
        if (use.block === f.block && depth <= MAX_FOLD_DEPTH && !writeIndex.anyWrites(reads, f.at + 1, until)) {
          this.inline.set(n, f.stmt.expr);
          if (f.stmt.loc) this.inlineLoc.set(n, f.stmt.loc);
          inlineReads.set(n, reads);
          inlineDepth.set(n, depth);
        }
      }
    }
  }

  /** A destructuring declares all its targets or none of them: if one cannot be declared there, all are hoisted. */
  private settleMulti(): void {
    for (const [n, at] of [...this.declareAt]) {
      if (at.kind !== 'multi' || at.targets.every((m) => this.declareAt.get(m) === at)) continue;
      this.declareAt.delete(n);
      this.consts.delete(n);
      this.hoist.add(n);
    }
  }

  block(stmts: Stmt[]): t.Statement[] {
    const out: t.Statement[] = [];
    const declared = this.declareTop.get(stmts);
    if (declared) out.push(t.variableDeclaration('let', declared.map((n) => t.variableDeclarator(t.identifier(n)))));
    for (const s of stmts) {
      // Comments before a statement label it, not the first statement of its body.
      const comments = s.kind === 'comment' ? [] : this.pendingComments;
      if (s.kind !== 'comment') this.pendingComments = [];
      const node = this.stmt(s);
      if (!node) { this.pendingComments.unshift(...comments); continue; }
      const loc = 'loc' in s ? s.loc : undefined;
      if (loc && this.fn.source) this.locate(node, loc);
      if (comments.length) {
        t.addComments(node, 'leading', comments.map((c) => ({ type: 'CommentLine', value: ` ${c}` }) as t.CommentLine));
      }
      out.push(node);
    }
    return out;
  }

  /** Anchors a node at the user's position (for the source map). */
  private locate(node: t.Node, loc: Loc): void {
    const at = { line: loc.line, column: loc.column, index: 0 };
    node.loc = { start: at, end: at, filename: this.fn.source!.name, identifierName: undefined };
  }

  private atom(a: Atom): t.Expression {
    if (a.kind === 'var') {
      const e = this.inline.get(a.name);
      if (!e) return t.identifier(a.name);
      const node = this.valueOf(a.name, e);
      const loc = this.inlineLoc.get(a.name);
      if (loc && this.fn.source) this.locate(node, loc);
      return node;
    }
    if (a.type === 'bool') return t.booleanLiteral(a.value !== 0);
    return numberLiteral(a.value);
  }

  expr(e: Expr): t.Expression {
    switch (e.kind) {
      case 'atom': return this.atom(e.value);
      case 'unary':
        if (e.op === 'neg') return t.unaryExpression('-', this.atom(e.arg));
        if (e.op === 'not') return t.unaryExpression('!', this.atom(e.arg));
        return t.binaryExpression('|', this.atom(e.arg), t.numericLiteral(0));
      case 'binary': {
        const op = e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op;
        if (op === '&&' || op === '||') return t.logicalExpression(op, this.atom(e.left), this.atom(e.right));
        // a + -c ==> a - c (exact in IEEE arithmetic)
        if ((op === '+' || op === '-') && e.right.kind === 'const' && e.right.value < 0) {
          return t.binaryExpression(op === '+' ? '-' : '+', this.atom(e.left), numberLiteral(-e.right.value));
        }
        return t.binaryExpression(op, this.atom(e.left), this.atom(e.right));
      }
      case 'prim': {
        const js = scalarRule(e.name)?.js ?? e.name;
        return t.callExpression(memberPath(js), e.args.map((a) => this.atom(a)));
      }
      case 'call': return t.callExpression(t.identifier(e.callee), e.args.map((a) => this.atom(a)));
      case 'load': return t.memberExpression(t.identifier(e.array), this.atom(e.index), true);
      case 'length': return t.memberExpression(t.identifier(e.array), t.identifier('length'));
      case 'alloc': return t.newExpression(t.identifier('Float64Array'), [this.atom(e.length)]);
      case 'pop': return t.callExpression(memberPath(e.tape === 'f64' ? 'tape.pop' : e.tape === 'i32' ? 'tape.popInt' : 'tape.popRef'), []);
      default: return assertNever(e, 'expression');
    }
  }

  /** The expression assigned to `target`: integer division truncates (the IR's i32 `/`). */
  private valueOf(target: string, e: Expr): t.Expression {
    if (((e.kind === 'binary' && e.op === '/') || e.kind === 'load') && this.fn.vars.get(target) === 'i32') {
      return t.binaryExpression('|', this.expr(e), t.numericLiteral(0));
    }
    return this.expr(e);
  }

  private assign(target: string, value: t.Expression, s: Stmt): t.Statement {
    if (this.declareAt.get(target) === s) {
      return t.variableDeclaration(this.consts.has(target) ? 'const' : 'let', [t.variableDeclarator(t.identifier(target), value)]);
    }
    return t.expressionStatement(t.assignmentExpression('=', t.identifier(target), value));
  }

  private stmt(s: Stmt): t.Statement | undefined {
    switch (s.kind) {
      case 'assign': {
        if (this.inline.has(s.target)) return undefined;
        const e = s.expr;
        // Kept for its check only (dead-code keeps an np operation that may refuse its arguments).
        if (this.unread.has(s.target) && e.kind === 'prim' && e.name.startsWith('np.')) {
          const check = t.expressionStatement(this.expr(e));
          t.addComment(check, 'trailing', ' throws where the shapes disagree, as the function does', true);
          return check;
        }
        // x = x + e  ==>  x += e (and -)
        if (e.kind === 'binary' && (e.op === '+' || e.op === '-') && e.left.kind === 'var' && e.left.name === s.target && this.declareAt.get(s.target) !== s) {
          return t.expressionStatement(t.assignmentExpression(`${e.op}=`, t.identifier(s.target), this.atom(e.right)));
        }
        return this.assign(s.target, this.valueOf(s.target, e), s);
      }
      case 'multi': {
        const call = t.callExpression(t.identifier(s.callee), s.args.map((a) => this.atom(a)));
        if (!s.targets.length) return t.expressionStatement(call);
        const pattern = t.arrayPattern(s.targets.map((n) => t.identifier(n)));
        // Declared here only if every target is (planDeclarations hoists all of them otherwise).
        if (s.targets.every((n) => this.declareAt.get(n) === s)) {
          return t.variableDeclaration(s.targets.every((n) => this.consts.has(n)) ? 'const' : 'let', [t.variableDeclarator(pattern, call)]);
        }
        return t.expressionStatement(t.assignmentExpression('=', pattern, call));
      }
      case 'store':
        return t.expressionStatement(t.assignmentExpression(s.accumulate ? '+=' : '=',
          t.memberExpression(t.identifier(s.array), this.atom(s.index), true), this.atom(s.value)));
      case 'if': {
        const thenB = this.block(s.then), elseB = this.block(s.else);
        if (!thenB.length && !elseB.length) return undefined;
        if (!thenB.length) return t.ifStatement(negate(this.atom(s.cond)), t.blockStatement(elseB));
        return t.ifStatement(this.atom(s.cond), t.blockStatement(thenB), elseB.length ? t.blockStatement(elseB) : null);
      }
      case 'for': {
        const i = t.identifier(s.index);
        const cmp = s.step === 1 ? (s.inclusive ? '<=' : '<') : (s.inclusive ? '>=' : '>');
        return t.forStatement(
          t.variableDeclaration('let', [t.variableDeclarator(i, this.atom(s.start))]),
          t.binaryExpression(cmp, t.identifier(s.index), this.atom(s.end)),
          t.updateExpression(s.step === 1 ? '++' : '--', t.identifier(s.index)),
          t.blockStatement(this.block(s.body)));
      }
      case 'while': {
        const test = this.block(s.test);
        this.whileDepth++;
        const body = this.block(s.body);
        this.whileDepth--;
        const update = this.block(s.update);
        if (!test.length && !update.length) return t.whileStatement(this.atom(s.cond), t.blockStatement(body));
        // loop { test; if (!cond) break; body; update } — `continue` must still reach the update.
        const exit = t.ifStatement(negate(this.atom(s.cond)), t.breakStatement());
        if (!update.length) return t.whileStatement(t.booleanLiteral(true), t.blockStatement([...test, exit, ...body]));
        if (!hasContinue(s.body)) return t.whileStatement(t.booleanLiteral(true), t.blockStatement([...test, exit, ...body, ...update]));
        // Nested loops' labels must differ: a label cannot be redeclared inside itself.
        const label = t.identifier(this.whileDepth ? `iteration${this.whileDepth + 1}` : 'iteration');
        return t.forStatement(null, null, null, t.blockStatement([...test, exit, t.labeledStatement(label, t.blockStatement(body.map((b) => replaceContinue(b, label)))), ...update]));
      }
      case 'break': return t.breakStatement();
      case 'continue': return t.continueStatement();
      case 'return':
        if (!s.values.length) return t.returnStatement();
        return t.returnStatement(s.values.length === 1 ? this.atom(s.values[0]) : t.arrayExpression(s.values.map((a) => this.atom(a))));
      case 'push':
        return t.expressionStatement(t.callExpression(memberPath(s.tape === 'f64' ? 'tape.push' : s.tape === 'i32' ? 'tape.pushInt' : 'tape.pushRef'), [this.atom(s.value)]));
      case 'comment': {
        // A label whose statements were all folded into later ones labels nothing: the next label
        // of its rank or higher replaces it (`grad of:` items rank below sections like `adjoint`).
        const rank = (c: string) => (c.includes(':') ? 1 : 0);
        this.pendingComments = this.pendingComments.filter((c) => rank(c) < rank(s.text));
        this.pendingComments.push(s.text);
        return undefined;
      }
      default: return assertNever(s, 'statement');
    }
  }
}

/**
 * Folding stops at this depth: a chain of thousands of single-use temporaries
 * (forward mode over a long function) would otherwise become one expression
 * deep enough to overflow the stack, here and in Babel's printer.
 */
const MAX_FOLD_DEPTH = 100;

function inlinable(e: Expr): boolean {
  return e.kind !== 'call' && e.kind !== 'pop' && e.kind !== 'alloc';
}

/**
 * What a statement changes that an inlined expression could read: the names it assigns, the array it
 * stores into. (A call or pop in between could observe an order change only through the tape, which
 * expressions never read.)
 */
function changes(s: Stmt): string[] {
  return s.kind === 'store' ? [s.array] : stmtWrites(s);
}

/** A place in the function: a block, an index in it, and the statement's number (depth first, in program order). */
interface Place { block: Stmt[]; index: number; at: number }

function hasContinue(body: Stmt[]): boolean {
  return body.some((s) => s.kind === 'continue' || (s.kind === 'if' && (hasContinue(s.then) || hasContinue(s.else))));
}

function replaceContinue(s: t.Statement, label: t.Identifier): t.Statement {
  if (t.isContinueStatement(s)) return t.breakStatement(label);
  if (t.isIfStatement(s)) {
    return t.ifStatement(s.test, replaceContinue(s.consequent, label), s.alternate ? replaceContinue(s.alternate, label) : null);
  }
  if (t.isBlockStatement(s)) return t.blockStatement(s.body.map((b) => replaceContinue(b, label)));
  return s;
}

function negate(e: t.Expression): t.Expression {
  if (t.isUnaryExpression(e) && e.operator === '!') return e.argument;
  return t.unaryExpression('!', e);
}

function memberPath(path: string): t.Expression {
  const parts = path.split('.');
  let e: t.Expression = t.identifier(parts[0]);
  for (const p of parts.slice(1)) e = t.memberExpression(e, t.identifier(p));
  return e;
}

function numberLiteral(x: number): t.Expression {
  if (Number.isNaN(x)) return t.identifier('NaN');
  if (x === Infinity) return t.identifier('Infinity');
  if (x === -Infinity) return t.unaryExpression('-', t.identifier('Infinity'));
  if (x < 0 || Object.is(x, -0)) return t.unaryExpression('-', numberLiteral(-x));
  return t.numericLiteral(x);
}
