import { sandboxLab } from '../docker/sandbox.js';
import { NslabError } from '../errors.js';
import type { LabDefinition } from './lab.js';

// The labs are handed in by the program's composition root (bin/nslab.ts), so that nothing
// under src/ depends on labs/: the toolkit builds, applies and verifies any lab it is given.
let catalogue: readonly LabDefinition[] = [];

export function useLabs(labs: readonly LabDefinition[]): void {
  catalogue = labs;
}

export function allLabs(): readonly LabDefinition[] {
  return catalogue;
}

/** A lab by id, or by its curriculum number (`nslab lab 3`). */
export function findLab(id: string): LabDefinition {
  // The docker sandbox is recorded like a lab, but is built by `nslab docker`, not listed.
  if (id === sandboxLab.id) return sandboxLab;
  const lab = catalogue.find((l) => l.id === id || (/^\d+$/.test(id) && l.number === Number(id)));
  if (!lab) {
    throw new NslabError(`unknown lab ${JSON.stringify(id)}`, { hint: `known labs: ${catalogue.map((l) => l.id).join(', ')} (see \`nslab ls\`)` });
  }
  return lab;
}
