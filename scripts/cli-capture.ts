import { LABS } from '../labs/index.js';
import { main } from '../src/cli/main.js';
import { sandboxLab } from '../src/sandbox/sandbox.js';
import { useLabs } from '../src/plan/catalogue.js';
import { realEngineLab } from '../src/realdocker/engine-lab.js';

// As bin/nslab.ts composes the program: the CLI, given the labs.
useLabs({ labs: LABS, unlisted: [sandboxLab, realEngineLab] });

/** Runs nslab in-process and returns what it printed; throws, with its error, if it failed. */
export async function capture(...argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  if (code !== 0) throw new Error(`nslab ${argv.join(' ')} failed (${code}): ${err.trim()}`);
  return out;
}
