// The benchmark problems, in report order.
import { problem as gmm } from './gmm.js';
import { problem as ba } from './ba.js';
import { problem as rosenbrock } from './rosenbrock.js';
import { problem as logreg } from './logreg.js';
import { problem as mlp } from './mlp.js';
import { problem as spring } from './spring.js';
import { problem as tiny } from './tiny.js';
import type { Problem } from '../lib/types.js';

export const problems: Problem[] = [gmm, ba, rosenbrock, logreg, mlp, spring, tiny];
