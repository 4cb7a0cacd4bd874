// Example functions for the optimiser's tests: loops, branches, arrays and
// calls. Parameter names give their kind: a, b, c scalars; x, y
// Float64Arrays; n integers.
import { lowerProgram } from '../../compiler/ir/program.js';
import { parseFunctionValue } from '../../compiler/parse/source.js';
import type { IrModule } from '../../compiler/ir/nodes.js';

/* eslint-disable prefer-const */
function square(a: number) { return a * a; }
function poly(a: number) { return 3 * a * a + 2 * a + 1; }

export interface CorpusCase {
  name: string;
  fn: Function;
  /** Indices of the parameters differentiated (the rest are held constant). */
  wrt: number[];
  scope?: Record<string, unknown>;
}

export const corpus: CorpusCase[] = [
  { name: 'scalar_expr', wrt: [0, 1], fn: function scalar_expr(a: number, b: number) { const t = a * b; return Math.sin(t) + t * 1 + Math.pow(a, 2) - b / 1; } },
  { name: 'literals', wrt: [0], fn: function literals(a: number) { const k = 2 * 3 + 1; const z = k - 7; return a * (k / 7) + z + Math.exp(0) * a; } },
  { name: 'repeated', wrt: [0, 1], fn: function repeated(a: number, b: number) { const u = Math.exp(a * b); const v = Math.exp(a * b); return u * v + a * b; } },
  { name: 'branch', wrt: [0], fn: function branch(a: number, b: number) { let y = 0; if (a > b) { y = a * a; } else { y = Math.cos(a) * b; } return y + 1; } },
  { name: 'ternary', wrt: [0], fn: function ternary(a: number) { const s = a > 0 ? Math.sqrt(a) : -a; return s * s; } },
  { name: 'sum', wrt: [0], fn: function sum(x: Float64Array) { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]; return s; } },
  { name: 'dot', wrt: [0, 1], fn: function dot(x: Float64Array, y: Float64Array) { let s = 0; for (let i = 0; i < x.length; i++) s += x[i] * y[i]; return s; } },
  { name: 'power_loop', wrt: [0], fn: function power_loop(a: number, n: number) { let p = 1; for (let i = 0; i < n; i++) p = p * a; return p; } },
  { name: 'while_loop', wrt: [0], fn: function while_loop(a: number) { let v = a; let k = 0; while (v > 1 && k < 50) { v = v / 2; k++; } return v * a; } },
  { name: 'break_loop', wrt: [0], fn: function break_loop(x: Float64Array, c: number) { let s = 0; for (let i = 0; i < x.length; i++) { if (x[i] > c) break; s += Math.sin(x[i]); } return s; } },
  { name: 'local_array', wrt: [0], fn: function local_array(x: Float64Array) { const t = new Float64Array(x.length); const u = new Float64Array(x.length); for (let i = 0; i < x.length; i++) { t[i] = x[i] * x[i]; u[i] = x[i]; } let s = 0; for (let i = 0; i < x.length; i++) s += t[i]; return s; } },
  { name: 'calls', wrt: [0], scope: { square, poly }, fn: function calls(a: number) { const u = square(a); const unused = poly(a); return poly(u) + square(2); } },
  { name: 'nested_loops', wrt: [0], fn: function nested_loops(x: Float64Array, n: number) { let s = 0; for (let i = 0; i < n; i++) { for (let j = 0; j < x.length; j++) { s += x[j] * i; } } return s; } },
  { name: 'dead_values', wrt: [0], fn: function dead_values(a: number, b: number) { let d = a * b; d = d + 1; const e = Math.log(a * a + 1); let f = e; f = a; return f * 2; } },
  { name: 'max_loop', wrt: [0], fn: function max_loop(x: Float64Array) { let m = x[0]; for (let i = 1; i < x.length; i++) { if (x[i] > m) m = x[i]; } return m; } },
  { name: 'continue_loop', wrt: [0], fn: function continue_loop(x: Float64Array) { let s = 0; let i = 0; while (i < x.length) { const v = x[i]; i++; if (v < 0) continue; s = s + v * v; } return s; } },
];

export function lowerCase(c: CorpusCase): IrModule {
  return lowerProgram(parseFunctionValue(c.fn), { wrt: c.wrt, scope: c.scope }).module;
}
