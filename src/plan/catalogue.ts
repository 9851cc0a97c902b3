import { NslabError } from '../errors.js';
import type { LabDefinition } from './lab.js';

// The labs are handed in by the program's composition root (bin/nslab.ts), so that nothing
// under src/ depends on labs/: the toolkit builds, applies and verifies any lab it is given.
// It hands in a loader, so that a command that needs no lab (`nslab --help`) loads neither
// the labs nor the Docker model they are made of; main awaits loadLabs before a command runs.
// The root hands in the unlisted ones too (the docker sandbox and the real dockerd, recorded
// like labs but built by `nslab docker` and `--real`): they live floors above this one.
export interface Catalogue {
  /** What `nslab ls` lists, in its order. */
  readonly labs: readonly LabDefinition[];
  /** Recorded like labs, found by id, never listed. */
  readonly unlisted: readonly LabDefinition[];
}

let listed: readonly LabDefinition[] = [];
let unlisted: readonly LabDefinition[] = [];
let loader: (() => Promise<Catalogue>) | undefined;

export function useLabs(catalogue: Catalogue | (() => Promise<Catalogue>)): void {
  if (typeof catalogue === 'function') loader = catalogue;
  else ({ labs: listed, unlisted } = catalogue);
}

export async function loadLabs(): Promise<void> {
  if (loader) ({ labs: listed, unlisted } = await loader());
  loader = undefined;
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
