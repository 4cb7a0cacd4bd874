// Forward mode: IR → IR. Every active value `x` gets a tangent `tx`, computed
// next to it from the same rule table reverse mode reads (Σ ∂out/∂argᵢ · targᵢ).
// Control flow is kept as it is. Because the input may itself be a derivative
// (a gradient with its tape), forward mode also carries tangents through tape
// pushes and pops and through multi-result calls: forward-over-reverse is how
// Hessian-vector products are made.
import { CompileError } from '../diagnostics.js';
import { Namer, tangentHint } from '../ir/names.js';
import { assertNever, f64, v, type Atom, type Expr, type IrFunction, type IrModule, type Stmt, type Type } from '../ir/nodes.js';
import { assignedIn, exprReads } from '../ir/walk.js';
import { arrayRuleByName, ruleArgs, scalarRule, type ArrayRule } from '../rules/index.js';
import { activity } from './activity.js';
import { pruneModule, setLoc } from './reverse.js';
import { instantiate } from './template.js';

export interface ForwardOptions {
  /** Entry parameters that get a tangent. */
  wrt: number[];
  /** Also return the entry's results (before the tangents). */
  preserveResult?: boolean;
  /** Name hint for the entry (default `jvp_<entry>`). */
  name?: string;
}

export function forwardModule(mod: IrModule, opts: ForwardOptions): IrModule {
  const byName = new Map(mod.functions.map((f) => [f.name, f]));
  // Generated function names avoid every name in the module: a local `vjp_h` would shadow the function.
  const namer = new Namer(mod.functions.flatMap((f) => [f.name, ...f.vars.keys()]));
  const out: IrFunction[] = [];
  const jvps = new Map<string, string>();
  const jvpOf = (callee: string, active: boolean[]): string => {
    const key = `${callee}:${active.map(Number).join('')}`;
    let name = jvps.get(key);
    if (name) return name;
    name = namer.fresh(`jvp_${callee}`);
    jvps.set(key, name);
    out.push(new Forward(byName.get(callee)!, active, name, true, false, jvpOf, byName).run());
    return name;
  };
  const entry = byName.get(mod.entry)!;
  const active = entry.params.map((_, i) => opts.wrt.includes(i));
  const name = namer.fresh(opts.name ?? `jvp_${entry.name}`);
  const fwd = new Forward(entry, active, name, !!opts.preserveResult, true, jvpOf, byName).run();
  const helpers = mod.functions.filter((f) => f.name !== mod.entry);
  return pruneModule({ functions: [...helpers, ...out, fwd], entry: name });
}

class Forward {
  private readonly namer: Namer;
  private readonly vars: Map<string, Type>;
  private readonly tan = new Map<string, string>();
  private active!: Set<string>;

  constructor(private readonly fn: IrFunction, private readonly activeParams: boolean[], private readonly name: string,
    private readonly keepPrimal: boolean, private readonly isEntry: boolean,
    private readonly jvpOf: (callee: string, active: boolean[]) => string,
    private readonly functions: ReadonlyMap<string, IrFunction>) {
    this.namer = new Namer(fn.vars.keys());
    this.vars = new Map(fn.vars);
  }

  run(): IrFunction {
    const fn = this.fn;
    const seeds = fn.params.filter((p, i) => this.activeParams[i] && (p.type === 'f64' || p.type === 'f64[]')).map((p) => p.name);
    if (this.isEntry && seeds.length !== this.activeParams.filter(Boolean).length) {
      const bad = fn.params.find((p, i) => this.activeParams[i] && p.type !== 'f64' && p.type !== 'f64[]')!;
      throw new CompileError('CT1203', { name: bad.name, type: bad.type === 'i32' ? 'integer' : bad.type });
    }
    this.active = activity(fn, new Set(seeds), this.functions);
    const tanParams = seeds.map((p) => ({ name: this.tangent(p), type: this.vars.get(p)! }));
    // A parameter outside wrt that later takes an active value starts with a zero tangent.
    const init: Stmt[] = [];
    for (const p of fn.params) {
      if (!this.active.has(p.name) || seeds.includes(p.name)) continue;
      const tp = this.tangent(p.name);
      if (p.type === 'f64') {
        init.push({ kind: 'assign', target: tp, expr: { kind: 'atom', value: f64(0) } });
        this.zeroT.add(p.name);
      } else if (p.type === 'f64[]') {
        const n = this.temp(`${p.name}_len`, 'i32');
        init.push({ kind: 'assign', target: n, expr: { kind: 'length', array: p.name } });
        init.push({ kind: 'assign', target: tp, expr: { kind: 'alloc', length: v(n) } });
      }
    }
    const body = [...init, ...this.block(fn.body)];
    const results: Type[] = [];
    if (this.keepPrimal) results.push(...fn.results);
    results.push(...fn.results.filter((r) => r === 'f64' || r === 'f64[]'));
    return {
      name: this.name,
      params: [...fn.params, ...tanParams],
      results,
      body,
      vars: this.vars,
      named: new Set([...(fn.named ?? []), ...[...this.tan].filter(([x]) => fn.named?.has(x) || fn.params.some((p) => p.name === x)).map(([, t]) => t)]),
      origin: { kind: 'jvp', of: fn.name },
      source: fn.source,
    };
  }

  private tangent(x: string): string {
    let t = this.tan.get(x);
    if (!t) {
      t = this.namer.fresh(tangentHint(x));
      this.tan.set(x, t);
      this.vars.set(t, this.vars.get(x) === 'f64[]' ? 'f64[]' : 'f64');
    }
    return t;
  }

  /**
   * Scalars whose tangent is known to be exactly zero here (assigned from
   * constants or inactive values): their terms are dropped, never multiplied by 0.
   */
  private zeroT = new Set<string>();

  /** The tangent of an atom: its tangent variable, or a literal 0 for constants, inactive values and known zeros. */
  private tanAtom(a: Atom): Atom {
    return this.isActive(a) ? v(this.tangent(a.name)) : f64(0);
  }

  private isActive(a: Atom): a is { kind: 'var'; name: string } {
    return a.kind === 'var' && this.active.has(a.name) && !this.zeroT.has(a.name);
  }

  private temp(hint: string, type: Type): string {
    const n = this.namer.fresh(hint);
    this.vars.set(n, type);
    return n;
  }

  private block(stmts: Stmt[]): Stmt[] {
    const out: Stmt[] = [];
    for (const s of stmts) {
      const start = out.length;
      this.stmt(s, out);
      // Tangent statements point at the user's statement they come from (for source maps).
      const loc = 'loc' in s ? s.loc : undefined;
      if (loc) for (let k = start; k < out.length; k++) setLoc(out[k], loc);
    }
    return out;
  }

  private stmt(s: Stmt, out: Stmt[]): void {
    switch (s.kind) {
      case 'assign': this.assign(s, out); break;
      case 'multi': this.multi(s, out); break;
      case 'store': {
        out.push(s);
        if (this.active.has(s.array)) {
          out.push({ kind: 'store', array: this.tangent(s.array), index: s.index, value: this.tanAtom(s.value), accumulate: s.accumulate });
        }
        break;
      }
      case 'if': {
        const before = new Set(this.zeroT);
        const thenB = this.block(s.then);
        const zThen = this.zeroT;
        this.zeroT = before;
        const elseB = this.block(s.else);
        this.zeroT = new Set([...zThen].filter((x) => this.zeroT.has(x)));
        out.push({ ...s, then: thenB, else: elseB });
        break;
      }
      case 'for': case 'while': {
        // Known zeros survive a loop only if the loop never assigns them.
        const assigned = assignedIn(s.kind === 'for' ? s.body : [...s.test, ...s.body, ...s.update]);
        for (const x of assigned) this.zeroT.delete(x);
        if (s.kind === 'for') out.push({ ...s, body: this.block(s.body) });
        else out.push({ ...s, test: this.block(s.test), body: this.block(s.body), update: this.block(s.update) });
        for (const x of assigned) this.zeroT.delete(x);
        break;
      }
      case 'break': case 'continue': case 'comment': out.push(s); break;
      case 'return': {
        const values = this.keepPrimal ? [...s.values] : [];
        for (const [i, a] of s.values.entries()) {
          const r = this.fn.results[i];
          if (r === 'f64' || r === 'f64[]') values.push(r === 'f64[]' && !this.isActive(a) ? this.zeroArray(a, out) : this.tanAtom(a));
        }
        out.push({ ...s, values });
        break;
      }
      case 'push': {
        out.push(s);
        // Whether a tangent travels with a value is decided per variable (as for its pop), not by known zeros here.
        if (s.value.kind === 'var' && this.active.has(s.value.name)) {
          out.push({ kind: 'push', tape: s.tape, value: this.tanAtom(s.value), slot: tangentSlot(s.slot) });
        }
        break;
      }
      default: assertNever(s, 'statement');
    }
  }

  private zeroArray(a: Atom, out: Stmt[]): Atom {
    const len = this.temp('len', 'i32');
    out.push({ kind: 'assign', target: len, expr: { kind: 'length', array: (a as { name: string }).name } });
    const z = this.temp('zeros', 'f64[]');
    out.push({ kind: 'assign', target: z, expr: { kind: 'alloc', length: v(len) } });
    return v(z);
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>, out: Stmt[]): void {
    const y = s.target;
    const e = s.expr;
    if (!this.active.has(y)) { out.push(s); return; }
    const ty = this.tangent(y);
    if (e.kind === 'pop') {
      // Pushed as value, tangent: popped as tangent, value.
      out.push({ kind: 'assign', target: ty, expr: { kind: 'pop', tape: e.tape, slot: tangentSlot(e.slot) } });
      out.push(s);
      this.zeroT.delete(y);
      return;
    }
    if (e.kind === 'alloc') { out.push(s, { kind: 'assign', target: ty, expr: { kind: 'alloc', length: e.length } }); return; }
    if (e.kind === 'call') { this.call(s, out); return; }
    // y = f(y, ...) needs the old y for its tangent: compute into a fresh name first.
    const selfRef = exprReads(e).includes(y);
    const target = selfRef ? this.temp(`${y}_next`, this.vars.get(y)!) : y;
    out.push({ ...s, target });
    const t = this.tangentOf(e, target, out);
    if (selfRef) {
      out.push({ kind: 'assign', target: y, expr: { kind: 'atom', value: v(target) } });
    }
    out.push({ kind: 'assign', target: ty, expr: { kind: 'atom', value: t } });
    if (t.kind === 'const' && t.value === 0 && this.vars.get(y) === 'f64') this.zeroT.add(y);
    else this.zeroT.delete(y);
  }

  /** The tangent of one operation whose result is `y`. */
  private tangentOf(e: Expr, y: string, out: Stmt[]): Atom {
    switch (e.kind) {
      case 'atom': return this.tanAtom(e.value);
      case 'unary': {
        if (e.op !== 'neg' || !this.isActive(e.arg)) return f64(0);
        const n = this.temp(`neg_t`, 'f64');
        out.push({ kind: 'assign', target: n, expr: { kind: 'unary', op: 'neg', arg: this.tanAtom(e.arg) } });
        return v(n);
      }
      case 'binary': return this.rule(e.op, [e.left, e.right], y, out);
      case 'prim': return this.rule(e.name, e.args, y, out);
      case 'load': {
        if (!this.active.has(e.array)) return f64(0);
        const n = this.temp(`t${e.array}_${e.index.kind === 'var' ? e.index.name : 'k'}`, 'f64');
        out.push({ kind: 'assign', target: n, expr: { kind: 'load', array: this.tangent(e.array), index: e.index } });
        return v(n);
      }
      case 'length': case 'alloc': case 'pop': case 'call': return f64(0);
      default: return assertNever(e, 'expression');
    }
  }

  private rule(name: string, args: Atom[], y: string, out: Stmt[]): Atom {
    const arrayRule = arrayRuleByName.get(name);
    if (arrayRule) return this.arrayRule(arrayRule, args, y, out);
    const rule = scalarRule(name);
    if (!rule) throw new Error(`internal error: no rule for ${name}`);
    const env = new Map<string, Atom>();
    const shape = ruleArgs(rule, args.length);
    shape.names.forEach((n, i) => { env.set(n, args[i]); env.set(`t${n}`, this.tanAtom(args[i])); });
    env.set('out', v(y));
    if (rule.forward) return instantiate(rule.forward, env, this.namer, this.vars, out);
    const terms: { value: Atom; negate: boolean }[] = [];
    shape.partials!.forEach((p, i) => {
      if (!this.isActive(args[i]) || p === '0') return;
      const ta = this.tanAtom(args[i]);
      if (p === '1' || p === '-1') { terms.push({ value: ta, negate: p === '-1' }); return; }
      const partial = instantiate(p, env, this.namer, this.vars, out);
      const n = this.temp('t_term', 'f64');
      out.push({ kind: 'assign', target: n, expr: { kind: 'binary', op: '*', left: partial, right: ta } });
      terms.push({ value: v(n), negate: false });
    });
    if (!terms.length) return f64(0);
    let acc: Atom | undefined;
    for (const term of terms) {
      const n = this.temp('t_sum', 'f64');
      if (!acc) {
        if (!term.negate) { acc = term.value; continue; }
        out.push({ kind: 'assign', target: n, expr: { kind: 'unary', op: 'neg', arg: term.value } });
      } else {
        out.push({ kind: 'assign', target: n, expr: { kind: 'binary', op: term.negate ? '-' : '+', left: acc, right: term.value } });
      }
      acc = v(n);
    }
    return acc!;
  }

  /** An np operation: the sum of the active arguments' tangent terms, spread to the result's shape. */
  private arrayRule(rule: ArrayRule, args: Atom[], y: string, out: Stmt[]): Atom {
    const env = new Map<string, Atom>();
    rule.args.forEach((a, i) => { if (i < args.length) { env.set(a.name, args[i]); env.set(`t${a.name}`, this.tanAtom(args[i])); } });
    env.set('out', v(y));
    const isArray = this.vars.get(y) === 'f64[]';
    let acc: Atom | undefined;
    rule.forward.forEach((template, i) => {
      if (!template || !args[i] || !this.isActive(args[i])) return;
      let term = instantiate(template, env, this.namer, this.vars, out);
      if (isArray && this.vars.get((term as { name: string }).name ?? '') !== 'f64[]') {
        // A number's tangent spread over an array result.
        const n = this.temp('len', 'i32');
        out.push({ kind: 'assign', target: n, expr: { kind: 'length', array: y } });
        const full = this.temp('t_full', 'f64[]');
        out.push({ kind: 'assign', target: full, expr: { kind: 'prim', name: 'np.full', args: [v(n), term] } });
        term = v(full);
      }
      if (!acc) { acc = term; return; }
      const sum = this.temp('t_sum', isArray ? 'f64[]' : 'f64');
      out.push({ kind: 'assign', target: sum, expr: isArray ? { kind: 'prim', name: 'np.add', args: [acc, term] } : { kind: 'binary', op: '+', left: acc, right: term } });
      acc = v(sum);
    });
    if (acc) return acc;
    if (!isArray) return f64(0);
    const n = this.temp('len', 'i32');
    out.push({ kind: 'assign', target: n, expr: { kind: 'length', array: y } });
    const z = this.temp('t_zeros', 'f64[]');
    out.push({ kind: 'assign', target: z, expr: { kind: 'prim', name: 'np.zeros', args: [v(n)] } });
    return v(z);
  }

  /** y = g(args)  ==>  [y, ty] = jvp_g(args, tangents of the active args). */
  private call(s: Extract<Stmt, { kind: 'assign' }>, out: Stmt[]): void {
    const e = s.expr as Extract<Expr, { kind: 'call' }>;
    const act = e.args.map((a) => this.isActive(a));
    if (!act.some(Boolean)) { out.push(s, { kind: 'assign', target: this.tangent(s.target), expr: { kind: 'atom', value: f64(0) } }); return; }
    const custom = this.functions.get(e.callee)?.custom;
    if (custom) {
      // A user-supplied derivative: ty = Σ partialᵢ(args…, y) · targᵢ.
      out.push(s);
      let acc: Atom | undefined;
      e.args.forEach((a, i) => {
        if (!act[i]) return;
        const p = this.temp(`${e.callee}_d${(a as { name: string }).name}`, 'f64');
        out.push({ kind: 'assign', target: p, expr: { kind: 'call', callee: custom.partials[i], args: [...e.args, v(s.target)] } });
        const term = this.temp('t_term', 'f64');
        out.push({ kind: 'assign', target: term, expr: { kind: 'binary', op: '*', left: v(p), right: this.tanAtom(a) } });
        if (acc) {
          const sum = this.temp('t_sum', 'f64');
          out.push({ kind: 'assign', target: sum, expr: { kind: 'binary', op: '+', left: acc, right: v(term) } });
          acc = v(sum);
        } else acc = v(term);
      });
      out.push({ kind: 'assign', target: this.tangent(s.target), expr: { kind: 'atom', value: acc! } });
      this.zeroT.delete(s.target);
      return;
    }
    const callee = this.jvpOf(e.callee, act);
    const tans = e.args.filter((_, i) => act[i]).map((a) => this.tanAtom(a));
    out.push({ kind: 'multi', targets: [s.target, this.tangent(s.target)], callee, args: [...e.args, ...tans], loc: s.loc });
    // The target may have held a constant before (`let b = 0.9; b = h(a)`).
    this.zeroT.delete(s.target);
  }

  /** [a, b] = g(args)  ==>  [a, b, ta, tb] = jvp_g(args, tangents). */
  private multi(s: Extract<Stmt, { kind: 'multi' }>, out: Stmt[]): void {
    const act = s.args.map((a) => this.isActive(a));
    if (!act.some(Boolean)) {
      out.push(s);
      for (const t of s.targets) if (this.active.has(t)) out.push({ kind: 'assign', target: this.tangent(t), expr: { kind: 'atom', value: f64(0) } });
      return;
    }
    const callee = this.jvpOf(s.callee, act);
    const tans = s.args.filter((_, i) => act[i]).map((a) => this.tanAtom(a));
    const tTargets = s.targets.map((t) => (this.active.has(t) ? this.tangent(t) : this.temp(`t${t}`, 'f64')));
    out.push({ ...s, targets: [...s.targets, ...tTargets], callee, args: [...s.args, ...tans] });
    for (const t of s.targets) this.zeroT.delete(t);
  }
}

/** The slot of a value's tangent on the tape: pairs like the value's own push and pop. */
const tangentSlot = (slot: number) => slot + 1_000_000;
