// cse: common subexpression elimination. When `t = e` computes a pure
// operation that an earlier `h = e` already computed, and neither h nor the
// operands of e were assigned in between, `t = e ==> t = h`; copy-prop and
// dead-code then usually remove t altogether.
//
// Which operations: binary and unary operators, scalar `Math.*` primitives
// (deterministic functions of their arguments), `a.length`, and loads
// `a[i]` while no alias of `a` is stored into in between. Not other calls,
// `np.*` primitives (they may return fresh arrays), `alloc` or `pop`.
// Calls of module functions that write none of their arguments
// (analysis.moduleEffects) count as pure: they compute values only.
// `a + b` and `b + a` are the same for + and * (IEEE addition and
// multiplication are commutative, NaN included).
//
// Assumes: valid IR. Where facts hold is decided by
// analysis.forwardRewrite (a value computed before a branch or loop is
// reused inside it unless the branch or loop changes its inputs).
// Calls are taken to write the arrays they are given unless the module's
// effects (analysis.moduleEffects) say otherwise.
// Guarantees: the reused variable holds exactly the value e would compute,
// and has the same type as t.
import type { Atom, Expr, IrFunction } from '../ir/nodes.js';
import { printAtom } from '../ir/print.js';
import { exprReads } from '../ir/walk.js';
import { aliases, Facts, forwardRewrite, writtenArrays, type ForwardVisitor, type PassContext } from './analysis.js';

/** Facts: canonical text of an expression → the variable holding its value. */
type Table = Facts<string>;

export function cse(fn: IrFunction, ctx: PassContext = {}): IrFunction {
  const alias = aliases(fn);
  const visitor: ForwardVisitor<string> = {
    simple(s, table: Table) {
      // Stores, and calls that may write into their array arguments (generated VJPs accumulate adjoints there).
      table.killArrays(writtenArrays(s, fn, ctx));
      if (s.kind === 'multi') { table.kill(s.targets); return s; }
      if (s.kind !== 'assign') return s;
      const k = key(s.expr, fn, ctx);
      const holder = k !== undefined ? table.get(k) : undefined;
      // t = e  (when t already holds e) ==> nothing
      if (holder === s.target) return undefined;
      let out = s;
      // t = e  (after h = e) ==> t = h
      if (holder !== undefined && fn.vars.get(holder) === fn.vars.get(s.target)) {
        out = { ...s, expr: { kind: 'atom', value: { kind: 'var', name: holder } } };
      }
      table.kill([s.target]);
      const reads = exprReads(s.expr);
      if (k !== undefined && !reads.includes(s.target) && out === s) {
        // A load, or a call given arrays, also depends on the arrays' contents (any alias of them written).
        const arrays = s.expr.kind === 'load' ? [s.expr.array] : s.expr.kind === 'call' ? reads.filter((n) => fn.vars.get(n) === 'f64[]') : [];
        table.set(k, s.target, [s.target, ...reads], arrays.flatMap(alias));
      }
      return out;
    },
    atom: (a) => a,
    writes: (s) => writtenArrays(s, fn, ctx),
  };
  return { ...fn, body: forwardRewrite(fn.body, new Facts<string>(), visitor) };
}

const COMMUTATIVE = new Set(['+', '*', '==', '!=', '&&', '||']);

/** Canonical text of a reusable expression; undefined if it must not be reused. */
export function key(e: Expr, fn?: IrFunction, ctx: PassContext = {}): string | undefined {
  const p = (a: Atom) => printAtom(a);
  switch (e.kind) {
    case 'binary': {
      let [l, r] = [p(e.left), p(e.right)];
      if (COMMUTATIVE.has(e.op) && l > r) [l, r] = [r, l];
      return `${l} ${e.op} ${r}`;
    }
    case 'unary': return `${e.op} ${p(e.arg)}`;
    case 'prim': return e.name.startsWith('Math.') ? `${e.name}(${e.args.map(p).join(', ')})` : undefined;
    case 'load': return `${e.array}[${p(e.index)}]`;
    case 'length': return `${e.array}.length`;
    // A call of a module function known to write none of its arguments is a pure function of them.
    case 'call': return fn && ctx.writes?.(e.callee)?.size === 0 ? `call ${e.callee}(${e.args.map(p).join(', ')})` : undefined;
    default: return undefined;
  }
}
