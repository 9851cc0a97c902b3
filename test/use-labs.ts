// Every test process sees nslab as bin/nslab.ts composes it: the CLI with the labs handed in.
import { LABS } from '../labs/index.js';
import { sandboxLab } from '../src/sandbox/sandbox.js';
import { loadLabs, useLabs } from '../src/plan/catalogue.js';
import { realEngineLab } from '../src/realdocker/engine-lab.js';

useLabs({ labs: LABS, unlisted: [sandboxLab, realEngineLab] });
await loadLabs();
