// Golden files: compared exactly; `UPDATE_GOLDEN=1 npm test` rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Compares `actual` with the file at tests/<path>, or writes it under UPDATE_GOLDEN=1. */
export function golden(path: string, actual: string): void {
  const file = join(root, path);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (!existsSync(file) && process.env.CI) assert.unreachable(`missing golden file tests/${path}; run UPDATE_GOLDEN=1 npm test and commit it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  assert.fixture(actual, expected, `tests/${path} differs (UPDATE_GOLDEN=1 npm test rewrites it after review)`);
}
