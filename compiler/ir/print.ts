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
  printInto(out, body, 0, (depth) => indent + '  '.repeat(depth));
  return out;
}

/** Appends the lines of a block at nesting `depth`, each after `prefix(depth)`. */
function printInto(out: string[], body: Stmt[], depth: number, prefix: (depth: number) => string): void {
  const indent = prefix(depth), inner = prefix(depth + 1);
  const block = (b: Stmt[]) => printInto(out, b, depth + 1, prefix);
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
        out.push(`${indent}for ${s.index} = ${printAtom(s.start)}; ${s.index} ${cmp} ${printAtom(s.end)}; ${s.step === 1 ? '++' : '--'} {`);
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
  return functionLines(fn, (depth) => '  '.repeat(depth + 1)).join('\n');
}

/**
 * The text of printFunction with each line's indentation written as its
 * nesting depth: the same information, but linear in the function's size
 * however deep it nests (for comparing functions, as the optimiser's
 * fixpoint does).
 */
export function printFunctionKey(fn: IrFunction): string {
  return functionLines(fn, (depth) => `${depth}|`).join('\n');
}

function functionLines(fn: IrFunction, prefix: (depth: number) => string): string[] {
  const params = fn.params.map((p) => `${p.name}: ${p.type}`).join(', ');
  const paramNames = new Set(fn.params.map((p) => p.name));
  const locals = [...fn.vars].filter(([n]) => !paramNames.has(n)).map(([n, t]) => `${n}: ${t}`);
  const out = [`function ${fn.name}(${params}) -> ${fn.results.join(', ')} {`, ...(locals.length ? [`  locals ${locals.join(', ')}`] : [])];
  printInto(out, fn.body, 0, prefix);
  out.push('}');
  return out;
}

export function printModule(m: IrModule): string {
  return m.functions.map(printFunction).join('\n\n') + '\n';
}
