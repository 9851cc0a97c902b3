import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal, NewEntry } from '../apply/journal.js';
import type { Cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { stateDir } from './state.js';

/**
 * Settings a root-namespace lab changes that no deletion takes back (sysctls), with the
 * command restoring each original value. Kept beside the journal, not in it: `nslab clean`
 * restores them when the journal is lost or corrupt. Namespaced labs never write here,
 * since their sysctls die with their namespaces.
 */
function settingsDir(): string {
  return join(stateDir(), 'root-settings');
}

const settingsPath = (lab: string): string => join(settingsDir(), `${lab}.json`);

type Restores = Record<string, Cmd>;

function readRestores(lab: string): Restores {
  try {
    return JSON.parse(readFileSync(settingsPath(lab), 'utf8')) as Restores;
  } catch {
    return {};
  }
}

/** `sysctl -w key=value` in the root namespace: the key it changes. */
function rootSysctlKey(entry: NewEntry): string | undefined {
  if (entry.cmd.file !== 'sysctl' || entry.cmd.netns !== undefined || entry.undo === undefined) return undefined;
  return entry.cmd.args.find((a) => a.includes('='))?.split('=')[0];
}

/** Writes the restore command of each root sysctl before the change is made. */
export function recordingRootSettings(journal: Journal, lab: string): Journal {
  return {
    intend: (entry) => {
      const key = rootSysctlKey(entry);
      if (key !== undefined) {
        const restores = readRestores(lab);
        // The first value seen is the machine's own; a later one would be nslab's.
        if (!(key in restores)) {
          mkdirSync(settingsDir(), { recursive: true });
          writeFileSync(settingsPath(lab), `${JSON.stringify({ ...restores, [key]: entry.undo }, null, 2)}\n`);
        }
      }
      return journal.intend(entry);
    },
    mark: (seq, status) => journal.mark(seq, status),
    entries: () => journal.entries(),
  };
}

/** Labs with recorded root settings (all of them, or just `only`). */
export function labsWithRootSettings(only?: string): string[] {
  try {
    return readdirSync(settingsDir())
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter((lab) => only === undefined || lab === only);
  } catch {
    return [];
  }
}

/** Puts back every recorded original value, then forgets them. Returns errors, if any. */
export async function restoreRootSettings(runner: Runner, lab: string): Promise<string[]> {
  const errors: string[] = [];
  for (const [key, restore] of Object.entries(readRestores(lab))) {
    const r = await runner.run(restore, { allowFail: true });
    if (r.exitCode !== 0) errors.push(`restoring ${key}: ${r.stderr.trim()}`);
  }
  if (errors.length === 0) rmSync(settingsPath(lab), { force: true });
  return errors;
}

/** Forgets the record once the journal has restored everything itself. */
export function forgetRootSettings(lab: string): void {
  rmSync(settingsPath(lab), { force: true });
}
