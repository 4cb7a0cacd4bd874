// The canonical text of the IR: what goldens, `--dump-after` and validation
// failures show. One statement per line, types on first assignment.
import { assertNever, type Atom, type Expr, type IrFunction, type IrModule, type Stmt } from './nodes.js';

export function printAtom(a: Atom): string {
  if (a.kind === 'var') return a.name;
  if (a.type === 'bool') return a.value ? 'true' : 'false';
  if (a.type === 'i32') return `${a.value}i`;
  if (Object.is(a.value, -0)) return '-0.0';
  return Number.isInteger(a.value) ? `${a.value}.0` : String(a.value);
}

export function printExpr(e: Expr): string {
  const p = printAtom;
  switch (e.kind) {
    case 'atom': return p(e.value);
    case 'unary': return e.op === 'neg' ? `-${p(e.arg)}` : e.op === 'not' ? `!${p(e.arg)}` : `toInt(${p(e.arg)})`;
    case 'binary': return `${p(e.left)} ${e.op} ${p(e.right)}`;
    case 'prim': return `${e.name}(${e.args.map(p).join(', ')})`;
    case 'call': return `call ${e.callee}(${e.args.map(p).join(', ')})`;
    case 'load': return `${e.array}[${p(e.index)}]`;
    case 'length': return `${e.array}.length`;
    case 'alloc': return `alloc(${p(e.length)})`;
    case 'pop': return `pop.${e.tape} #${e.slot}`;
    default: return assertNever(e, 'expression');
  }
}

export function printStmts(body: Stmt[], indent = '  '): string[] {
  const out: string[] = [];
  printInto(out, body, indent);
  return out;
}

/** Appends the lines of a block to `out` (one array for the whole function, however deep it nests). */
function printInto(out: string[], body: Stmt[], indent: string): void {
  const inner = indent + '  ';
  const block = (b: Stmt[]) => printInto(out, b, inner);
  for (const s of body) {
    switch (s.kind) {
      case 'assign': out.push(`${indent}${s.target} = ${printExpr(s.expr)}`); break;
      case 'multi': out.push(`${indent}[${s.targets.join(', ')}] = call ${s.callee}(${s.args.map(printAtom).join(', ')})`); break;
      case 'store': out.push(`${indent}${s.array}[${printAtom(s.index)}] ${s.accumulate ? '+=' : '='} ${printAtom(s.value)}`); break;
      case 'if':
        out.push(`${indent}if ${printAtom(s.cond)} {`); block(s.then);
        if (s.else.length) { out.push(`${indent}} else {`); block(s.else); }
        out.push(`${indent}}`); break;
      case 'for': {
        const cmp = s.step === 1 ? (s.inclusive ? '<=' : '<') : (s.inclusive ? '>=' : '>');
        out.push(`${indent}for ${s.index} = ${printAtom(s.start)}; ${s.index} ${cmp} ${printAtom(s.end)}; ${s.step === 1 ? '++' : '--'}${s.mirror ? ' mirror' : ''} {`);
        block(s.body); out.push(`${indent}}`); break;
      }
      case 'while':
        out.push(`${indent}loop {`); block(s.test);
        out.push(`${inner}while ${printAtom(s.cond)}`); block(s.body);
        if (s.update.length) { out.push(`${inner}update:`); block(s.update); }
        out.push(`${indent}}`); break;
      case 'break': out.push(`${indent}break`); break;
      case 'continue': out.push(`${indent}continue`); break;
      case 'return': out.push(`${indent}return ${s.values.map(printAtom).join(', ')}`); break;
      case 'push': out.push(`${indent}push.${s.tape} #${s.slot} ${printAtom(s.value)}`); break;
      case 'comment': out.push(`${indent}// ${s.text}`); break;
      default: assertNever(s, 'statement');
    }
  }
}

export function printFunction(fn: IrFunction): string {
  const params = fn.params.map((p) => `${p.name}: ${p.type}`).join(', ');
  const paramNames = new Set(fn.params.map((p) => p.name));
  const locals = [...fn.vars].filter(([n]) => !paramNames.has(n)).map(([n, t]) => `${n}: ${t}`);
  const out = [`function ${fn.name}(${params}) -> ${fn.results.join(', ')} {`, ...(locals.length ? [`  locals ${locals.join(', ')}`] : [])];
  printInto(out, fn.body, '  ');
  out.push('}');
  return out.join('\n');
}

/**
 * True if printFunction would print the two functions the same, without
 * printing them (what the optimiser's fixpoint asks after every round).
 */
export function samePrinted(a: IrFunction, b: IrFunction): boolean {
  if (a === b) return true;
  if (a.name !== b.name || a.results.join() !== b.results.join() || a.params.length !== b.params.length) return false;
  if (a.params.some((p, i) => p.name !== b.params[i].name || p.type !== b.params[i].type)) return false;
  // The locals, in order (parameters are printed from params).
  const params = new Set(a.params.map((p) => p.name));
  const locals = (f: IrFunction) => [...f.vars].filter(([n]) => !params.has(n));
  const la = locals(a), lb = locals(b);
  if (la.length !== lb.length || la.some(([n, t], i) => n !== lb[i][0] || t !== lb[i][1])) return false;
  return sameStmts(a.body, b.body);
}

const sameAtom = (a: Atom, b: Atom) => a === b || (a.kind === 'var' ? b.kind === 'var' && a.name === b.name : b.kind === 'const' && printAtom(a) === printAtom(b));
const sameAtoms = (a: Atom[], b: Atom[]) => a === b || (a.length === b.length && a.every((x, i) => sameAtom(x, b[i])));

function sameExpr(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'atom': return b.kind === 'atom' && sameAtom(a.value, b.value);
    case 'unary': return b.kind === 'unary' && a.op === b.op && sameAtom(a.arg, b.arg);
    case 'binary': return b.kind === 'binary' && a.op === b.op && sameAtom(a.left, b.left) && sameAtom(a.right, b.right);
    case 'prim': return b.kind === 'prim' && a.name === b.name && sameAtoms(a.args, b.args);
    case 'call': return b.kind === 'call' && a.callee === b.callee && sameAtoms(a.args, b.args);
    case 'load': return b.kind === 'load' && a.array === b.array && sameAtom(a.index, b.index);
    case 'length': return b.kind === 'length' && a.array === b.array;
    case 'alloc': return b.kind === 'alloc' && sameAtom(a.length, b.length);
    case 'pop': return b.kind === 'pop' && a.tape === b.tape && a.slot === b.slot;
    default: return assertNever(a, 'expression');
  }
}

function sameStmts(a: Stmt[], b: Stmt[]): boolean {
  return a === b || (a.length === b.length && a.every((s, i) => sameStmt(s, b[i])));
}

function sameStmt(a: Stmt, b: Stmt): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'assign': return b.kind === 'assign' && a.target === b.target && sameExpr(a.expr, b.expr);
    case 'multi': return b.kind === 'multi' && a.callee === b.callee && a.targets.join() === b.targets.join() && sameAtoms(a.args, b.args);
    case 'store': return b.kind === 'store' && a.array === b.array && a.accumulate === b.accumulate && sameAtom(a.index, b.index) && sameAtom(a.value, b.value);
    case 'if': return b.kind === 'if' && sameAtom(a.cond, b.cond) && sameStmts(a.then, b.then) && sameStmts(a.else, b.else);
    case 'for': return b.kind === 'for' && a.index === b.index && a.step === b.step && a.inclusive === b.inclusive && !a.mirror === !b.mirror
      && sameAtom(a.start, b.start) && sameAtom(a.end, b.end) && sameStmts(a.body, b.body);
    case 'while': return b.kind === 'while' && sameAtom(a.cond, b.cond) && sameStmts(a.test, b.test) && sameStmts(a.body, b.body) && sameStmts(a.update, b.update);
    case 'break': case 'continue': return b.kind === a.kind;
    case 'return': return b.kind === 'return' && sameAtoms(a.values, b.values);
    case 'push': return b.kind === 'push' && a.tape === b.tape && a.slot === b.slot && sameAtom(a.value, b.value);
    case 'comment': return b.kind === 'comment' && a.text === b.text;
    default: return assertNever(a, 'statement');
  }
}

export function printModule(m: IrModule): string {
  return m.functions.map(printFunction).join('\n\n') + '\n';
}
