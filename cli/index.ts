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
  emit: 'js' | 'as' | 'wat';
  simd: boolean;
}

interface BuildOptions {
  fn: string;
  wrt: string;
  grad?: boolean;
  jvp?: boolean;
  hvp?: boolean;
  out: string;
  name?: string;
  simd: boolean;
  as?: boolean;
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

async function run(mode: DeriveOptions['mode'], file: string, o: ModeOptions): Promise<void> {
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
  if (o.emit === 'js') { process.stdout.write(d.source); return; }
  // The Wasm backend is loaded only when asked for.
  const { emitAssemblyScript } = await import('../compiler/emit/as/index.js');
  const emitted = emitAssemblyScript(d.module, { simd: o.simd });
  if (o.emit === 'as') { process.stdout.write(emitted.source); return; }
  const { compileIrModule, wasmText } = await import('../runtime/wasm.js');
  const compiled = await compileIrModule(d.module, { simd: o.simd });
  process.stdout.write(await wasmText(compiled.wasm));
}

async function build(file: string, o: BuildOptions): Promise<void> {
  const modes = [o.grad && 'grad', o.jvp && 'jvp', o.hvp && 'hvp'].filter(Boolean) as DeriveOptions['mode'][];
  if (modes.length > 1) throw new CommanderError(2, 'cotangent.usage', 'choose one of --grad, --jvp, --hvp');
  const mode = modes[0] ?? 'grad';
  const parsed = load(file, o.fn);
  const d = derive(parsed, { mode, wrt: parseWrt(o.wrt), npModule: np as unknown as Record<string, unknown> });
  const { buildAot } = await import('./build.js');
  const name = o.name ?? `${mode}_${o.fn}`;
  // A jvp's tangents (and an hvp's vector) follow the primal parameters, one per `wrt` index in order.
  const entry = d.module.functions.find((f) => f.name === d.module.entry)!;
  const primal = parsed.node.params.length;
  const tangentsOf = mode === 'grad' ? [] : [...parseWrt(o.wrt)].sort((a, b) => a - b);
  const like = entry.params.map((_, i) => (i >= primal && i - primal < tangentsOf.length ? tangentsOf[i - primal] : undefined));
  const result = await buildAot(d.module, o.out, name, { simd: o.simd, assemblyScript: o.as, description: `${mode} of ${o.fn} from ${file}`, like });
  for (const f of result.files) process.stdout.write(`wrote ${f}\n`);
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
    .addOption(new Option('--emit <what>', 'what to print: JavaScript, AssemblyScript, or WebAssembly text').choices(['js', 'as', 'wat']).default('js'))
    .option('--no-simd', 'no f64x2 loops in the AssemblyScript / Wasm')
    .addHelpText('after', `\nExample:\n  $ ${example}`)
    .action((file: string, o: ModeOptions) => run(name, file, o));
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('cotangent')
    .description('Source-to-source automatic differentiation for TypeScript and JavaScript')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  modeCommand(program, 'grad', 'print the reverse-mode gradient of a function', 'cotangent grad examples/loss.ts --fn loss --wrt 0');
  modeCommand(program, 'jvp', 'print the forward-mode derivative (Jacobian-vector product)', 'cotangent jvp examples/loss.ts --fn loss');
  modeCommand(program, 'hvp', 'print the Hessian-vector product (forward over reverse)', 'cotangent hvp examples/loss.ts --fn loss');
  program.command('build <file>')
    .description('write a derivative ahead of time as .wasm + an eval-free ES module + .d.ts (for edge runtimes and bundlers)')
    .requiredOption('--fn <name>', 'the function to differentiate')
    .requiredOption('--out <dir>', 'where to write the files')
    .option('--grad', 'the gradient (default)')
    .option('--jvp', 'the forward-mode derivative')
    .option('--hvp', 'the Hessian-vector product')
    .option('--wrt <indices>', 'parameter indices to differentiate with respect to', '0')
    .option('--name <name>', 'base name of the files (default <mode>_<fn>)')
    .option('--no-simd', 'no f64x2 loops')
    .option('--as', 'also write the AssemblyScript source')
    .addHelpText('after', '\nExample:\n  $ cotangent build examples/logistic.ts --fn loss --grad --out dist-edge')
    .action((file: string, o: BuildOptions) => build(file, o));
  try {
    await program.parseAsync(argv, { from: 'user' });
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
if (invoked) main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
