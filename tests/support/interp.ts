// An interpreter of the IR, for tests: runs an IrModule's entry on JS values
// (numbers and Float64Arrays), tape included. Differential tests compare an
// optimised module with the original on the same inputs.
//
// Semantics follow the JS emitter: f64 and i32 values are JS numbers,
// `toInt(x)` is `x | 0`, `/` into an i32 is `(a / b) | 0`, primitives are `Math.*` and cotangent/np. The
// interpreter is strict where emitted code would be silently wrong: reading
// a variable that was never assigned, popping the wrong slot, or leaving
// values on the tape throws.
import type { Atom, Expr, IrFunction, IrModule, Stmt } from '../../compiler/ir/nodes.js';
import * as np from '../../runtime/np.js';

export type Value = number | boolean | Float64Array;

type Flow = undefined | 'break' | 'continue' | { ret: Value[] };

interface Tape { values: Value[]; slots: number[] }

export class InterpError extends Error {}

export interface RunOptions {
  /** Stop after this many statements (a guard against optimiser-made infinite loops). */
  maxSteps?: number;
  /** Let a read of a never-assigned variable give `undefined`, as emitted JS does (for known producer bugs). */
  lenientReads?: boolean;
  /** Filled with what the run did: values pushed on the tapes, statements executed. */
  stats?: { pushes: number; steps: number };
}

export function runModule(m: IrModule, args: Value[], opts: RunOptions = {}): Value | Value[] {
  const fns = new Map(m.functions.map((f) => [f.name, f]));
  const budget = { steps: opts.maxSteps ?? 5_000_000 };
  const entry = fns.get(m.entry);
  if (!entry) throw new InterpError(`no entry function ${m.entry}`);
  const copy = args.map((a) => (a instanceof Float64Array ? a.slice() : a));
  const start = budget.steps;
  const out = call(entry, copy, fns, budget, !!opts.lenientReads, opts.stats);
  if (opts.stats) opts.stats.steps += start - budget.steps;
  return out.length === 1 ? out[0] : out;
}

function call(fn: IrFunction, args: Value[], fns: Map<string, IrFunction>, budget: { steps: number }, lenient = false, stats?: { pushes: number }): Value[] {
  const env = new Map<string, Value>();
  fn.params.forEach((p, i) => env.set(p.name, args[i]));
  const tapes: Record<'f64' | 'i32' | 'f64[]', Tape> = { f64: { values: [], slots: [] }, i32: { values: [], slots: [] }, 'f64[]': { values: [], slots: [] } };
  const get = (n: string): Value => {
    const x = env.get(n);
    if (x === undefined && lenient) return undefined as unknown as Value;
    if (x === undefined) throw new InterpError(`${fn.name}: \`${n}\` read before it was assigned`);
    return x;
  };
  const atom = (a: Atom): Value => (a.kind === 'const' ? (a.type === 'bool' ? a.value !== 0 : a.value) : get(a.name));
  const numA = (a: Atom): number => Number(atom(a));
  const arr = (n: string): Float64Array => {
    const x = get(n);
    if (!(x instanceof Float64Array)) throw new InterpError(`${fn.name}: \`${n}\` is not an array`);
    return x;
  };
  const expr = (e: Expr): Value => {
    switch (e.kind) {
      case 'atom': return atom(e.value);
      case 'unary': return e.op === 'neg' ? -numA(e.arg) : e.op === 'not' ? !atom(e.arg) : numA(e.arg) | 0;
      case 'binary': return binary(e.op, atom(e.left), atom(e.right));
      case 'prim': {
        const [ns, name] = e.name.split('.');
        const lib = (ns === 'Math' ? Math : np) as unknown as Record<string, (...xs: unknown[]) => Value>;
        if (typeof lib[name] !== 'function') throw new InterpError(`unknown primitive ${e.name}`);
        return lib[name](...e.args.map(atom));
      }
      case 'call': {
        const callee = fns.get(e.callee);
        if (!callee) throw new InterpError(`unknown function ${e.callee}`);
        return call(callee, e.args.map(atom), fns, budget, lenient, stats)[0];
      }
      case 'load': {
        const a = arr(e.array), i = numA(e.index);
        return i >= 0 && i < a.length ? a[i] : NaN;
      }
      case 'length': return arr(e.array).length;
      case 'alloc': return new Float64Array(numA(e.length));
      case 'pop': {
        const t = tapes[e.tape];
        if (!t.values.length) throw new InterpError(`${fn.name}: pop #${e.slot} from an empty ${e.tape} tape`);
        const slot = t.slots.pop()!;
        if (slot !== e.slot) throw new InterpError(`${fn.name}: pop #${e.slot} found the value of push #${slot}`);
        return t.values.pop()!;
      }
    }
  };
  const block = (body: Stmt[]): Flow => {
    for (const s of body) {
      const f = stmt(s);
      if (f !== undefined) return f;
    }
    return undefined;
  };
  const loopBody = (body: Stmt[]): 'break' | { ret: Value[] } | undefined => {
    const f = block(body);
    return f === 'continue' ? undefined : f;
  };
  const stmt = (s: Stmt): Flow => {
    if (--budget.steps < 0) throw new InterpError('step budget exhausted (an infinite loop?)');
    switch (s.kind) {
      case 'assign': {
        const x = expr(s.expr);
        // `/` between integers into an i32 is truncating division.
        env.set(s.target, s.expr.kind === 'binary' && s.expr.op === '/' && fn.vars.get(s.target) === 'i32' ? (x as number) | 0 : x);
        return undefined;
      }
      case 'multi': {
        const callee = fns.get(s.callee);
        if (!callee) throw new InterpError(`unknown function ${s.callee}`);
        const rs = call(callee, s.args.map(atom), fns, budget, lenient, stats);
        s.targets.forEach((t, i) => env.set(t, rs[i]));
        return undefined;
      }
      case 'store': {
        const a = arr(s.array), i = numA(s.index), x = numA(s.value);
        if (s.accumulate) a[i] += x; else a[i] = x;
        return undefined;
      }
      case 'if': return block(atom(s.cond) ? s.then : s.else);
      case 'for': {
        const end = numA(s.end);
        for (let i = numA(s.start); s.step === 1 ? (s.inclusive ? i <= end : i < end) : (s.inclusive ? i >= end : i > end); i += s.step) {
          env.set(s.index, i);
          const f = loopBody(s.body);
          if (f === 'break') break;
          if (f) return f;
          if (--budget.steps < 0) throw new InterpError('step budget exhausted (an infinite loop?)');
        }
        return undefined;
      }
      case 'while':
        for (;;) {
          const t = block(s.test);
          if (t) return t === 'break' ? undefined : t === 'continue' ? undefined : t;
          if (!atom(s.cond)) return undefined;
          const f = loopBody(s.body);
          if (f === 'break') return undefined;
          if (f) return f;
          const u = block(s.update);
          if (u && u !== 'continue') return u === 'break' ? undefined : u;
          if (--budget.steps < 0) throw new InterpError('step budget exhausted (an infinite loop?)');
        }
      case 'break': case 'continue': return s.kind;
      case 'return': {
        for (const t of Object.values(tapes)) {
          if (t.values.length) throw new InterpError(`${fn.name}: returns with ${t.values.length} values left on a tape`);
        }
        return { ret: s.values.map(atom) };
      }
      case 'push': {
        const t = tapes[s.tape];
        t.values.push(atom(s.value));
        if (stats) stats.pushes++;
        t.slots.push(s.slot);
        return undefined;
      }
      case 'comment': return undefined;
    }
  };
  const f = block(fn.body);
  if (!f || typeof f === 'string') throw new InterpError(`${fn.name}: ended without returning`);
  return f.ret;
}

function binary(op: string, a: Value, b: Value): Value {
  const x = a as number, y = b as number;
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '%': return x % y;
    case '**': return x ** y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '==': return a === b;
    case '!=': return a !== b;
    case '&&': return Boolean(a) && Boolean(b);
    case '||': return Boolean(a) || Boolean(b);
    default: throw new InterpError(`unknown operator ${op}`);
  }
}
