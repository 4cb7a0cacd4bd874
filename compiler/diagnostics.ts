// Every message the compiler can refuse with, in one table (code → template),
// and the error type that carries location, code frame and remedy.
import { codeFrameColumns } from '@babel/code-frame';

export const diagnostics = {
  CT1001: { text: 'cannot parse {what}', note: 'pass a function written in plain JavaScript or TypeScript' },
  CT1002: { text: 'no function named `{name}` in the module source', note: 'check the name given with --fn / the function name' },
  CT1003: { text: 'cannot read the source of `{name}` ({why})', note: 'pass an ordinary function declared in source, not a bound or native function' },
  CT1101: { text: '{construct} is not supported', note: '{remedy}' },
  CT1102: { text: 'unknown identifier `{name}`', note: 'pass it through the `scope` option, or define it in the same module' },
  CT1103: { text: '`{name}` is not a known function', note: 'cotangent differentiates calls to Math functions, cotangent/np operations and user functions passed in `scope`' },
  CT1104: { text: 'assignment to `{name}`, which is not a local variable', note: 'differentiated functions may only assign their own local variables' },
  CT1105: { text: 'writing into the argument array `{name}`', note: 'copy it first: `const y = Float64Array.from({name})`, or write into a local `new Float64Array(n)`' },
  CT1106: { text: 'recursive call to `{name}`', note: 'rewrite the recursion as a loop' },
  CT1107: { text: '`{name}` is called with {got} arguments but declares {want}', note: 'pass exactly the declared arguments' },
  CT1108: { text: 'reassigning the array variable `{name}`', note: 'declare a new variable for the new array' },
  CT1109: { text: '`{name}` is a {kind} here but a {other} elsewhere', note: 'keep each variable to one kind: number or Float64Array' },
  CT1110: { text: 'the index `{what}` is not an integer', note: 'index arrays with integer counters or sizes; use Math.floor(...) | 0 to convert' },
  CT1111: { text: 'reading `{name}` before it is assigned', note: 'initialise the variable where it is declared' },
  CT1113: { text: '`{name}` is used as an integer (index, size or count), so it cannot be differentiated', note: 'remove it from `wrt`' },
  CT1114: { text: 'the function does not return a value on every path', note: 'end the function with a `return`' },
  CT1115: { text: '{what} must be a number or a Float64Array, got {got}', note: 'cotangent works on numbers and Float64Arrays' },
  CT1116: { text: '`{name}` in `scope` is {type}, not a function or a number', note: 'scope maps names to helper functions and numeric constants' },
  CT1117: { text: 'assignment to `{name}`, which is declared `const`', note: 'declare `{name}` with `let` to assign it again' },
  CT1201: { text: '`grad` needs a function that returns a number, but `{name}` returns {got}', note: 'reduce the result to a number, or use `jvp` for array-valued functions' },
  CT1202: { text: '`wrt` index {index} is out of range: `{name}` has {count} parameters', note: 'wrt counts parameters from 0' },
  CT1203: { text: 'cannot differentiate with respect to `{name}`, a {type}', note: 'wrt must name number or Float64Array parameters' },
  CT1204: { text: '{what} is not supported by {mode}', note: '{remedy}' },
} as const;

export type Code = keyof typeof diagnostics;

export interface SourceText {
  /** The text the locations refer to. */
  text: string;
  /** Where the text came from: `Function.prototype.toString` output, or a file. */
  origin: 'function' | 'file';
  file?: string;
}

export interface At { line: number; column: number }

function fill(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in args ? String(args[k]) : `{${k}}`));
}

/** Columns of a code frame's lines: longer lines (minified or transpiled code) are shown as a window around the column. */
const FRAME_WIDTH = 100;

function frameOf(text: string, at: At): string {
  const lines = text.split('\n');
  const line = lines[at.line - 1] ?? '';
  if (line.length <= FRAME_WIDTH) return codeFrameColumns(text, { start: { line: at.line, column: at.column + 1 } }, { highlightCode: false });
  const from = Math.max(0, Math.min(at.column - FRAME_WIDTH / 2, line.length - FRAME_WIDTH));
  const cut = (l: string) => (from > 0 ? '…' : '') + l.slice(from, from + FRAME_WIDTH) + (l.length > from + FRAME_WIDTH ? '…' : '');
  const column = at.column - from + (from > 0 ? 1 : 0) + 1;
  return codeFrameColumns(lines.map(cut).join('\n'), { start: { line: at.line, column } }, { highlightCode: false });
}

/** An input the compiler refuses: says what, where (function, line:column, code frame) and what to do. */
export class CompileError extends Error {
  readonly code: Code;
  readonly fn: string | undefined;
  readonly loc: At | undefined;
  readonly note: string;
  readonly frame: string;

  constructor(code: Code, args: Record<string, string | number>, where?: { fn?: string; at?: At; source?: SourceText }) {
    const d = diagnostics[code];
    const text = fill(d.text, args);
    const note = fill(d.note, args);
    const at = where?.at;
    const src = where?.source;
    const place = [
      where?.fn ? `in \`${where.fn}\`` : '',
      at ? `at ${src?.file ?? '<function>'}:${at.line}:${at.column + 1}` : '',
    ].filter(Boolean).join(' ');
    const frame = at && src ? frameOf(src.text, at) : '';
    const transpiled = at && src?.origin === 'function'
      ? '\n(positions refer to the function text as the runtime gives it, which a transpiler may have reformatted)'
      : '';
    super(`cotangent ${code}: ${text}${place ? ' ' + place : ''}${frame ? '\n' + frame : ''}${transpiled}\nnote: ${note}`);
    this.name = 'CompileError';
    this.code = code;
    this.fn = where?.fn;
    this.loc = at;
    this.note = note;
    this.frame = frame;
  }
}
