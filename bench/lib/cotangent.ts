// The cotangent paths: the generated JS gradient and the Wasm objective/gradient via `compile`.
// The core is under construction: anything that throws becomes an "unsupported" row.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { firstLine } from './paths.js';

export interface Cotangent {
  grad?: (f: unknown, opts?: Record<string, unknown>) => any;
  compile?: (g: unknown, opts?: Record<string, unknown>) => Promise<any>;
  /** Why the runtime could not be loaded. */
  error?: string;
  /** Whether the runtime or compiler declares an option named `simd`. */
  simdOption: boolean;
}

function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) sources(p, out);
    else if (/\.[cm]?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Looks for a declared `simd` option (e.g. `simd?: boolean`) in runtime/ and compiler/. */
export function hasSimdOption(root: string): boolean {
  const re = /\bsimd\s*\??\s*:/;
  return [...sources(join(root, 'runtime')), ...sources(join(root, 'compiler'))].some((p) => re.test(readFileSync(p, 'utf8')));
}

export async function loadCotangent(root: string): Promise<Cotangent> {
  const simdOption = hasSimdOption(root);
  const entry = join(root, 'runtime', 'index.ts');
  if (!existsSync(entry)) return { error: 'runtime/index.ts does not exist yet', simdOption };
  try {
    const mod: any = await import(pathToFileURL(entry).href);
    return {
      grad: typeof mod.grad === 'function' ? mod.grad : undefined,
      compile: typeof mod.compile === 'function' ? mod.compile : undefined,
      error: typeof mod.grad === 'function' ? undefined : 'runtime/index.ts exports no grad',
      simdOption,
    };
  } catch (e) {
    return { error: `importing runtime/index.ts: ${firstLine(e)}`, simdOption };
  }
}

/** Compile variants: SIMD on and off when the option exists, else the default. */
export function wasmVariants(c: Cotangent): Array<{ key: string; path: string; opts: Record<string, unknown> | undefined }> {
  if (c.simdOption) {
    return [
      { key: 'cotangent-wasm-simd', path: 'cotangent Wasm, SIMD', opts: { simd: true } },
      { key: 'cotangent-wasm-nosimd', path: 'cotangent Wasm, no SIMD', opts: { simd: false } },
    ];
  }
  return [{ key: 'cotangent-wasm', path: 'cotangent Wasm (default options)', opts: undefined }];
}
