// The README's table of primitives and conventions is generated from the rule
// table, so it cannot drift: this test fails when they differ, and
// UPDATE_GOLDEN=1 npm test rewrites the section.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scalarRules } from '../compiler/rules/index.js';

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const START = '<!-- conventions:start (generated from compiler/rules by `UPDATE_GOLDEN=1 npm test`) -->';
const END = '<!-- conventions:end -->';

function table(): string {
  const rows = [...scalarRules.values()].map((r) => {
    const call = r.name === 'neg' ? '-x' : /^[a-z]/i.test(r.name) ? `${r.name}(${r.args.join(', ')})` : `a ${r.name} b`;
    const d = r.partials
      ? r.partials.map((p, i) => `∂/∂${r.args[i]} = \`${p}\``).join('; ')
      : `reverse \`${r.reverse}\``;
    return `| \`${call}\` | ${d.replace(/\|/g, '\\|')} | ${(r.note ?? '').replace(/\|/g, '\\|')} |`;
  });
  return ['| primitive | derivative (`out` is the result) | convention |', '|---|---|---|', ...rows].join('\n');
}

test('README conventions table matches the rule table', () => {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START), end = text.indexOf(END);
  assert.ok(start >= 0 && end > start, 'README has the conventions markers');
  const current = text.slice(start + START.length, end).trim();
  const want = table();
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(readme, text.slice(0, start + START.length) + '\n' + want + '\n' + text.slice(end));
    return;
  }
  assert.fixture(current, want, 'README conventions table is stale: UPDATE_GOLDEN=1 npm test');
});

test.run();
