// Runs asc in a worker thread started without the tsx loader (the parent
// passes execArgv: []). Under tsx every module goes through its transform
// hooks, and importing asc (binaryen's 13 MB bundle) took 27-30 s instead of
// 1.2-1.4 s on this project's machines.
// Receives { files, options }; posts back { binary, text, ms } or { error }.
import { parentPort, workerData } from 'node:worker_threads';

const { files, options } = workerData;
let reply;
try {
  const { default: asc } = await import('assemblyscript/asc');
  const t0 = performance.now();
  const r = await asc.compileString(files, options);
  const ms = performance.now() - t0;
  reply = r.error || !r.binary
    ? { error: `${r.error?.message ?? 'no binary'}\n${r.stderr.toString()}` }
    : { binary: r.binary, text: r.text ?? '', ms };
} catch (e) {
  reply = { error: String(e?.stack ?? e) };
}
parentPort.postMessage(reply);
