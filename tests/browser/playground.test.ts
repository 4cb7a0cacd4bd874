// The playground in a real browser: build the page, serve it on 127.0.0.1,
// drive Debian's Chromium (playwright-core with executablePath, headless),
// type a function into the editor and check that the gradient the page shows
// is the gradient `grad` computes in Node for the same function and inputs.
// Screenshots go to tests/browser/artifacts/ (gitignored).
//
// Chromium is found on PATH (`chromium`, `chromium-browser`) or at
// CHROMIUM_PATH. Under CI (CI set) a Chromium that is missing or does not
// start fails the test; elsewhere a missing one skips it with a message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground } from '../../playground/build.js';
import { serveStatic, type Serving } from '../../playground/serve.js';
import * as runtime from '../../runtime/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const WAIT_MS = 20_000;
/** The first compile loads the AssemblyScript compiler and Binaryen into the page. */
const WASM_WAIT_MS = 60_000;

/** What the test types: a loop, a branch, an array and a scalar argument. */
const TYPED = `function loss(x: Float64Array, a: number) {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const u = a * x[i] - 0.5;
    if (u > 0) s += Math.log1p(u * u);
    else s += Math.sin(u) * x[i];
  }
  return s / x.length;
}`;
const X = [0.5, -1.25, 2, 0.75];
const A = 1.5;

/** Refused: writing into an argument array (CT1105), on line 2. */
const BAD = `function bad(x: Float64Array) {
  x[0] = 1;
  return x[0];
}`;

function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The flags Debian's Chromium needs here: no sandbox as root, and no calls home on a closed network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

interface Session { ctx: BrowserContext; page: Page; serving: Serving; dirs: string[]; errors: string[] }
let session: Promise<Session> | undefined;
let t0 = 0;
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Builds, serves and opens the page once; set up inside a test so that a failure fails it. */
function open(executablePath: string): Promise<Session> {
  session ??= (async () => {
    t0 = performance.now();
    const outDir = await mkdtemp(join(tmpdir(), 'cotangent-playground-'));
    const userDataDir = await mkdtemp(join(tmpdir(), 'cotangent-chromium-'));
    const dirs = [outDir, userDataDir];
    let serving: Serving | undefined;
    let ctx: BrowserContext | undefined;
    try {
      const built = await buildPlayground({ outDir });
      serving = await serveStatic(outDir, 0, '127.0.0.1');
      const launched = performance.now();
      ctx = await chromium.launchPersistentContext(userDataDir, {
        executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 }, timeout: 30_000,
      });
      console.log(`  playground built in ${(built.ms / 1000).toFixed(1)} s; Chromium ${ctx.browser()?.version() ?? ''} started in ${((performance.now() - launched) / 1000).toFixed(1)} s`);
      const page = ctx.pages()[0] ?? await ctx.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(serving.url);
      return { ctx, page, serving, dirs, errors };
    } catch (e) {
      // Nothing may stay behind to keep the test process alive.
      await ctx?.close().catch(() => undefined);
      await serving?.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
      throw new Error(`the playground could not be opened in Chromium (${executablePath}): ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  })();
  return session;
}

/** Selects everything in the editor and types `code` as a person would. */
async function typeInto(page: Page, code: string): Promise<void> {
  await page.click('#editor');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(code);
}

/** Reads a number or a `[a, b, c]` list as the page prints it. */
function readNumbers(text: string): number[] {
  return text.replace(/^\[|\]$/g, '').split(',').map((s) => Number(s.trim()));
}

function assertClose(actual: number[], expected: number[], what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const ok = Math.abs(actual[i] - e) <= 1e-12 * Math.max(1, Math.abs(e));
    assert.ok(ok, `${what}[${i}]: the page shows ${actual[i]}, Node computes ${e}`);
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  const file = join(artifacts, name);
  await page.screenshot({ path: file });
  console.log(`  screenshot: ${relative(process.cwd(), file)}`);
}

const executablePath = findChromium();

if (!executablePath && !process.env.CI) {
  console.log('  tests/browser: skipped, no Chromium on PATH (apt-get install chromium, or set CHROMIUM_PATH)');
  test.skip('playground in Chromium');
} else if (!executablePath) {
  test('Chromium is available (required under CI)', () => {
    assert.unreachable('no chromium on PATH and CHROMIUM_PATH unset: .ci/run installs it with apt-get');
  });
} else {
  test('the page shows the gradient of a typed function, equal to grad in Node', async () => {
    const { page, errors } = await open(executablePath!);
    await page.locator('#grad-value[data-state="ok"][data-fn="rosenbrock"]').waitFor();

    await typeInto(page, TYPED);
    await page.locator('#input-a').waitFor();
    assert.is(await page.inputValue('#editor'), TYPED, 'the editor holds what was typed');
    await page.fill('#input-x', `[${X.join(', ')}]`);
    await page.fill('#input-a', String(A));
    await page.check('#wrt-x');
    await page.check('#wrt-a');
    await page.locator('#grad-value[data-state="ok"][data-fn="loss"][data-wrt="x,a"]').waitFor();

    const shownX = readNumbers(await page.locator('#grad-value .grad-row[data-param="x"] .val').innerText());
    const shownA = readNumbers(await page.locator('#grad-value .grad-row[data-param="a"] .val').innerText());
    const g = runtime.grad(runtime.fromSource(TYPED, 'loss'), { wrt: [0, 1] });
    const [gx, ga] = g(Float64Array.from(X), A) as [Float64Array, number];
    assertClose(shownX, Array.from(gx), '∂/∂x');
    assertClose(shownA, [ga], '∂/∂a');
    // The same numbers travel in the element's data (JSON keeps every digit).
    assert.equal(JSON.parse((await page.getAttribute('#grad-value', 'data-json'))!), [Array.from(gx), ga]);
    // The code shown is the code Node generates.
    assert.is(await page.locator('#grad-source').textContent(), g.source);
    assert.match(await page.locator('#js-time').innerText(), /per gradient/);
    assert.match(await page.locator('#jvp-check').innerText(), /\(agree\)/);
    await screenshot(page, 'playground.png');
    assert.equal(errors, [], 'no uncaught errors in the page');
  });

  test('the other tabs: forward mode, raw vs optimised, Wasm', async () => {
    const { page, errors } = await open(executablePath!);
    const jvpSource = runtime.jvp(runtime.fromSource(TYPED, 'loss'), { wrt: [0, 1] }).source;
    await page.click('#tabs button[data-tab="jvp"]');
    assert.is(await page.locator('#jvp-source').textContent(), jvpSource);
    await page.click('#tabs button[data-tab="diff"]');
    assert.match(await page.locator('#diff-stats').innerText(), /^Raw \d+ lines, optimised \d+/);
    assert.ok(await page.locator('#diff .del').count() > 0, 'the optimiser removed something');

    await page.click('#tabs button[data-tab="wasm"]');
    const status = page.locator('#wasm-status');
    await page.locator('#wasm-status:not([data-state="busy"]):not([data-state="idle"])').waitFor({ timeout: WASM_WAIT_MS });
    const state = await status.getAttribute('data-state');
    if (typeof (runtime as Record<string, unknown>).compile !== 'function') {
      // The runtime has no Wasm path yet: the tab says so.
      assert.is(state, 'unavailable', await status.innerText());
      console.log('  wasm tab: the runtime has no compile(); the page says so');
    } else {
      assert.is(state, 'ok', await status.innerText());
      const [gx, ga] = runtime.grad(runtime.fromSource(TYPED, 'loss'), { wrt: [0, 1] })(Float64Array.from(X), A) as [Float64Array, number];
      const [wx, wa] = JSON.parse((await page.getAttribute('#wasm-result', 'data-json'))!) as [number[], number];
      assertClose(wx, Array.from(gx), 'Wasm ∂/∂x');
      assertClose([wa], [ga], 'Wasm ∂/∂a');
      assert.match(await page.locator('#wasm-source').textContent() ?? '', /function /);
      console.log(`  wasm tab: ${(await page.locator('#wasm-result').innerText()).split('\n').filter((l) => l.startsWith('Wasm')).join('')}`);
      await screenshot(page, 'playground-wasm.png');
    }
    await page.click('#tabs button[data-tab="grad"]');
    assert.equal(errors, [], 'no uncaught errors in the page');
  });

  test('refused input is shown with its code frame', async () => {
    const { page, errors } = await open(executablePath!);
    await typeInto(page, BAD);
    const box = page.locator('#error:not([hidden])');
    await box.waitFor();
    await page.locator('#error[data-code="CT1105"]').waitFor();
    const text = await box.innerText();
    assert.match(text, /writing into the argument array `x` in `bad` at playground\.ts:2:3/);
    assert.match(text, />\s*2 \|\s+x\[0\] = 1;/);
    assert.is(await page.getAttribute('#grad-value', 'data-state'), 'error');
    await screenshot(page, 'playground-error.png');
    assert.equal(errors, [], 'no uncaught errors in the page');
  });

  test.after(async () => {
    if (!session) return;
    const s = await session.catch(() => undefined);
    session = undefined;
    if (!s) return;
    await s.ctx.close().catch(() => undefined);
    await s.serving.close();
    await Promise.all(s.dirs.map((d) => rm(d, { recursive: true, force: true })));
    console.log(`  browser test done in ${elapsed()}`);
  });
}

test.run();
