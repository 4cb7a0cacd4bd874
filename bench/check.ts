// Checks every hand-written gradient against central finite differences on small instances, and
// checks that the hand-written gradient agrees with the objective at benchmark sizes on a few
// random coordinates. Run: npx tsx bench/check.ts
import { problems } from './problems/index.js';
import { flatten } from './lib/compare.js';
import { Rng } from './lib/rng.js';
import { wrtList, type Problem, type Value } from './lib/types.js';

/** Central differences; also returns the rounding noise expected in each difference quotient. */
function fdGradient(p: Problem, args: Value[], coords?: Array<[number, number]>, step?: number): Map<string, number> {
  const out = new Map<string, number>();
  const f0 = Math.abs(p.f(...args));
  const wrt = wrtList(p);
  const rel = step ?? 1e-6;
  const evalAt = (ai: number, idx: number, delta: number): number => {
    const a = args.slice();
    if (typeof a[ai] === 'number') a[ai] = (a[ai] as number) + delta;
    else {
      const arr = (a[ai] as Float64Array).slice();
      arr[idx] += delta;
      a[ai] = arr;
    }
    return p.f(...a);
  };
  const list: Array<[number, number]> = coords ?? [];
  if (!coords) {
    for (const ai of wrt) {
      const v = args[ai];
      const n = typeof v === 'number' ? 1 : v.length;
      for (let i = 0; i < n; i++) list.push([ai, i]);
    }
  }
  for (const [ai, i] of list) {
    const v = args[ai];
    const x = typeof v === 'number' ? v : v[i];
    const h = rel * Math.max(1, Math.abs(x));
    out.set(`${ai}:${i}`, (evalAt(ai, i, h) - evalAt(ai, i, -h)) / (2 * h));
    noise.set(`${ai}:${i}`, (100 * Number.EPSILON * Math.max(f0, 1)) / h);
  }
  return out;
}

function handAt(p: Problem, args: Value[]): Map<string, number> {
  const g = p.handGrad(...args);
  const out = new Map<string, number>();
  wrtList(p).forEach((ai, k) => {
    const gv = g[k];
    if (typeof gv === 'number') out.set(`${ai}:0`, gv);
    else gv.forEach((x, i) => out.set(`${ai}:${i}`, x));
  });
  return out;
}

const all = process.argv.includes('--all');
let failures = 0;
const noise = new Map<string, number>();
function report(label: string, hand: Map<string, number>, fd: Map<string, number>, tol: number): void {
  let scale = 0;
  for (const k of fd.keys()) scale = Math.max(scale, Math.abs(hand.get(k) ?? NaN));
  let worst = 0;
  let worstKey = '';
  for (const [k, v] of fd) {
    const h = hand.get(k);
    if (h === undefined) throw new Error(`${label}: hand gradient has no entry ${k}`);
    // mixed absolute/relative error, scaled by the gradient's size
    const e = Math.abs(h - v) / (Math.abs(v) + 1e-3 * scale + (noise.get(k) ?? 0) + 1e-12);
    if (!(e <= worst)) {
      worst = e;
      worstKey = k;
    }
  }
  const ok = worst <= tol;
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label.padEnd(44)} ${fd.size} coords, worst rel. error ${worst.toExponential(2)}${ok ? '' : ` at ${worstKey}: hand ${hand.get(worstKey)} vs fd ${fd.get(worstKey)}`}`);
}

for (const p of problems) {
  // 1. every coordinate, small instance
  const small = p.generate(p.checkParams, 12345);
  report(`${p.id} (small, all coords)`, handAt(p, small), fdGradient(p, small), 1e-6);
  // 2. a few random coordinates at each benchmark size (the full-mode-only sizes with --all), with a
  // larger step: long sums make the objective's rounding noise larger than eps·|f|
  for (const size of p.sizes) {
    if (!size.quick && !all) continue;
    const args = p.generate(size.params, 777);
    const rng = new Rng(99);
    const coords: Array<[number, number]> = [];
    for (const ai of wrtList(p)) {
      const v = args[ai];
      const n = typeof v === 'number' ? 1 : v.length;
      for (let t = 0; t < Math.min(n, 6); t++) coords.push([ai, rng.int(n)]);
    }
    report(`${p.id} (${size.label}, sampled)`, handAt(p, args), fdGradient(p, args, coords, p.fdStep ?? 1e-4), 1e-5);
    // one gradient per wrt argument, each a number or a Float64Array
    const g = p.handGrad(...args);
    if (g.length !== wrtList(p).length) throw new Error(`${p.id}: ${g.length} gradients for ${wrtList(p).length} wrt args`);
    void flatten(g);
  }
}

if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all hand-written gradients agree with central finite differences');
