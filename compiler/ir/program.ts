// Lowers a user function and, transitively, every helper it calls into one
// IrModule; resolves free identifiers; infers f64/i32; checks call sites.
import type * as t from '@babel/types';
import { CompileError } from '../diagnostics.js';
import { arrayRuleByName } from '../rules/index.js';
import { parseFunctionValue, type ParsedFunction } from '../parse/source.js';
import { ArrayHint, Lowerer, type LowerEnv, type Resolved } from './lower.js';
import { Namer } from './names.js';
import type { Atom, IrFunction, IrModule, Stmt, Type } from './nodes.js';
import { inferTypes, type IntUse } from './types.js';
import { forEachStmt } from './walk.js';

export interface ProgramOptions {
  /** Named functions and constants the function refers to. */
  scope?: Record<string, unknown>;
  /** The `cotangent/np` module object, so its functions are recognised by identity. */
  npModule?: Record<string, unknown>;
  /** Array primitives known to the rule table (`np.dot`, ...). */
  arrayPrims?: ReadonlySet<string>;
  /** Indices of the entry's parameters that will be differentiated. */
  wrt?: number[];
  /** The runtime's `adjointHook` marker, recognised by identity. */
  hookFunction?: unknown;
}

/** Where `withDerivative` keeps a user-supplied rule on the function it returns. */
export const CUSTOM = Symbol.for('cotangent.customDerivative');
export interface CustomRule { primal: Function; partials: Function[] }

export interface Program {
  module: IrModule;
  /** Where each function came from (for diagnostics of later stages). */
  parsed: Map<string, ParsedFunction>;
}

/** Parameters that are only passed on to helpers get their kind from the helper: lowering is retried with those hints. */
export function lowerProgram(entry: ParsedFunction, opts: ProgramOptions = {}): Program {
  const hints = new Map<ParsedFunction, Set<string>>();
  for (let round = 0; ; round++) {
    try {
      return lowerOnce(entry, opts, hints);
    } catch (e) {
      if (!(e instanceof ArrayHint) || round > 8) throw e instanceof ArrayHint ? e.error : e;
      const set = hints.get(e.fn) ?? new Set();
      set.add(e.param);
      hints.set(e.fn, set);
    }
  }
}


function lowerOnce(entry: ParsedFunction, opts: ProgramOptions, hints: Map<ParsedFunction, Set<string>>): Program {
  const scope = opts.scope ?? {};
  const moduleNamer = new Namer();
  const irNames = new Map<ParsedFunction, string>();
  const byValue = new Map<unknown, ParsedFunction>();
  const lowered = new Map<string, { lw: Lowerer; fn: IrFunction; kinds: Map<string, 'num' | 'bool' | 'array'> }>();
  const parsed = new Map<string, ParsedFunction>();
  const npByValue = new Map<unknown, string>();
  for (const [k, val] of Object.entries(opts.npModule ?? {})) if (typeof val === 'function') npByValue.set(val, k);

  const resolveIn = (pf: ParsedFunction) => (name: string): Resolved | undefined => {
    const mod = pf.module;
    if (mod) {
      const f = mod.functions.get(name);
      if (f) return { kind: 'function', fn: f };
      const c = mod.constants.get(name);
      if (c !== undefined) return { kind: 'constant', value: c };
      const imp = mod.imports.get(name);
      if (imp && /(^|\/)cotangent\/np$|np(\.js|\.ts)?$/.test(imp.from)) {
        return imp.name === '*' ? { kind: 'namespace', prefix: 'np' } : { kind: 'prim', name: `np.${imp.name}` };
      }
    }
    if (!Object.prototype.hasOwnProperty.call(scope, name)) return undefined;
    const value = scope[name];
    if (typeof value === 'number') return { kind: 'constant', value };
    if (value === Math) return { kind: 'namespace', prefix: 'Math' };
    if ((opts.npModule && value === opts.npModule)
      || (value && typeof value === 'object' && (value as { COTANGENT_NP?: unknown }).COTANGENT_NP === 'cotangent/np')) {
      return { kind: 'namespace', prefix: 'np' };
    }
    if (typeof value === 'function') {
      const np = npByValue.get(value);
      if (np) return { kind: 'prim', name: `np.${np}` };
      if (value === opts.hookFunction) return { kind: 'hook' };
      const custom = (value as { [CUSTOM]?: CustomRule })[CUSTOM];
      if (custom) {
        let f = byValue.get(value);
        if (!f) {
          f = { ...parseFunctionValue(custom.primal, name), custom: { partials: custom.partials.map((p, i) => parseFunctionValue(p, `${name}_partial${i}`)) } };
          byValue.set(value, f);
        }
        return { kind: 'function', fn: f };
      }
      let f = byValue.get(value);
      if (!f) { f = parseFunctionValue(value as Function, name); byValue.set(value, f); }
      return { kind: 'function', fn: f };
    }
    throw new CompileError('CT1116', { name, type: value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}` },
      { fn: pf.name, source: pf.source, at: firstUse(pf, name) });
  };

  const calleeName = (fn: ParsedFunction) => {
    let n = irNames.get(fn);
    if (!n) { n = moduleNamer.fresh(fn.name); irNames.set(fn, n); }
    return n;
  };

  // Lower every reachable function; detect recursion on the way (post-order = callees first).
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (pf: ParsedFunction, from?: { fn: ParsedFunction; node?: t.Node }) => {
    const name = calleeName(pf);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new CompileError('CT1106', { name: pf.name }, { fn: from?.fn.name, source: from?.fn.source, at: callLoc(from?.fn, pf.name) });
    }
    state.set(name, 'visiting');
    const env: LowerEnv = {
      resolve: resolveIn(pf),
      isArrayPrim: (p) => opts.arrayPrims?.has(p) ?? arrayRuleByName.has(p),
      calleeName,
      // A callee is lowered when first called, so its result's kind is known at the call.
      resultKind: (callee) => {
        visit(callee, { fn: pf });
        const done = lowered.get(calleeName(callee))!;
        let kind: 'num' | 'array' = 'num';
        forEachStmt(done.fn.body, (st) => {
          if (st.kind === 'return' && st.values[0]?.kind === 'var' && done.kinds.get(st.values[0].name) === 'array') kind = 'array';
        });
        return kind;
      },
    };
    const lw = new Lowerer(pf, env, hints.get(pf));
    const { fn, kinds } = lw.lower();
    fn.name = name;
    parsed.set(name, pf);
    lowered.set(name, { lw, fn, kinds });
    for (const callee of lw.callees.values()) visit(callee, { fn: pf });
    if (pf.custom) {
      fn.custom = { partials: pf.custom.partials.map((p) => calleeName(p)) };
      for (const p of pf.custom.partials) visit(p, { fn: pf });
    }
    state.set(name, 'done');
    order.push(name);
  };
  visit(entry);
  const entryName = calleeName(entry);

  // Types, callees first; a callee's integer parameters demand integers at call sites.
  const typed = new Map<string, IrFunction>();
  for (const name of order) {
    const { lw, fn, kinds } = lowered.get(name)!;
    const pf = parsed.get(name)!;
    const extra: IntUse[] = [];
    forEachStmt(fn.body, (s) => {
      if (s.kind !== 'assign' || s.expr.kind !== 'call') return;
      const callee = typed.get(s.expr.callee)!;
      const args = s.expr.args;
      if (args.length !== callee.params.length) {
        throw new CompileError('CT1107', { name: s.expr.callee, got: args.length, want: callee.params.length }, { fn: pf.name, at: s.loc, source: pf.source });
      }
      callee.params.forEach((p, i) => {
        const k = kindOfAtom(args[i], kinds);
        const want = p.type === 'f64[]' ? 'array' : 'num';
        if (k !== want) {
          const arg = args[i];
          const param = lw.params.find((q) => arg.kind === 'var' && q.name === arg.name);
          const err = new CompileError('CT1109', { name: `argument ${i + 1} of ${callee.name}`, kind: k === 'array' ? 'Float64Array' : k === 'num' ? 'number' : k, other: want === 'array' ? 'Float64Array' : 'number' }, { fn: pf.name, at: s.loc, source: pf.source });
          if (want === 'array' && param && param.kind === 'num' && !hints.get(pf)?.has(param.name)) throw new ArrayHint(pf, param.name, err);
          throw err;
        }
        if (p.type === 'i32') extra.push({ atom: args[i], loc: s.loc, what: `argument ${i + 1} of ${callee.name}` });
      });
      if (callee.results[0] === 'f64[]') { kinds.set(s.target, 'array'); fn.vars.set(s.target, 'f64[]'); }
    });
    const numbers = new Set([...kinds].filter(([, k]) => k === 'num').map(([n]) => n));
    const active = new Set(name === entryName ? (opts.wrt ?? [0]).map((i) => fn.params[i]?.name).filter(Boolean) : []);
    const out = inferTypes({ fn, intUses: [...lw.intUses, ...extra], active, numbers, source: pf.source });
    out.results = [resultType(out, pf)];
    out.source = { name: pf.source.file ?? `${pf.name}.js`, text: pf.source.text };
    typed.set(name, out);
  }
  const functions = order.map((n) => typed.get(n)!);
  return { module: { functions, entry: entryName }, parsed };
}

function kindOfAtom(a: Atom, kinds: Map<string, string>): string {
  if (a.kind === 'const') return a.type === 'bool' ? 'bool' : 'num';
  return kinds.get(a.name) ?? 'num';
}

function resultType(fn: IrFunction, pf: ParsedFunction): Type {
  const types = new Set<Type>();
  forEachStmt(fn.body, (s) => {
    if (s.kind !== 'return') return;
    const a = s.values[0];
    types.add(a.kind === 'const' ? 'f64' : fn.vars.get(a.name) === 'f64[]' ? 'f64[]' : fn.vars.get(a.name) === 'bool' ? 'bool' : 'f64');
  });
  if (!alwaysReturns(fn.body)) {
    const end = pf.node.loc?.end;
    throw new CompileError('CT1114', {}, { fn: pf.name, at: end ? { line: end.line, column: Math.max(0, end.column - 1) } : undefined, source: pf.source });
  }
  if (types.size > 1 && types.has('f64[]')) {
    throw new CompileError('CT1109', { name: 'the result', kind: 'Float64Array', other: 'number' }, { fn: pf.name, at: pf.node.loc?.start, source: pf.source });
  }
  if (types.has('bool')) throw new CompileError('CT1101', { construct: 'returning a boolean', remedy: 'return a number' }, { fn: pf.name, at: pf.node.loc?.start, source: pf.source });
  return types.has('f64[]') ? 'f64[]' : 'f64';
}

/** True if every path through the block ends in a return. */
export function alwaysReturns(body: Stmt[]): boolean {
  for (const s of body) {
    if (s.kind === 'return') return true;
    if (s.kind === 'if' && alwaysReturns(s.then) && alwaysReturns(s.else)) return true;
    if (s.kind === 'while' && s.cond.kind === 'const' && s.cond.value && !hasBreak(s.body)) return true;
  }
  return false;
}

function hasBreak(body: Stmt[]): boolean {
  // A break inside a nested loop leaves only that loop.
  for (const s of body) {
    if (s.kind === 'break') return true;
    if (s.kind === 'if' && (hasBreak(s.then) || hasBreak(s.else))) return true;
  }
  return false;
}

function callLoc(pf: ParsedFunction | undefined, callee: string): { line: number; column: number } | undefined {
  if (!pf) return undefined;
  const re = new RegExp(`\\b${callee}\\s*\\(`);
  const lines = pf.source.text.split('\n');
  const start = pf.node.loc?.start.line ?? 1;
  for (let i = start - 1; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m && !/function\s*$/.test(lines[i].slice(0, m.index))) return { line: i + 1, column: m.index };
  }
  return pf.node.loc?.start;
}

function firstUse(pf: ParsedFunction, name: string): { line: number; column: number } | undefined {
  const lines = pf.source.text.split('\n');
  const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$&')}\\b`);
  for (let i = (pf.node.body.loc?.start.line ?? 1) - 1; i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m) return { line: i + 1, column: m.index };
  }
  return undefined;
}
