// Source maps: a stack trace from inside a generated derivative names the
// user's file and line, in the primal sweep and in the adjoint sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode } from '@jridgewell/sourcemap-codec';
import { fromSource, grad, jvp } from '../../../runtime/index.js';

process.setSourceMapsEnabled(true);

const src = `import * as np from 'cotangent/np';
export function f(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  const d = np.dot(x, y);
  return s * d;
}
`;

const frameOf = (fn: () => unknown) => {
  try { fn(); } catch (e) { return (e as Error).stack!.split('\n').find((l) => l.includes('cotangent:///')) ?? ''; }
  return 'no error';
};

test('an error thrown inside a gradient points at the user\'s line', () => {
  const g = grad(fromSource(src, 'f', 'src/loss.ts'));
  const frame = frameOf(() => g(new Float64Array(3), new Float64Array(2)));
  assert.match(frame, /cotangent:\/\/\/src\/loss\.ts:5:\d+/, frame);
});

test('and inside forward mode', () => {
  const j = jvp(fromSource(src, 'f', 'src/loss.ts'), { wrt: 1 });
  const frame = frameOf(() => j(new Float64Array(3), new Float64Array(2), new Float64Array(2)));
  // The tangent of `d` is folded into the return: either statement's line is the user's.
  assert.match(frame, /cotangent:\/\/\/src\/loss\.ts:[56]:\d+/, frame);
});

test('every mapping lands inside the user\'s text; .sourceMap is a v3 map', () => {
  const g = grad(fromSource(src, 'f', 'src/loss.ts'));
  const map = g.sourceMap;
  assert.is(map.version, 3);
  assert.equal(map.sources, ['src/loss.ts']);
  assert.is(map.sourcesContent[0], src);
  const lines = src.split('\n');
  const generated = g.source.split('\n');
  const segments = decode(map.mappings);
  assert.ok(segments.length <= generated.length);
  let mapped = 0;
  for (const line of segments) {
    for (const seg of line) {
      if (seg.length < 4) continue;
      mapped++;
      assert.ok(seg[2]! < lines.length && seg[3]! <= lines[seg[2]!].length, `segment ${seg} outside the source`);
    }
  }
  assert.ok(mapped >= 5, 'statements of both sweeps are mapped');
});

test.run();
