// Markdown, JSON and SVG output.
import { cell, fmtBytes, fmtErr, fmtRatio, fmtTime } from './format.js';
import type { InstanceResult, Row } from './types.js';

export interface RunInfo {
  mode: string;
  date: string;
  machine: string;
  node: string;
  commit: string;
  wallSeconds: number;
  /** 1-minute load average at the start and the end of the run (other processes disturb timings). */
  load: string;
  peers: Record<string, string>;
  notes: string[];
}

export interface Results {
  info: RunInfo;
  instances: InstanceResult[];
}

/** Gradient paths in report order, with their short column titles. */
export const GRADIENT_KEYS: Array<[string, string]> = [
  ['hand-js', 'hand JS'],
  ['cotangent-js', 'cotangent JS'],
  ['cotangent-wasm', 'cotangent Wasm'],
  ['cotangent-wasm-simd', 'cotangent Wasm SIMD'],
  ['cotangent-wasm-nosimd', 'cotangent Wasm no SIMD'],
  ['cotangent-wasm-inplace', 'cotangent Wasm, inputs in Wasm memory'],
  ['tfjs-cpu', 'tfjs-cpu (f32)'],
  ['tfjs-wasm', 'tfjs-wasm (f32)'],
  ['jax-js', 'jax-js (f64)'],
  ['torch', 'PyTorch (f64)'],
  ['native-c', 'C -O3'],
];

const ROW_ORDER = ['js-objective', 'hand-js', 'cotangent-js', 'cotangent-wasm-objective', 'cotangent-wasm', 'cotangent-wasm-simd', 'cotangent-wasm-nosimd', 'cotangent-wasm-inplace', 'tfjs-cpu', 'tfjs-wasm', 'jax-js', 'torch', 'native-c'];

/** Rows in report order (the run order differs: pure JS first, peers last). */
export function sortRows(rows: Row[]): Row[] {
  const rank = (r: Row) => {
    const i = ROW_ORDER.indexOf(r.key);
    return i < 0 ? ROW_ORDER.length : i;
  };
  return rows.map((r, i) => [r, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([r]) => r);
}

function hand(inst: InstanceResult): Row | undefined {
  return inst.rows.find((r) => r.key === 'hand-js' && r.stats);
}

function jsObjective(inst: InstanceResult): Row | undefined {
  return inst.rows.find((r) => r.key === 'js-objective' && r.stats);
}

export function vsHand(inst: InstanceResult, row: Row): number | undefined {
  const h = hand(inst);
  if (!h?.stats || !row.stats || row.kind !== 'gradient') return undefined;
  return row.stats.median / h.stats.median;
}

export function gradOverObj(row: Row): number | undefined {
  if (!row.stats || !row.objective || row.kind !== 'gradient') return undefined;
  return row.stats.median / row.objective.median;
}

function statusText(r: Row): string {
  if (r.status === 'ok') return '';
  if (r.status === 'failed') return 'FAILED';
  if (r.status === 'unsupported') return 'unsupported';
  return r.status;
}

function summaryCell(inst: InstanceResult, key: string): string {
  const rows = inst.rows.filter((r) => r.key === key);
  if (rows.length === 0) return '';
  const r = rows[0];
  if (r.stats && r.status === 'ok') return fmtRatio(vsHand(inst, r));
  return statusText(r);
}

export function markdown(res: Results): string {
  const out: string[] = [];
  const { info } = res;
  out.push(`# cotangent benchmark (${info.mode} mode)`);
  out.push('');
  out.push(`${info.date} · ${info.machine} · Node ${info.node} · commit ${info.commit} · run took ${info.wallSeconds.toFixed(0)} s · load average ${info.load}`);
  out.push('');
  const peers = Object.entries(info.peers).map(([k, v]) => `${k}: ${v}`);
  if (peers.length) out.push(`Peers: ${peers.join('; ')}.`, '');

  // summary: ratio to the hand-written JS gradient
  const keys = GRADIENT_KEYS.filter(([k]) => res.instances.some((i) => i.rows.some((r) => r.key === k)));
  out.push('## Gradient time relative to the hand-written JS gradient (lower is better)');
  out.push('');
  out.push(`| problem | JS objective | hand JS gradient | ${keys.filter(([k]) => k !== 'hand-js').map(([, t]) => t).join(' | ')} |`);
  out.push(`|---|---:|---:|${keys.filter(([k]) => k !== 'hand-js').map(() => '---:').join('|')}|`);
  for (const inst of res.instances) {
    const h = hand(inst);
    const o = jsObjective(inst);
    const cells = keys.filter(([k]) => k !== 'hand-js').map(([k]) => summaryCell(inst, k));
    out.push(`| ${cell(`${inst.title}, ${inst.label}`)} | ${fmtTime(o?.stats?.median)} | ${fmtTime(h?.stats?.median)} | ${cells.join(' | ')} |`);
  }
  out.push('');
  out.push('Cells are median gradient time ÷ median hand-written JS gradient time in the same process; empty = not applicable.');
  out.push('');

  out.push(...targets(res));

  // details
  out.push('## Details');
  for (const inst of res.instances) {
    out.push('');
    out.push(`### ${inst.title}, ${inst.label}`);
    out.push('');
    out.push('| path | precision | median | IQR | min | samples | grad / obj | × hand JS | max rel. err | JS alloc / call | note |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    const o = jsObjective(inst);
    for (const r of sortRows(inst.rows)) {
      const s = r.stats;
      const iqr = s ? `${fmtTime(s.p25)}–${fmtTime(s.p75)}` : '';
      const n = s ? (s.batch > 1 ? `${s.samples}×${s.batch}` : `${s.samples}`) : '';
      let note = r.note ?? '';
      if (r.kind === 'objective' && s && o?.stats && r.key !== 'js-objective') {
        note = [`${fmtRatio(s.median / o.stats.median)} the JS objective`, note].filter(Boolean).join('; ');
      }
      const median = s && r.status === 'ok' ? fmtTime(s.median) : statusText(r);
      out.push(
        `| ${cell(r.path)} | ${r.precision ?? ''} | ${median} | ${iqr} | ${s ? fmtTime(s.min) : ''} | ${n} | ${fmtRatio(gradOverObj(r))} | ${fmtRatio(vsHand(inst, r))} | ${r.relErr === undefined ? '' : fmtErr(r.relErr)} | ${r.allocBytes === undefined ? '' : fmtBytes(r.allocBytes)} | ${cell(note)} |`,
      );
    }
    if (inst.jsVsHand) {
      const j = inst.jsVsHand;
      out.push('');
      out.push(`cotangent JS gradient ÷ hand-written JS gradient in ${j.rounds} alternating rounds: median ${fmtRatio(j.median)} (rounds ${fmtRatio(j.min)}–${fmtRatio(j.max)}).`);
    }
    if (inst.handAfter && hand(inst)?.stats) {
      const before = hand(inst)!.stats!.median;
      out.push('');
      out.push(`Hand-written JS gradient re-timed at the end of the run (after Wasm and peers had run in this process): ${fmtTime(inst.handAfter.median)} (${fmtRatio(inst.handAfter.median / before)} the first measurement).`);
    }
  }

  // compile latency
  const withCompile = res.instances.filter((i) => i.compile);
  if (withCompile.length) {
    out.push('');
    out.push('## cotangent transformation and compile latency');
    out.push('');
    out.push('First calls in the process are cold (they load the compiler); later first calls of a new function are warm; "repeat" compiles the same derivative function again (near zero if the runtime caches).');
    out.push('');
    out.push('| problem | grad() | compile(f), first | compile(grad f), first | compile(grad f), repeat | note |');
    out.push('|---|---:|---:|---:|---:|---|');
    for (const inst of withCompile) {
      const c = inst.compile!;
      const first = c.gradientMs ? Object.entries(c.gradientMs).map(([k, v]) => `${fmtTime(v)}${Object.keys(c.gradientMs!).length > 1 ? ` (${k})` : ''}`).join(', ') : '';
      const again = c.repeatMs ? Object.entries(c.repeatMs).map(([k, v]) => `${fmtTime(v)}${Object.keys(c.repeatMs!).length > 1 ? ` (${k})` : ''}`).join(', ') : '';
      const same = res.instances[res.instances.indexOf(inst) - 1]?.problem === inst.problem;
      const note = [c.gradCold ? 'first grad() in the process (cold)' : '', same ? 'same f as the row above' : '', c.cold ? 'first compile in the process (cold)' : '', c.error ?? ''].filter(Boolean).join('; ');
      out.push(`| ${cell(`${inst.title}, ${inst.label}`)} | ${fmtTime(c.gradMs)} | ${fmtTime(c.objectiveMs)} | ${first} | ${again} | ${cell(note)} |`);
    }
  }

  if (info.notes.length) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const n of info.notes) out.push(`- ${n}`);
  }
  out.push('');
  return out.join('\n');
}

// ---------------------------------------------------------------- issue targets

const WASM_KEYS = ['cotangent-wasm', 'cotangent-wasm-simd', 'cotangent-wasm-nosimd', 'cotangent-wasm-inplace'];

function timed(inst: InstanceResult, key: string): Row | undefined {
  return inst.rows.find((r) => r.key === key && r.status === 'ok' && r.stats);
}

/** The fastest timed row among `keys`. */
function best(inst: InstanceResult, keys: string[]): Row | undefined {
  let b: Row | undefined;
  for (const k of keys) {
    const r = timed(inst, k);
    if (r && (!b || r.stats!.median < b.stats!.median)) b = r;
  }
  return b;
}

/** The project's performance targets (issue 8), each with the figure this run measured. */
export function targets(res: Results): string[] {
  const rows: string[] = [];
  const mark = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? 'met' : 'not met');
  const name = (i: InstanceResult) => `${i.title}, ${i.label}`;
  for (const inst of res.instances.filter((i) => i.problem === 'gmm')) {
    // both with argument copies: the in-memory variant is left out here
    const w = best(inst, WASM_KEYS.filter((k) => k !== 'cotangent-wasm-inplace'));
    const o = timed(inst, 'cotangent-wasm-objective');
    const r = w && o ? w.stats!.median / o.stats!.median : undefined;
    rows.push(`| Wasm gradient ÷ Wasm objective ≤ 2.5 | ${cell(name(inst))} | ${w && o ? `${fmtRatio(r)} (${w.path})` : 'not measured'} | ${mark(r === undefined ? undefined : r <= 2.5)} |`);
  }
  for (const inst of res.instances.filter((i) => i.problem === 'gmm' && /d=(10|64)\b/.test(i.label))) {
    const w = best(inst, WASM_KEYS);
    const c = timed(inst, 'native-c');
    const r = w && c ? w.stats!.median / c.stats!.median : undefined;
    rows.push(`| Wasm gradient within 2× of the C -O3 gradient | ${cell(name(inst))} | ${w && c ? `${fmtRatio(r)} (${fmtTime(w.stats!.median)} vs ${fmtTime(c.stats!.median)})` : 'not measured'} | ${mark(r === undefined ? undefined : r <= 2)} |`);
  }
  for (const inst of res.instances) {
    // The ratio from alternating rounds of the two (both meet the same moments of the machine); the ratio of
    // the two medians above, timed one after the other, is shown beside it.
    const g = timed(inst, 'cotangent-js');
    const apart = g ? vsHand(inst, g) : undefined;
    const r = inst.jsVsHand?.median ?? apart;
    const how = inst.jsVsHand ? ` in ${inst.jsVsHand.rounds} alternating rounds (${fmtRatio(inst.jsVsHand.min)}–${fmtRatio(inst.jsVsHand.max)}); ${apart === undefined ? '–' : fmtRatio(apart)} timed apart` : '';
    rows.push(`| generated JS gradient within 1.2× of the hand-written one | ${cell(name(inst))} | ${r === undefined ? 'not measured' : `${fmtRatio(r)}${how}`} | ${mark(r === undefined ? undefined : r <= 1.2)} |`);
  }
  for (const inst of res.instances) {
    const tfs = ['tfjs-cpu', 'tfjs-wasm'].map((k) => timed(inst, k)).filter((r): r is Row => !!r);
    if (!tfs.length) continue;
    const c = best(inst, ['cotangent-js', ...WASM_KEYS]);
    const fastestTf = tfs.reduce((a, b) => (a.stats!.median <= b.stats!.median ? a : b));
    const r = c ? c.stats!.median / fastestTf.stats!.median : undefined;
    rows.push(`| faster than every TensorFlow.js backend | ${cell(name(inst))} | ${c ? `${fmtRatio(r)} the fastest (${fastestTf.path.replace('TensorFlow.js ', 'tfjs ')}), best cotangent path: ${c.path}` : 'not measured'} | ${mark(r === undefined ? undefined : r < 1)} |`);
  }
  return ['## Targets (issue 8)', '', '| target | problem | measured | |', '|---|---|---|---|', ...rows, ''];
}

// ---------------------------------------------------------------- SVG chart

const COLORS: Record<string, string> = {
  'hand-js': '#555555',
  'cotangent-js': '#1f77b4',
  'cotangent-wasm': '#2ca02c',
  'cotangent-wasm-simd': '#2ca02c',
  'cotangent-wasm-nosimd': '#98df8a',
  'cotangent-wasm-inplace': '#17becf',
  'tfjs-cpu': '#ff7f0e',
  'tfjs-wasm': '#ffbb78',
  'jax-js': '#9467bd',
  torch: '#d62728',
  'native-c': '#8c564b',
};

function decade(e: number): string {
  return e >= 0 ? `${10 ** e}×` : `${(10 ** e).toFixed(-e)}×`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function svgChart(res: Results): string {
  const W = 960;
  const labelW = 230;
  const valueW = 110;
  const plotX = labelW;
  const plotW = W - labelW - valueW - 10;
  const barH = 14;
  const gap = 4;
  const titleH = 24;
  const panelGap = 14;
  const headerH = 56;

  const ratios: number[] = [];
  for (const inst of res.instances) for (const r of inst.rows) {
    const v = vsHand(inst, r);
    if (v !== undefined && v > 0) ratios.push(v);
  }
  const lo = Math.floor(Math.log10(Math.min(0.5, ...ratios)));
  const hi = Math.ceil(Math.log10(Math.max(2, ...ratios)));
  const x = (v: number) => plotX + ((Math.log10(v) - lo) / (hi - lo)) * plotW;

  const parts: string[] = [];
  let y = headerH;
  for (const inst of res.instances) {
    const rows = sortRows(inst.rows).filter((r) => r.kind === 'gradient');
    const panelH = titleH + rows.length * (barH + gap) + 12;
    parts.push(`<text x="10" y="${y + 16}" class="title">${esc(`${inst.title}, ${inst.label}`)}</text>`);
    // decade grid for this panel
    for (let e = lo; e <= hi; e++) {
      const gx = x(10 ** e);
      parts.push(`<line x1="${gx.toFixed(1)}" y1="${y + titleH - 2}" x2="${gx.toFixed(1)}" y2="${y + panelH}" class="${e === 0 ? 'one' : 'grid'}"/>`);
    }
    let ry = y + titleH;
    for (const r of rows) {
      parts.push(`<text x="${labelW - 8}" y="${ry + barH - 3}" class="label" text-anchor="end">${esc(r.path)}</text>`);
      const v = vsHand(inst, r);
      if (v !== undefined && r.status === 'ok') {
        const x0 = x(10 ** lo);
        const w = Math.max(1, x(v) - x0);
        parts.push(`<rect x="${x0.toFixed(1)}" y="${ry}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[r.key] ?? '#777'}"><title>${esc(`${r.path}: ${fmtTime(r.stats!.median)} (${fmtRatio(v)} hand JS)`)}</title></rect>`);
        parts.push(`<text x="${(x0 + w + 4).toFixed(1)}" y="${ry + barH - 3}" class="value">${esc(`${fmtRatio(v)} · ${fmtTime(r.stats!.median)}`)}</text>`);
      } else {
        const why = r.status === 'ok' ? 'no time' : statusText(r);
        parts.push(`<text x="${plotX + 4}" y="${ry + barH - 3}" class="status">${esc(why)}</text>`);
      }
      ry += barH + gap;
    }
    for (let e = lo; e <= hi; e++) {
      parts.push(`<text x="${x(10 ** e).toFixed(1)}" y="${ry + 8}" class="tick" text-anchor="middle">${decade(e)}</text>`);
    }
    y += panelH + panelGap;
  }
  // axis labels at the bottom
  const axisY = y;
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e);
    parts.push(`<text x="${gx.toFixed(1)}" y="${axisY + 12}" class="axis" text-anchor="middle">${decade(e)}</text>`);
  }
  const H = axisY + 36;
  const { info } = res;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:13px;font-weight:bold}.label{font-size:11px}.value{font-size:10px;fill:#333}.status{font-size:10px;font-style:italic;fill:#999}.axis{font-size:10px;fill:#333}.tick{font-size:9px;fill:#999}.grid{stroke:#e4e4e4}.one{stroke:#333;stroke-dasharray:3 2}</style>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc('Gradient time ÷ hand-written JS gradient time (log scale, lower is better)')}</text>`,
    `<text x="10" y="38" font-size="11" fill="#555">${esc(`${info.mode} mode · ${info.date} · ${info.machine} · Node ${info.node}`)}</text>`,
    ...parts,
    `<text x="${plotX + plotW / 2}" y="${axisY + 28}" class="axis" text-anchor="middle">× hand-written JS gradient</text>`,
    '</svg>',
    '',
  ].join('\n');
}
