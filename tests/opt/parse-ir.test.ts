// The test-only IR reader reads back exactly what the printer writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { printFunction } from '../../compiler/ir/print.js';
import { reverseModule } from '../../compiler/ad/reverse.js';
import { corpus, lowerCase } from './corpus.js';
import { parseIr } from './parse-ir.js';
import { validating } from './support.js';

validating(test);

test('parseIr reads back printed corpus functions and their gradients', () => {
  for (const c of corpus) {
    const lowered = lowerCase(c);
    for (const m of [lowered, reverseModule(lowered, { wrt: c.wrt })]) {
      for (const f of m.functions) {
        const text = printFunction(f);
        assert.is(printFunction(parseIr(text)), text, `${c.name}: ${f.name}`);
      }
    }
  }
});

test.run();
