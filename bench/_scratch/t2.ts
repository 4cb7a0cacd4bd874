import { createRequire } from 'node:module';
import path from 'node:path';
const t0 = performance.now();
const tf: any = await import('@tensorflow/tfjs');
console.log('tf import', performance.now()-t0);
const wasm: any = await import('@tensorflow/tfjs-backend-wasm');
const req = createRequire(import.meta.url);
const dir = path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
wasm.setWasmPaths(dir);
for (const be of ['cpu', 'wasm']) {
  const ok = await tf.setBackend(be); await tf.ready();
  console.log(be, ok, tf.getBackend());
  const n = 1000;
  const xs = new Float64Array(n); for (let i=0;i<n;i++) xs[i] = Math.sin(i);
  const x = tf.tensor1d(Float32Array.from(xs), "float32");
  const f = (x: any) => { const a = x.slice(0, n-1), b = x.slice(1, n-1); const t = b.sub(a.square()); return t.square().mul(100).add(tf.scalar(1).sub(a).square()).sum(); };
  const g = tf.grad(f);
  const gd = () => { const r = g(x); const d = r.dataSync(); r.dispose(); return d; };
  console.log(gd().slice(0,3));
  const t1 = performance.now();
  for (let i=0;i<200;i++) gd();
  console.log('us/call', (performance.now()-t1)/200*1000, tf.memory().numTensors);
}
