// Differential test: derivatives from the shared corpus, compiled by the
// WebAssembly backend, against the same derivatives run as generated
// JavaScript (1e-12 relative), through the public `compile`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { corpus } from '../corpus/functions.js';
import { Rng } from '../support/rng.js';
import { compile, grad, hvp, irSymbol, jvp, type DerivativeHandle } from '../../runtime/index.js';
import { compileIrModule, wasmText } from '../../runtime/wasm.js';
import { close } from '../emit/as/support.js';

type Mode = 'grad' | 'jvp' | 'hvp';

/** A spread of constructs: tape, loops with early exits, helpers, arrays allocated in loops, gathers (the whole corpus passes too). */
const CASES: [string, Mode][] = [
  ['trig', 'grad'], ['rosenbrock', 'grad'], ['rosenbrock', 'jvp'], ['rosenbrock', 'hvp'],
  ['newtonSqrt', 'grad'], ['matvecLoss', 'grad'], ['softmaxXent', 'grad'], ['continueLoop', 'grad'],
  ['mlp', 'grad'], ['mlp', 'hvp'], ['gather', 'grad'], ['usesArrayResult', 'grad'],
  ['mixture', 'grad'], ['carried', 'hvp'],
];

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

for (const [name, mode] of CASES) {
  test(`compile(${mode}(${name})) equals ${mode}(${name})`, async () => {
    const c = corpus.find((k) => k.name === name)!;
    const wrt = mode === 'hvp' ? [c.wrt?.[0] ?? 0] : c.wrt ?? [0];
    const opts = { wrt, scope: c.scope };
    const d = mode === 'grad' ? grad(c.f, opts) : mode === 'jvp' ? jvp(c.f, opts) : hvp(c.f, opts);
    const w = await compile(d);
    for (const seed of [1, 2, 3]) {
      const args = c.args(new Rng(seed));
      const tangents = mode === 'grad' ? [] : wrt.map((k) => (typeof args[k] === 'number' ? 0.7 : (args[k] as Float64Array).map((_, i) => Math.cos(i))));
      const want = d(...args, ...tangents);
      const got = w(...args, ...tangents);
      const g = flat(got), ws = flat(want);
      assert.is(g.length, ws.length);
      g.forEach((x, k) => assert.ok(close(x, ws[k]), `${mode}(${name}) seed ${seed}, result ${k}: wasm ${String(x)}, js ${String(ws[k])}`));
    }
  });
}

test('the gradient of a dot product runs in f64x2 lanes, and the same without SIMD', async () => {
  function dotLoss(x: Float64Array, y: Float64Array) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
    return s * s;
  }
  const g = grad(dotLoss);
  const h = (g as unknown as Record<symbol, DerivativeHandle>)[irSymbol];
  const simd = await compileIrModule(h.module);
  const scalar = await compileIrModule(h.module, { simd: false });
  // binaryen's text of the optimised module (printed in the compiler's worker, away from tsx's loader)
  assert.match(await wasmText(simd.wasm), /f64x2\.(mul|add)/);
  assert.not.match(await wasmText(scalar.wasm), /f64x2/);
  assert.ok(simd.loops.some((l) => l.vectorised));
  const r = new Rng(9);
  const x = r.array(101), y = r.array(101);
  const want = g(x, y) as Float64Array;
  for (const m of [simd, scalar]) {
    const got = m.call([x, y])[0] as Float64Array;
    assert.ok(close(got, want), 'gradient matches');
  }
});

test.run();
