// Runs asc in a worker thread started without the tsx loader: tsx pushes every
// module through its transform hooks, and binaryen's 13 MB bundle then takes
// ~10x longer to import. Receives { files, options } and posts back
// { binary, text, ms } or { error }.
import { parentPort, workerData } from 'node:worker_threads';

const { files, options } = workerData;
try {
  const { default: asc } = await import('assemblyscript/asc');
  const t0 = performance.now();
  const r = await asc.compileString(files, options);
  const ms = performance.now() - t0;
  if (r.error || !r.binary) {
    parentPort.postMessage({ error: `${r.error?.message ?? 'no binary'}\n${r.stderr.toString()}` });
  } else {
    parentPort.postMessage({ binary: r.binary, text: r.text ?? '', ms });
  }
} catch (e) {
  parentPort.postMessage({ error: String(e?.stack ?? e) });
}
