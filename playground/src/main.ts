// The playground page: an editor, and beside it what cotangent makes of the
// function as you type — the gradient's code, the forward-mode code, what the
// optimiser changed, and the derivative's value and speed on the JS path (and
// on the Wasm path where `compile` is available).
import * as runtime from '../../runtime/index.js';
import { adjointHook, CompileError, fromSource, grad, jvp, type Derivative, type Options, type SourceFunction } from '../../runtime/index.js';
import { derive } from '../../compiler/index.js';
import { parseModuleSource } from '../../compiler/parse/source.js';
import * as np from '../../runtime/np.js';
import { diffLines, diffStats } from './diff.js';
import { examples, type Example } from './examples.js';
import {
  defaultInput, formatTime, formatValue, InputError, maxAbsDiff, onesLike, parseInput, sumOf, timeCalls, toJson,
  type ParamType, type Value,
} from './values.js';

const FILE = 'playground.ts';
const DEBOUNCE_MS = 250;

// ---- the page's elements ----------------------------------------------------

const $ = <T extends HTMLElement>(sel: string) => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`playground: no element ${sel}`);
  return el;
};
const editor = $<HTMLTextAreaElement>('#editor');
const exampleSelect = $<HTMLSelectElement>('#example');
const fnSelect = $<HTMLSelectElement>('#fn');
const status = $('#status');
const errorBox = $('#error');
const inputsBody = $('#inputs tbody');
const fValue = $('#f-value');
const gradValue = $('#grad-value');
const jsTime = $('#js-time');
const jvpCheck = $('#jvp-check');
const gradSource = $('#grad-source');
const jvpSource = $('#jvp-source');
const diffView = $('#diff');
const diffStatsView = $('#diff-stats');
const wasmStatus = $('#wasm-status');
const wasmResult = $('#wasm-result');
const wasmSource = $('#wasm-source');

// ---- state ------------------------------------------------------------------

interface Param { name: string; type: ParamType }

/** What the current source compiled to. */
interface Current {
  fn: string;
  params: Param[];
  /** Names of the parameters differentiated with respect to, in parameter order. */
  wrt: string[];
  /** grad(f) as shown, and with preserveResult (for the value). */
  g: Derivative;
  gv: Derivative;
  /** jvp(f), or the error it raised. */
  fwd: Derivative | Error;
}

let current: Current | undefined;
/** Input text by parameter name: kept while you edit the function. */
const inputText = new Map<string, string>();
/** Parameters ticked for differentiation, by name. */
const wrtChoice = new Set<string>();
let paramsKey = '';
let activeTab = 'grad';
let preferredFn = '';

// ---- compiling the source ---------------------------------------------------

/** The cotangent functions that are available to the playground's code by name. */
const scope = { adjointHook };

const differentiable = (p: Param) => p.type === 'f64' || p.type === 'f64[]';

/** Parameter types as cotangent infers them (f64, i32 for sizes and indices, f64[]): the primal stage of the pipeline. */
function inferParams(sf: SourceFunction): Param[] {
  const d = derive(sf.parsed, {
    mode: 'primal', wrt: [], scope, npModule: np as unknown as Record<string, unknown>, hookFunction: adjointHook,
  });
  const entry = d.module.functions.find((f) => f.name === d.module.entry);
  if (!entry) throw new Error(`no entry function ${d.module.entry}`);
  return entry.params.map((p) => ({ name: p.name, type: p.type }));
}

function analyze(): void {
  const t0 = performance.now();
  const code = editor.value;
  let names: string[];
  try {
    names = [...parseModuleSource(code, FILE).functions.keys()];
  } catch (e) {
    return fail(e);
  }
  if (names.length === 0) return fail(new Error('Write a function to differentiate, e.g. `function f(x: number) { return x * x; }`.'));
  const fn = names.includes(fnSelect.value) && fnSelect.value ? fnSelect.value
    : names.includes(preferredFn) ? preferredFn : names[names.length - 1];
  setOptions(fnSelect, names, fn);

  let sf: SourceFunction, params: Param[];
  try {
    sf = fromSource(code, fn, FILE);
    params = inferParams(sf);
  } catch (e) {
    return fail(e);
  }
  renderInputs(params);

  const candidates = params.filter(differentiable);
  if (candidates.length === 0) return fail(new Error(`\`${fn}\` has no number or Float64Array parameter to differentiate with respect to.`));
  let wrt = params.filter((p) => wrtChoice.has(p.name) && differentiable(p)).map((p) => p.name);
  if (wrt.length === 0) {
    wrt = [candidates[0].name];
    wrtChoice.add(wrt[0]);
    syncWrtBoxes();
  }
  const indices = wrt.map((n) => params.findIndex((p) => p.name === n));
  const opts: Options = { wrt: indices.length === 1 ? indices[0] : indices, scope };

  let g: Derivative, gv: Derivative, raw: Derivative;
  try {
    g = grad(sf, opts);
    gv = grad(sf, { ...opts, preserveResult: true });
    raw = grad(sf, { ...opts, optimized: false });
  } catch (e) {
    return fail(e);
  }
  let fwd: Derivative | Error;
  try {
    fwd = jvp(sf, opts);
  } catch (e) {
    fwd = e instanceof Error ? e : new Error(String(e));
  }
  const ms = performance.now() - t0;

  current = { fn, params, wrt, g, gv, fwd };
  clearError();
  setStale(false);
  setStatus('ok', `derived \`${fn}\` in ${formatTime(ms)}`);
  gradSource.textContent = g.source;
  gradSource.classList.remove('failed');
  jvpSource.textContent = fwd instanceof Error ? fwd.message : fwd.source;
  jvpSource.classList.toggle('failed', fwd instanceof Error);
  renderDiff(raw.source, g.source);
  evaluate();
}

function fail(e: unknown): void {
  current = undefined;
  const err = e instanceof Error ? e : new Error(String(e));
  const known = err instanceof CompileError || err.name === 'CompileError';
  errorBox.hidden = false;
  errorBox.textContent = known || err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  const loc = (err as CompileError).loc;
  errorBox.dataset.line = loc ? String(loc.line) : '';
  errorBox.dataset.column = loc ? String(loc.column) : '';
  errorBox.title = loc ? `click to go to line ${loc.line}, column ${loc.column + 1}` : '';
  errorBox.dataset.code = (err as CompileError).code ?? '';
  setStatus('error', known ? `refused: ${(err as CompileError).code}` : 'error');
  setGrad('error', [], 'no derivative: see the message under the editor');
  for (const el of [fValue, jsTime, jvpCheck]) el.textContent = '';
  setStale(true);
  if (activeTab === 'wasm') void updateWasm();
}

/** Code panes keep the last derivative, dimmed, while the source does not compile. */
function setStale(stale: boolean): void {
  for (const el of [gradSource, jvpSource, diffView]) {
    el.classList.toggle('stale', stale);
    el.title = stale ? 'the last code that compiled: fix the error to update' : '';
  }
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.textContent = '';
  errorBox.dataset.code = '';
}

function setStatus(state: 'ok' | 'error' | 'busy', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

// ---- inputs -----------------------------------------------------------------

function renderInputs(params: Param[]): void {
  const key = params.map((p) => `${p.name}:${p.type}`).join(',');
  if (key === paramsKey) return; // keep focus and caret while the signature is unchanged
  paramsKey = key;
  inputsBody.replaceChildren(...params.map((p) => {
    const tr = document.createElement('tr');
    const name = cell('name', p.name);
    const type = cell('type', p.type === 'f64[]' ? 'Float64Array' : p.type === 'i32' ? 'integer' : 'number');
    const value = cell('value', '');
    const input = document.createElement('input');
    input.type = 'text';
    input.id = `input-${p.name}`;
    input.dataset.param = p.name;
    input.setAttribute('aria-label', `value of ${p.name}`);
    if (!inputText.has(p.name)) inputText.set(p.name, defaultInput(p.type));
    input.value = inputText.get(p.name)!;
    input.addEventListener('input', () => {
      inputText.set(p.name, input.value);
      pending();
      schedule(evaluate);
    });
    value.append(input);
    const wrt = cell('wrt', '');
    if (differentiable(p)) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `wrt-${p.name}`;
      box.dataset.param = p.name;
      box.checked = wrtChoice.has(p.name);
      box.addEventListener('change', () => {
        if (box.checked) wrtChoice.add(p.name);
        else wrtChoice.delete(p.name);
        pending();
        schedule(analyze);
      });
      label.append(box, ' ∂');
      label.title = `differentiate with respect to ${p.name}`;
      wrt.append(label);
    }
    tr.append(name, type, value, wrt);
    return tr;
  }));
}

function cell(cls: string, text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.className = cls;
  td.textContent = text;
  return td;
}

function syncWrtBoxes(): void {
  for (const box of inputsBody.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) {
    box.checked = wrtChoice.has(box.dataset.param!);
  }
}

/** The argument values, or the first input that does not parse (marked in the form). */
function readArgs(params: Param[]): Value[] {
  const args: Value[] = [];
  let problem: InputError | undefined;
  for (const p of params) {
    const input = inputsBody.querySelector<HTMLInputElement>(`#input-${CSS.escape(p.name)}`);
    try {
      args.push(parseInput(inputText.get(p.name) ?? '', p.type, p.name));
      input?.removeAttribute('aria-invalid');
    } catch (e) {
      input?.setAttribute('aria-invalid', 'true');
      problem ??= e as InputError;
    }
  }
  if (problem) throw problem;
  return args;
}

// ---- evaluating -------------------------------------------------------------

function evaluate(): void {
  const c = current;
  if (!c) return;
  let args: Value[];
  try {
    args = readArgs(c.params);
  } catch (e) {
    setGrad('error', [], (e as Error).message);
    return;
  }
  let grads: unknown, value: unknown;
  try {
    [grads, value] = c.gv(...args) as [unknown, unknown];
  } catch (e) {
    setGrad('error', [], (e as Error).message);
    fValue.textContent = jsTime.textContent = jvpCheck.textContent = '';
    return;
  }
  const list = c.wrt.length === 1 ? [grads] : (grads as unknown[]);
  fValue.textContent = `${c.fn}(…) = ${formatValue(value)}`;
  setGrad('ok', c.wrt.map((name, i) => ({ name, value: list[i] })));
  const t = timeCalls(() => c.g(...args));
  jsTime.textContent = `JS: ${formatTime(t.msPerCall)} per gradient (${t.calls.toLocaleString('en')} calls)`;
  jsTime.dataset.ms = String(t.msPerCall);
  jvpCheck.textContent = forwardCheck(c, args, list);
  if (activeTab === 'wasm') void updateWasm();
}

/** Forward against reverse: jvp along a tangent of ones is the sum of the gradient's entries. */
function forwardCheck(c: Current, args: Value[], grads: unknown[]): string {
  if (c.fwd instanceof Error) return `forward mode: ${c.fwd.message.split('\n')[0]}`;
  const byName = new Map(c.params.map((p, i) => [p.name, args[i]]));
  const tangents = c.wrt.map((n) => onesLike(byName.get(n)!));
  try {
    const forward = c.fwd(...args, ...tangents) as number;
    const reverse = grads.reduce((s: number, g) => s + sumOf(g as Value), 0);
    const scale = Math.max(1, Math.abs(reverse));
    return `forward check: jvp along ones = ${forward}, ⟨∇f, ones⟩ = ${reverse} (${Math.abs(forward - reverse) <= 1e-10 * scale ? 'agree' : 'DIFFER'})`;
  } catch (e) {
    return `forward mode: ${(e as Error).message.split('\n')[0]}`;
  }
}

function setGrad(state: 'ok' | 'error' | 'pending', rows: { name: string; value: unknown }[], message?: string): void {
  gradValue.dataset.state = state;
  if (state === 'ok' && current) {
    gradValue.dataset.fn = current.fn;
    gradValue.dataset.wrt = current.wrt.join(',');
    gradValue.dataset.json = toJson(rows.map((r) => r.value));
  } else if (state === 'error') {
    gradValue.dataset.json = '';
  }
  if (state === 'pending') return;
  if (message) {
    const div = document.createElement('div');
    div.className = 'grad-row';
    div.innerHTML = '<span class="val"></span>';
    div.querySelector('.val')!.textContent = message;
    gradValue.replaceChildren(div);
    return;
  }
  gradValue.replaceChildren(...rows.map((r) => gradRow(r.name, r.value)));
}

function gradRow(name: string, value: unknown): HTMLElement {
  const div = document.createElement('div');
  div.className = 'grad-row';
  div.dataset.param = name;
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = `∂/∂${name} =`;
  const val = document.createElement('span');
  val.className = 'val';
  val.textContent = formatValue(value);
  div.append(label, val);
  return div;
}

function pending(): void {
  gradValue.dataset.state = 'pending';
}

// ---- raw vs optimised -------------------------------------------------------

function renderDiff(raw: string, optimized: string): void {
  const lines = diffLines(raw, optimized);
  const { removed, added } = diffStats(lines);
  const rawCount = raw.split('\n').filter(Boolean).length;
  const optCount = optimized.split('\n').filter(Boolean).length;
  diffStatsView.textContent = `Raw ${rawCount} lines, optimised ${optCount} (−${removed} +${added}).`;
  diffView.replaceChildren(...lines.map((l) => {
    const span = document.createElement('span');
    span.className = l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same';
    span.textContent = `${l.op} ${l.text}`;
    return span;
  }));
}

// ---- the Wasm tab -----------------------------------------------------------

/** What `compile` resolves to (shared/API.md): the same call signature, computed by WebAssembly. */
interface WasmFunction {
  (...args: unknown[]): unknown;
  assemblyScript: string;
  wasm: Uint8Array;
}
type Compile = (g: Derivative) => Promise<WasmFunction>;

/** `compile` is looked up by name: the page works (without its Wasm tab) on a runtime that does not have it. */
const exported: Record<string, unknown> = { ...runtime };
const compile = exported.compile as Compile | undefined;
let wasmSeq = 0;
let compilerLoaded = false;

async function updateWasm(): Promise<void> {
  const seq = ++wasmSeq;
  wasmResult.replaceChildren();
  if (typeof compile !== 'function') {
    wasmStatus.dataset.state = 'unavailable';
    wasmStatus.textContent = 'The Wasm path is not in this build: the runtime has no `compile` (see shared/API.md). '
      + 'The JS path above works without it.';
    wasmSource.textContent = '';
    return;
  }
  const c = current;
  if (!c) {
    wasmStatus.dataset.state = 'idle';
    wasmStatus.textContent = 'Fix the error on the left to compile.';
    return;
  }
  wasmStatus.dataset.state = 'busy';
  wasmStatus.textContent = compilerLoaded ? 'compiling…'
    : 'Loading the AssemblyScript compiler and Binaryen (about 15 MB, once) and compiling…';
  const t0 = performance.now();
  let w: WasmFunction;
  try {
    w = await compile(c.g);
  } catch (e) {
    if (seq !== wasmSeq) return;
    wasmStatus.dataset.state = 'error';
    wasmStatus.textContent = `The Wasm path failed in this browser: ${(e as Error).message}`;
    wasmSource.textContent = '';
    return;
  }
  compilerLoaded = true;
  if (seq !== wasmSeq || c !== current) return;
  const compileMs = performance.now() - t0;
  wasmSource.textContent = w.assemblyScript;
  let args: Value[];
  try {
    args = readArgs(c.params);
  } catch (e) {
    wasmStatus.dataset.state = 'error';
    wasmStatus.textContent = (e as Error).message;
    return;
  }
  try {
    const grads = w(...args);
    const js = c.g(...args);
    const list = c.wrt.length === 1 ? [grads] : (grads as unknown[]);
    const t = timeCalls(() => w(...args));
    wasmResult.replaceChildren(
      ...c.wrt.map((n, i) => gradRow(n, list[i])),
      line(`Wasm: ${formatTime(t.msPerCall)} per gradient (${t.calls.toLocaleString('en')} calls); compiled in ${formatTime(compileMs)}; ${w.wasm.byteLength.toLocaleString('en')} bytes`),
      line(`largest difference from the JS path: ${maxAbsDiff(grads, js)}`),
    );
    wasmResult.dataset.json = toJson(list);
    wasmStatus.dataset.state = 'ok';
    wasmStatus.textContent = 'compile(grad(f)): the same gradient, computed by WebAssembly (AssemblyScript source below).';
  } catch (e) {
    wasmStatus.dataset.state = 'error';
    wasmStatus.textContent = `The Wasm gradient failed: ${(e as Error).message}`;
  }
}

function line(text: string): HTMLElement {
  const div = document.createElement('div');
  div.textContent = text;
  return div;
}

// ---- wiring -----------------------------------------------------------------

let timer: ReturnType<typeof setTimeout> | undefined;
let scheduled: (() => void) | undefined;
/** Runs `task` once typing pauses; a later `analyze` includes `evaluate`. */
function schedule(task: () => void): void {
  if (scheduled !== analyze) scheduled = task;
  clearTimeout(timer);
  timer = setTimeout(() => {
    const t = scheduled!;
    scheduled = undefined;
    t();
  }, DEBOUNCE_MS);
}

function setOptions(select: HTMLSelectElement, values: string[], selected: string): void {
  const same = select.options.length === values.length && values.every((v, i) => select.options[i].value === v);
  if (!same) {
    select.replaceChildren(...values.map((v) => new Option(v, v)));
  }
  select.value = selected;
}

function loadExample(ex: Example): void {
  editor.value = ex.code;
  preferredFn = ex.fn;
  fnSelect.value = '';
  for (const [k, v] of Object.entries(ex.inputs)) inputText.set(k, v);
  wrtChoice.clear();
  for (const n of ex.wrt) wrtChoice.add(n);
  paramsKey = '';
  analyze();
}

function selectTab(name: string): void {
  activeTab = name;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs button')) {
    b.setAttribute('aria-selected', String(b.dataset.tab === name));
  }
  for (const p of document.querySelectorAll<HTMLElement>('.panel')) p.hidden = p.id !== `panel-${name}`;
  if (name === 'wasm') void updateWasm();
}

function goToError(): void {
  const line = Number(errorBox.dataset.line);
  if (!line) return;
  const column = Number(errorBox.dataset.column) || 0;
  const lines = editor.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += column;
  editor.focus();
  editor.setSelectionRange(offset, offset);
}

const yourCode = new Option('your code', '');
yourCode.disabled = true;
exampleSelect.replaceChildren(...examples.map((ex) => new Option(ex.title, ex.id)), yourCode);
exampleSelect.addEventListener('change', () => {
  const ex = examples.find((e) => e.id === exampleSelect.value);
  if (ex) loadExample(ex);
});
fnSelect.addEventListener('change', () => {
  preferredFn = fnSelect.value;
  pending();
  analyze();
});
editor.addEventListener('input', () => {
  if (exampleSelect.value && editor.value !== examples.find((e) => e.id === exampleSelect.value)?.code) exampleSelect.value = '';
  pending();
  schedule(analyze);
});
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    editor.setRangeText('  ', editor.selectionStart, editor.selectionEnd, 'end');
    editor.dispatchEvent(new Event('input'));
  } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    clearTimeout(timer);
    scheduled = undefined;
    analyze();
  }
});
errorBox.addEventListener('click', goToError);
for (const b of document.querySelectorAll<HTMLButtonElement>('#tabs button')) {
  b.addEventListener('click', () => selectTab(b.dataset.tab!));
}

const initial = examples.find((e) => e.id === new URLSearchParams(location.search).get('example')) ?? examples[0];
exampleSelect.value = initial.id;
loadExample(initial);
