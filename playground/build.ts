// Bundles the playground for the browser with esbuild: playground/src/main.ts
// (which imports the compiler and runtime from source) → dist/main.js, plus
// the static files. Code reached only through a dynamic import — the
// AssemblyScript compiler and Binaryen behind the runtime's `compile` — goes
// into its own chunk, which the browser fetches only when the Wasm tab asks
// for a compile; Binaryen is copied as it is to vendor/ (see index.html's
// import map).
//
//   npm run build:playground            → playground/dist
//   tsx playground/build.ts --out DIR   → DIR
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const defaultOutDir = join(here, 'dist');
const STATIC = ['index.html', 'style.css'];

export interface BuildOptions {
  /** Where to write the page (default playground/dist); emptied first. */
  outDir?: string;
  /** Minify (default true). */
  minify?: boolean;
  /** Print the output files and their sizes. */
  log?: boolean;
}

export interface BuildResult {
  outDir: string;
  ms: number;
  /** Output file (relative to outDir) → bytes. */
  files: Record<string, number>;
}

export async function buildPlayground(opts: BuildOptions = {}): Promise<BuildResult> {
  const outDir = resolve(opts.outDir ?? defaultOutDir);
  const t0 = performance.now();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { main: join(here, 'src', 'main.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: ['es2022'],
    minify: opts.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Node built-ins are reached only on Node code paths (the runtime's worker
    // and disk cache, asc's file system); the browser never loads them.
    // Binaryen (13 MB, already a built ES module) is served as it is, through
    // the import map in index.html: bundling it again would only double the build time.
    external: ['node:*', 'fs', 'path', 'url', 'module', 'binaryen'],
    define: {
      // Read at module load by @babel/types and by the optimiser; there is no `process` in a browser.
      'process.env.BABEL_TYPES_8_BREAKING': 'false',
      'process.env.COTANGENT_VALIDATE': 'undefined',
    },
  });
  await Promise.all(STATIC.map((f) => copyFile(join(here, f), join(outDir, f))));
  const binaryen = require.resolve('binaryen');
  await mkdir(join(outDir, 'vendor'), { recursive: true });
  await copyFile(binaryen, join(outDir, 'vendor', 'binaryen.js'));
  await copyFile(join(dirname(binaryen), 'LICENSE'), join(outDir, 'vendor', 'binaryen.LICENSE.txt'));
  const files: Record<string, number> = {};
  for (const [file, out] of Object.entries(result.metafile.outputs)) files[relative(outDir, resolve(file))] = out.bytes;
  files['vendor/binaryen.js'] = (await stat(binaryen)).size;
  const ms = performance.now() - t0;
  if (opts.log) {
    for (const [file, bytes] of Object.entries(files)) {
      if (!file.endsWith('.map') && !file.endsWith('.txt')) console.log(`  ${file.padEnd(36)} ${(bytes / 1024).toFixed(0).padStart(7)} KiB`);
    }
    console.log(`playground built in ${(ms / 1000).toFixed(1)} s → ${relative(process.cwd(), outDir) || '.'}`);
  }
  return { outDir, ms, files };
}

const invoked = (() => {
  try { return !!process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url; } catch { return false; }
})();
if (invoked) {
  const i = process.argv.indexOf('--out');
  await buildPlayground({ outDir: i > 0 ? process.argv[i + 1] : undefined, log: true });
}
