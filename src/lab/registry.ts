import { LABS } from '../../labs/index.js';
import { sandboxLab } from '../../labs/sandbox.js';
import { NslabError } from '../errors.js';
import type { LabDefinition } from './definition.js';

export function allLabs(): readonly LabDefinition[] {
  return LABS;
}

/** A lab by id, or by its curriculum number (`nslab lab 3`). */
export function findLab(id: string): LabDefinition {
  // The docker sandbox is recorded like a lab, but is built by `nslab docker`, not listed.
  if (id === sandboxLab.id) return sandboxLab;
  const lab = LABS.find((l) => l.id === id || (/^\d+$/.test(id) && l.number === Number(id)));
  if (!lab) {
    throw new NslabError(`unknown lab ${JSON.stringify(id)}`, { hint: `known labs: ${LABS.map((l) => l.id).join(', ')} (see \`nslab ls\`)` });
  }
  return lab;
}
