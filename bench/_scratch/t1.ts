(globalThis as any).Float16Array ??= class Float16Array {};
const t0 = performance.now();
const jax: any = await import('@jax-js/jax');
console.log('jax import', performance.now()-t0);
const devs = await jax.init('wasm');
console.log('devs', devs);
jax.defaultDevice('wasm');
const np = jax.numpy;
function rosen(x: any) {
  const n = x.shape[0];
  const a = x.ref.slice([0, n-1]);
  const b = x.slice([1, n]);
  const t = b.sub(a.ref.mul(a.ref));
  return t.ref.mul(t).mul(100).add(np.square(np.subtract(1, a))).sum();
}
const n = 1000;
const xs = new Float64Array(n); for (let i=0;i<n;i++) xs[i] = Math.sin(i);
const x = np.array(xs, {dtype: np.float64});
console.log(x.dtype, x.shape);
const g = jax.jit(jax.grad(rosen));
let r = g(x.ref); const d = r.dataSync();
console.log(d.constructor.name, d.slice(0,3));
const t1 = performance.now();
for (let i=0;i<1000;i++){ const r = g(x.ref); r.dataSync(); }
console.log('per call us', (performance.now()-t1));
