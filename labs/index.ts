import type { LabDefinition } from '../src/lab/definition.js';
import { docker0Lab } from './docker0.js';
import { egressLab } from './egress.js';
import { namespacesLab } from './namespaces.js';
import { portsLab } from './ports.js';
import { vethLab } from './veth.js';

/** Every lab nslab knows, in the order `nslab ls` shows them (`nslab lab list` sorts by number). */
export const LABS: readonly LabDefinition[] = [docker0Lab, namespacesLab, vethLab, egressLab, portsLab];
