// Every test process sees nslab as bin/nslab.ts composes it: the CLI with the labs handed in.
import { LABS } from '../labs/index.js';
import { loadLabs, useLabs } from '../src/plan/catalogue.js';

useLabs(LABS);
await loadLabs();
