#!/usr/bin/env node
// The `cotangent` command: differentiate a function of a .ts/.js file and
// print the generated code. Exit codes: 0 ok, 1 the input was refused (the
// message has a code frame), 2 usage.
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { derive, type DeriveOptions } from '../compiler/index.js';
import { CompileError } from '../compiler/diagnostics.js';
import { emitModule } from '../compiler/emit/js/emit.js';
import type { IrModule } from '../compiler/ir/nodes.js';
import { printModule } from '../compiler/ir/print.js';
import { pipeline, runPass } from '../compiler/opt/pipeline.js';
import { findFunction, parseModuleSource } from '../compiler/parse/source.js';
import * as np from '../runtime/np.js';

interface ModeOptions {
  fn: string;
  wrt: string;
  optimize: boolean;
  passes?: boolean;
  dumpAfter?: string;
  preserveResult?: boolean;
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
const red = (s: string) => (color ? `\x1b[31m${s}\x1b[39m` : s);

function parseWrt(text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new CommanderError(2, 'cotangent.usage', `--wrt takes parameter indices such as 0 or 0,2 (got "${text}")`);
  }
  return list;
}

function load(file: string, fn: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CommanderError(2, 'cotangent.usage', `cannot read ${file}: ${(e as Error).message}`);
  }
  return findFunction(parseModuleSource(text, file), fn);
}

function run(mode: DeriveOptions['mode'], file: string, o: ModeOptions): void {
  const parsed = load(file, o.fn);
  const base = { mode, wrt: parseWrt(o.wrt), preserveResult: o.preserveResult, npModule: np as unknown as Record<string, unknown> };
  if (o.passes) {
    // The raw transformation, then the code after each pass of the pipeline's first round.
    const raw = derive(parsed, { ...base, optimized: false });
    let mod: IrModule = raw.module;
    process.stdout.write(dim('// raw transformation\n') + raw.source);
    for (const { pass, why } of pipeline) {
      mod = { ...mod, functions: mod.functions.map((f) => runPass(pass, f, mod)) };
      process.stdout.write('\n' + dim(`// after ${pass}: ${why}\n`) + emitModule(mod));
    }
    return;
  }
  const d = derive(parsed, { ...base, optimized: o.optimize });
  if (o.dumpAfter) {
    const stage = d.stages.get(o.dumpAfter);
    if (!stage) throw new CommanderError(2, 'cotangent.usage', `no stage named "${o.dumpAfter}"; this run has: ${[...d.stages.keys()].join(', ')}`);
    process.stdout.write(printModule(stage));
    return;
  }
  process.stdout.write(d.source);
}

function modeCommand(program: Command, name: DeriveOptions['mode'], summary: string, example: string): void {
  program.command(`${name} <file>`)
    .description(summary)
    .requiredOption('--fn <name>', 'the function to differentiate')
    .option('--wrt <indices>', 'parameter indices to differentiate with respect to', '0')
    .option('--no-optimize', 'print the raw transformation (no optimisation passes)')
    .option('--passes', 'print the code after each optimisation pass')
    .addOption(new Option('--dump-after <stage>', 'print the IR after a stage').choices(['lower', 'reverse', 'forward', 'optimize']))
    .option('--preserve-result', 'also return the function\'s value')
    .addHelpText('after', `\nExample:\n  $ ${example}`)
    .action((file: string, o: ModeOptions) => run(name, file, o));
}

export function main(argv: string[]): number {
  const program = new Command('cotangent')
    .description('Source-to-source automatic differentiation for TypeScript and JavaScript')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  modeCommand(program, 'grad', 'print the reverse-mode gradient of a function', 'cotangent grad examples/loss.ts --fn loss --wrt 0');
  modeCommand(program, 'jvp', 'print the forward-mode derivative (Jacobian-vector product)', 'cotangent jvp examples/loss.ts --fn loss');
  modeCommand(program, 'hvp', 'print the Hessian-vector product (forward over reverse)', 'cotangent hvp examples/loss.ts --fn loss');
  try {
    program.parse(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(red('error: ') + e.message + '\n');
      return 1;
    }
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      if (e.code === 'cotangent.usage') process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// Run when executed directly, also through npm's bin link (not when imported by tests).
const invoked = (() => {
  try { return !!process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url; } catch { return false; }
})();
if (invoked) process.exitCode = main(process.argv.slice(2));
