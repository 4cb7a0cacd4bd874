// The SIMD kernels of cotangent/np (assembly/kernels.ts), for modules whose
// AssemblyScript says `import { np_... } from './kernels'`.
//
// At run time the kernels are their own module, compiled once (and cached
// like any module): an emitted module is compiled against a stub of
// './kernels' whose functions are imports (`@external("kernels", ...)`), and
// both are instantiated on one memory. Compiling the kernels into every
// module instead costs seconds of binaryen -O3 per module. Ahead-of-time
// builds, where compile time does not matter, link them statically.
//
// The kernels' static data sits below KERNELS_DATA_END; modules linked with
// them place their own above it (asc's memoryBase).
import { compileAssemblyScript } from './wasm-compile.js';

export { KERNELS_DATA_END } from './wasm-instance.js';

let text: Promise<string> | undefined;

const CANDIDATES = ['../assembly/kernels.ts', '../../assembly/kernels.ts'];

/** The text of assembly/kernels.ts: read from the package (runtime/ and dist/runtime/ both find it), fetched in a browser. */
export function kernelsSource(): Promise<string> {
  text ??= load().catch((e) => {
    text = undefined;
    throw e;
  });
  return text;
}

async function load(): Promise<string> {
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  const errors: string[] = [];
  for (const rel of CANDIDATES) {
    const url = new URL(rel, import.meta.url);
    try {
      if (isNode && url.protocol === 'file:') {
        const { readFile } = await import('node:fs/promises');
        return await readFile(url, 'utf8');
      }
      const r = await fetch(url);
      if (r.ok) return await r.text();
      errors.push(`${url.href}: HTTP ${r.status}`);
    } catch (e) {
      errors.push(`${url.href}: ${(e as Error).message}`);
    }
  }
  throw new Error(`cotangent: cannot find assembly/kernels.ts, which modules using cotangent/np need (${errors.join('; ')})`);
}

/** './kernels' as imports: every `export function np_x(...): T {` becomes an external declaration. */
export function kernelsStub(source: string): string {
  const decls: string[] = ['// The kernels of assembly/kernels.ts, imported from the separately compiled kernels module.'];
  for (const m of source.matchAll(/^export function (np_\w+)\(([^)]*)\): (\w+) \{$/gm)) {
    decls.push(`@external("kernels", "${m[1]}") export declare function ${m[1]}(${m[2]}): ${m[3]};`);
  }
  return decls.join('\n') + '\n';
}

let bytes: Promise<Uint8Array> | undefined;

/** The kernels module's bytes (compiled once per process, cached on disk like any module). */
export function kernelsModule(): Promise<Uint8Array> {
  bytes ??= kernelsSource().then(async (src) => (await compileAssemblyScript(src)).bytes).catch((e) => {
    bytes = undefined;
    throw e;
  });
  return bytes;
}
