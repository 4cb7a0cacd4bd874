// The whole project type-checks (library, CLI, tests, examples, benchmark problems): the tests
// run the TypeScript through tsx, which strips types without checking them, so a type error
// would otherwise surface only in `npm ci`'s prepare step.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('tsc --noEmit finds no type errors', () => {
  // typescript's package exports do not list its bin: found from its package.json.
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', root], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
});

test.run();
