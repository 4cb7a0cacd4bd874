// From a function value or a module's text to the Babel AST of one function.
import { parse, parseExpression } from '@babel/parser';
import type * as t from '@babel/types';
import { CompileError, type SourceText } from '../diagnostics.js';

export type FunctionNode = t.FunctionDeclaration | t.FunctionExpression | t.ArrowFunctionExpression | t.ObjectMethod;

export interface ParsedFunction {
  name: string;
  node: FunctionNode;
  source: SourceText;
  /** For module input: the module's other top-level functions and its imports. */
  module?: ParsedModule;
  /**
   * A derivative the user supplied (`withDerivative`): one function per
   * argument giving ∂f/∂argᵢ from (args…, out). Used instead of
   * differentiating the body; written in the same language, so it is itself
   * differentiable (hvp) and compiles to Wasm.
   */
  custom?: { partials: ParsedFunction[] };
}

export interface ParsedModule {
  source: SourceText;
  functions: Map<string, ParsedFunction>;
  /** Local name → where it is imported from (`np` → { from: 'cotangent/np', name: '*' }). */
  imports: Map<string, { from: string; name: string }>;
  /** Top-level numeric constants (`const N = 3`). */
  constants: Map<string, number>;
}

const PLUGINS: ('typescript' | 'jsx')[] = ['typescript'];

/** The text of a function value, read the way a user cannot override. */
export function functionText(f: Function): string {
  return Function.prototype.toString.call(f);
}

/** Parses a function value's source. */
export function parseFunctionValue(f: Function, nameHint?: string): ParsedFunction {
  const name = f.name || nameHint || 'f';
  const text = functionText(f);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    throw new CompileError('CT1003', { name, why: f.name.startsWith('bound ') ? 'a bound function' : 'a native function' });
  }
  const source: SourceText = { text, origin: 'function' };
  const node = parseFunctionText(text, source, name);
  const declared = (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.id ? node.id.name : undefined;
  return { name: declared ?? name, node, source };
}

function parseFunctionText(text: string, source: SourceText, name: string): FunctionNode {
  const attempts = [
    () => parseExpression(text, { plugins: PLUGINS }),
    // Method shorthand (`f(x) { ... }`) is not an expression on its own.
    () => {
      const e = parseExpression(`({${text}})`, { plugins: PLUGINS, startColumn: -2 } as never);
      return e.type === 'ObjectExpression' ? e.properties[0] : e;
    },
  ];
  let first: unknown;
  for (const attempt of attempts) {
    try {
      const node = attempt() as t.Node;
      // A getter's or setter's text (`get v() {…}`) reads as an accessor of an object literal: not a function to call.
      if (node && node.type === 'ObjectMethod' && node.kind !== 'method') {
        throw new CompileError('CT1101', { construct: `a ${node.kind}ter`, remedy: 'pass a plain function' }, { fn: name, at: node.loc?.start, source });
      }
      if (node && (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'ObjectMethod')) {
        return node;
      }
      if (node && node.type === 'ClassExpression') {
        throw new CompileError('CT1101', { construct: 'a class', remedy: 'pass a plain function' }, { fn: name, at: node.loc?.start, source });
      }
    } catch (e) {
      if (e instanceof CompileError) throw e;
      first ??= e;
    }
  }
  const loc = (first as { loc?: { line: number; column: number } })?.loc;
  throw new CompileError('CT1001', { what: `the source of \`${name}\`: ${(first as Error)?.message ?? 'not a function'}` },
    { fn: name, at: loc, source });
}

/** Parses a whole module (a .ts/.js file) and indexes its top-level functions. */
export function parseModuleSource(text: string, file = '<module>'): ParsedModule {
  const source: SourceText = { text, origin: 'file', file };
  let ast: t.File;
  try {
    ast = parse(text, { sourceType: 'module', plugins: PLUGINS, errorRecovery: false });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new CompileError('CT1001', { what: `${file}: ${(e as Error).message}` }, { at: loc, source });
  }
  const mod: ParsedModule = { source, functions: new Map(), imports: new Map(), constants: new Map() };
  const addFunction = (name: string, node: FunctionNode) => mod.functions.set(name, { name, node, source, module: mod });
  for (let stmt of ast.program.body) {
    if ((stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') && stmt.declaration) {
      stmt = stmt.declaration as t.Statement;
    }
    if (stmt.type === 'FunctionDeclaration' && stmt.id) addFunction(stmt.id.name, stmt);
    else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) {
        if (d.id.type !== 'Identifier' || !d.init) continue;
        const init = unwrapTs(d.init);
        if (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression') addFunction(d.id.name, init);
        else if (stmt.kind === 'const') {
          const value = literalNumber(init);
          if (value !== undefined) mod.constants.set(d.id.name, value);
        }
      }
    } else if (stmt.type === 'ImportDeclaration') {
      for (const s of stmt.specifiers) {
        const imported = s.type === 'ImportSpecifier' ? (s.imported.type === 'Identifier' ? s.imported.name : s.imported.value)
          : s.type === 'ImportNamespaceSpecifier' ? '*' : 'default';
        mod.imports.set(s.local.name, { from: stmt.source.value, name: imported });
      }
    }
  }
  return mod;
}

export function findFunction(mod: ParsedModule, name: string): ParsedFunction {
  const f = mod.functions.get(name);
  if (!f) throw new CompileError('CT1002', { name }, { source: mod.source });
  return f;
}

export function unwrapTs(e: t.Expression): t.Expression {
  while (e.type === 'TSAsExpression' || e.type === 'TSNonNullExpression' || e.type === 'TSTypeAssertion'
    || e.type === 'TSSatisfiesExpression' || e.type === 'ParenthesizedExpression') e = e.expression;
  return e;
}

function literalNumber(e: t.Expression): number | undefined {
  if (e.type === 'NumericLiteral') return e.value;
  if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral') return -e.argument.value;
  return undefined;
}
