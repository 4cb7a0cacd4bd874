// Interleaved timing of the generated JS gradient against the hand-written one, for one
// problem instance: rounds alternate the two, and the figure is the median of the per-round
// ratios (robust to a shared machine's drift), with the ratio of each side's fastest
// time (the figure least disturbed by other processes). Used for issue 6's 1.2× target.
//   npx tsx bench/side-by-side.ts [problem] [size-key] [rounds]
import { grad } from '../runtime/index.js';
import { problems } from './problems/index.js';

const [id = 'gmm', key = 'd10-K25', roundsArg = '15'] = process.argv.slice(2);
const p = problems.find((q) => q.id === id);
if (!p) throw new Error(`no problem ${id}; have ${problems.map((q) => q.id).join(', ')}`);
const size = p.sizes.find((s) => s.key === key);
if (!size) throw new Error(`no size ${key}; have ${p.sizes.map((s) => s.key).join(', ')}`);
const args = p.generate(size.params, 1);
const g = grad(p.f as any, { scope: p.scope, wrt: p.wrt }) as (...a: unknown[]) => unknown;

/** ms per call, timing enough calls for ~50 ms. */
function time(f: () => unknown): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    const ms = performance.now() - t0;
    if (ms > 50) return ms / reps;
    reps *= 2;
  }
}
const hand = () => p.handGrad(...args);
const gen = () => g(...args);
for (let i = 0; i < 3; i++) { time(hand); time(gen); } // warm-up
const ratios: number[] = [], hs: number[] = [], gs: number[] = [];
for (let r = 0; r < Number(roundsArg); r++) {
  const h = time(hand), t = time(gen);
  hs.push(h); gs.push(t); ratios.push(t / h);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${p.title} ${size.label}: generated/hand median ratio ${med(ratios).toFixed(2)}× over ${ratios.length} rounds (hand median ${med(hs).toFixed(3)} ms, generated ${med(gs).toFixed(3)} ms); ratio range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ratio of the fastest calls ${(Math.min(...gs) / Math.min(...hs)).toFixed(2)}×`);
