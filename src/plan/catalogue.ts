import { NslabError } from '../errors.js';
import type { LabDefinition } from './lab.js';

// The labs are handed in by the program's composition root (bin/nslab.ts), so that nothing
// under src/ depends on labs/: the toolkit builds, applies and verifies any lab it is given.
// It hands in a loader, so that a command that needs no lab (`nslab --help`) loads neither
// the labs nor the Docker model they are made of; main awaits loadLabs before a command runs.
let listed: readonly LabDefinition[] = [];
let unlisted: readonly LabDefinition[] = [];
let loader: (() => Promise<readonly LabDefinition[]>) | undefined;

export function useLabs(labs: readonly LabDefinition[] | (() => Promise<readonly LabDefinition[]>)): void {
  if (typeof labs === 'function') loader = labs;
  else listed = labs;
}

export async function loadLabs(): Promise<void> {
  if (loader) listed = await loader();
  loader = undefined;
  // The docker sandbox and the real dockerd are recorded like labs, but built by `nslab
  // docker` and `--real`, not listed.
  unlisted = [(await import('../docker/sandbox.js')).sandboxLab, (await import('../realdocker/engine-lab.js')).realEngineLab];
}

export function allLabs(): readonly LabDefinition[] {
  return listed;
}

/** A lab by id, or by its curriculum number (`nslab lab 3`). */
export function findLab(id: string): LabDefinition {
  const lab = [...unlisted, ...listed].find((l) => l.id === id || (/^\d+$/.test(id) && l.number === Number(id)));
  if (!lab) {
    throw new NslabError(`unknown lab ${JSON.stringify(id)}`, { hint: `known labs: ${listed.map((l) => l.id).join(', ')} (see \`nslab ls\`)` });
  }
  return lab;
}
