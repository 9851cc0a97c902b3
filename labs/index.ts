import type { LabDefinition } from '../src/lab/definition.js';
import { docker0Lab } from './docker0.js';

/** Every lab nslab knows, in the order `nslab ls` shows them. */
export const LABS: readonly LabDefinition[] = [docker0Lab];
