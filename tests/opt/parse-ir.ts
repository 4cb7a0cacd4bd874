// Reads the canonical IR text (compiler/ir/print.ts) back into an
// IrFunction, so tests can state hand-written IR (tape traffic, shapes the
// AD produces) as text instead of node trees. Test support only.
import type { Atom, Expr, IrFunction, Stmt, TapeKind, Type } from '../../compiler/ir/nodes.js';

const NAME = /^[A-Za-z_$][\w$]*$/;

export function parseIr(text: string): IrFunction {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length);
  const head = /^function (\w+)\((.*)\) -> (.*) \{$/.exec(lines[0]);
  if (!head) throw new Error(`parseIr: expected a function header, got: ${lines[0]}`);
  const vars = new Map<string, Type>();
  const decl = (list: string) => list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [n, t] = s.split(':').map((x) => x.trim());
    vars.set(n, t as Type);
    return { name: n, type: t as Type };
  });
  const params = decl(head[2]);
  let i = 1;
  if (lines[i] === 'locals' || lines[i]?.startsWith('locals ')) decl(lines[i++].slice(6));
  const atom = (s: string): Atom => {
    s = s.trim();
    if (s === 'true' || s === 'false') return { kind: 'const', value: s === 'true' ? 1 : 0, type: 'bool' };
    if (/^-?\d+i$/.test(s)) return { kind: 'const', value: Number(s.slice(0, -1)), type: 'i32' };
    if (/^-?(\d|\.|Infinity|NaN)/.test(s) || s === 'NaN') return { kind: 'const', value: s === '-0' ? -0 : Number(s), type: 'f64' };
    if (!NAME.test(s)) throw new Error(`parseIr: not an atom: ${s}`);
    return { kind: 'var', name: s };
  };
  const args = (s: string) => (s.trim() ? s.split(',').map(atom) : []);
  const expr = (s: string): Expr => {
    let m: RegExpExecArray | null;
    if ((m = /^pop\.(f64\[\]|f64|i32) #(\d+)$/.exec(s))) return { kind: 'pop', tape: m[1] as TapeKind, slot: Number(m[2]) };
    if ((m = /^call (\w+)\((.*)\)$/.exec(s))) return { kind: 'call', callee: m[1], args: args(m[2]) };
    if ((m = /^alloc\((.*)\)$/.exec(s))) return { kind: 'alloc', length: atom(m[1]) };
    if ((m = /^toInt\((.*)\)$/.exec(s))) return { kind: 'unary', op: 'toInt', arg: atom(m[1]) };
    if ((m = /^((?:Math|np)\.\w+)\((.*)\)$/.exec(s))) return { kind: 'prim', name: m[1], args: args(m[2]) };
    if ((m = /^(\w+)\.length$/.exec(s))) return { kind: 'length', array: m[1] };
    if ((m = /^(\w+)\[(.*)\]$/.exec(s))) return { kind: 'load', array: m[1], index: atom(m[2]) };
    if ((m = /^(\S+) (\*\*|[-+*/%<>]|<=|>=|==|!=|&&|\|\|) (\S+)$/.exec(s))) {
      return { kind: 'binary', op: m[2] as never, left: atom(m[1]), right: atom(m[3]) };
    }
    if ((m = /^-([A-Za-z_$][\w$]*)$/.exec(s))) return { kind: 'unary', op: 'neg', arg: atom(m[1]) };
    if ((m = /^!(\S+)$/.exec(s))) return { kind: 'unary', op: 'not', arg: atom(m[1]) };
    return { kind: 'atom', value: atom(s) };
  };
  const block = (): Stmt[] => {
    const out: Stmt[] = [];
    for (; i < lines.length; i++) {
      const l = lines[i];
      let m: RegExpExecArray | null;
      if (l === '}' || l === '} else {' || l === 'update:' || /^while \S+$/.test(l)) return out;
      if (l.startsWith('// ')) { out.push({ kind: 'comment', text: l.slice(3) }); continue; }
      if (l === 'break' || l === 'continue') { out.push({ kind: l }); continue; }
      if ((m = /^return (.*)$/.exec(l))) { out.push({ kind: 'return', values: args(m[1]) }); continue; }
      if ((m = /^push\.(f64\[\]|f64|i32) #(\d+) (\S+)$/.exec(l))) { out.push({ kind: 'push', tape: m[1] as TapeKind, slot: Number(m[2]), value: atom(m[3]) }); continue; }
      if ((m = /^if (\S+) \{$/.exec(l))) {
        i++;
        const then = block();
        let els: Stmt[] = [];
        if (lines[i] === '} else {') { i++; els = block(); }
        out.push({ kind: 'if', cond: atom(m[1]), then, else: els });
        continue;
      }
      if ((m = /^for (\w+) = (\S+); \w+ (<|<=|>|>=) (\S+); (\+\+|--)( mirror)? \{$/.exec(l))) {
        i++;
        const body = block();
        out.push({ kind: 'for', index: m[1], start: atom(m[2]), end: atom(m[4]), step: m[5] === '++' ? 1 : -1, inclusive: m[3].length === 2, body, ...(m[6] ? { mirror: true } : {}) });
        continue;
      }
      if (l === 'loop {') {
        i++;
        const test = block();
        const cond = atom(lines[i].slice(6));
        i++;
        const body = block();
        let update: Stmt[] = [];
        if (lines[i] === 'update:') { i++; update = block(); }
        out.push({ kind: 'while', test, cond, body, update });
        continue;
      }
      if ((m = /^\[(.*)\] = call (\w+)\((.*)\)$/.exec(l))) { out.push({ kind: 'multi', targets: m[1].split(',').map((s) => s.trim()).filter(Boolean), callee: m[2], args: args(m[3]) }); continue; }
      if ((m = /^(\w+)\[(\S+)\] (\+?=) (\S+)$/.exec(l))) { out.push({ kind: 'store', array: m[1], index: atom(m[2]), value: atom(m[4]), accumulate: m[3] === '+=' }); continue; }
      if ((m = /^(\w+) = (.*)$/.exec(l))) { out.push({ kind: 'assign', target: m[1], expr: expr(m[2]) }); continue; }
      throw new Error(`parseIr: cannot read line ${i + 1}: ${l}`);
    }
    return out;
  };
  const body = block();
  const results = head[3].split(',').map((s) => s.trim() as Type).filter(Boolean);
  return { name: head[1], params, results, body, vars, origin: { kind: 'source' } };
}
