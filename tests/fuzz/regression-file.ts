// Writes a shrunk counterexample as a self-contained uvu test: the program's
// source, its parameters, `wrt` and the seed of its sample points, checked by
// the same oracles that found it.
import type { Failure } from './campaign.js';

/** Text as the body of a template literal. */
const template = (s: string) => s.replace(/[\\`]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${');

export function regressionTest(f: Failure, opts: { skip?: boolean; points?: number } = {}): string {
  const p = f.printed;
  const firstLine = f.message.split('\n')[0];
  const spec = { params: p.params, wrt: p.wrt };
  return `// A counterexample found by \`npm run fuzz\` (fast-check seed ${f.seed}, path ${f.path}), shrunk.
// ${opts.skip ? 'BUG: ' : ''}${firstLine.replace(/\n/g, ' ')}
// Signature: ${f.signature}
${opts.skip ? '// Skipped until the bug is fixed: remove `.skip` to check the fix.\n' : ''}import { test } from 'uvu';
import { checkProgram, newStats } from '../oracles.js';

const source = \`${template(p.source)}\`;

const js = \`${template(p.js)}\`;

test${opts.skip ? '.skip' : ''}(${JSON.stringify(`fuzz regression: ${f.signature}`)}, async () => {
  await checkProgram({ source, js, ...${JSON.stringify(spec)} }, ${f.program.seed}, newStats(), { points: ${opts.points ?? 2} });
});

test.run();
`;
}
