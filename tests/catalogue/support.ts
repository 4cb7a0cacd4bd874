// Shared checks for the catalogue of bad input: what a clear refusal looks like,
// and a reference evaluation of module source as plain JavaScript.
import * as assert from 'uvu/assert';
import { CompileError, fromSource, grad, hvp, jvp, type Options } from '../../runtime/index.js';

export type Mode = 'grad' | 'jvp' | 'hvp';

export const make = (mode: Mode = 'grad') => (mode === 'hvp' ? hvp : mode === 'jvp' ? jvp : grad);

/** What a refusal must say: the construct, and where (`line:col`, 1-based column as printed). */
export interface Refusal {
  says: string | RegExp;
  at?: string;
  /** The function the message names (default `f`). */
  fn?: string;
  code?: string;
}

/** Runs `attempt`, which must throw a CompileError; checks message, location, code frame and note. */
export function assertRefused(attempt: () => unknown, r: Refusal, label: string): CompileError {
  let err: unknown;
  try { attempt(); } catch (e) { err = e; }
  assert.ok(err instanceof CompileError, `${label}: expected a CompileError, got ${err === undefined ? 'no error' : `${(err as Error).name}: ${(err as Error).message}`}`);
  const e = err as CompileError;
  const msg = e.message;
  if (typeof r.says === 'string') assert.ok(msg.includes(r.says), `${label}: message should mention "${r.says}":\n${msg}`);
  else assert.match(msg, r.says, `${label}: message should match ${r.says}:\n${msg}`);
  if (r.code) assert.is(e.code, r.code, `${label}: code`);
  if (r.at) {
    assert.ok(msg.includes(`:${r.at}`), `${label}: message should point at ${r.at}:\n${msg}`);
    assert.ok(/^>\s*\d+ \|/m.test(msg), `${label}: message should carry a code frame:\n${msg}`);
    assert.ok(msg.includes(`in \`${r.fn ?? 'f'}\``), `${label}: message should name the function \`${r.fn ?? 'f'}\`:\n${msg}`);
  }
  assert.ok(msg.includes('note:'), `${label}: message should say what to do instead:\n${msg}`);
  return e;
}

/** Refused when differentiating `f` of module `src`. */
export function assertSourceRefused(src: string, r: Refusal & { mode?: Mode; opts?: Options }, label: string): CompileError {
  return assertRefused(() => make(r.mode)(fromSource(src, 'f', `${label.replace(/[^\w.-]+/g, '-')}.ts`), r.opts ?? {}), r, label);
}

/** The module's function `name` as plain JavaScript (TypeScript annotations must not be used). */
export function plain<F = (...a: any[]) => any>(src: string, name = 'f'): F {
  return new Function(`"use strict";\n${src}\nreturn ${name};`)() as F;
}

/** Central difference of scalar `f` in argument `k` (a number). */
export function fd(f: (...a: any[]) => number, args: unknown[], k: number, h = 1e-6): number {
  const at = (d: number) => f(...args.map((a, i) => (i === k ? (a as number) + d : a)));
  return (at(h) - at(-h)) / (2 * h);
}

export const close = (a: number, b: number, rtol = 1e-6, atol = 1e-9) => Math.abs(a - b) <= atol + rtol * Math.max(Math.abs(a), Math.abs(b));
