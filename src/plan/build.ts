import { findTool } from '../kernel/tools.js';
import { validateLabName } from '../model/names.js';
import { instanceDir } from '../state-dir.js';
import type { LabDefinition, LabEnv, LabModel, LabOptions } from './lab.js';

/** What the machine offers a lab's plan: brctl, where it is installed. */
export function detectEnv(): LabEnv {
  return { brctl: findTool('brctl') !== undefined };
}

/** A lab's model for an instance name: built from data, nothing touched. */
export function buildLab(def: LabDefinition, name: string, options: LabOptions = {}, env: LabEnv = detectEnv()): LabModel {
  const valid = validateLabName(name);
  return def.build({ name: valid, env, options, stateDir: instanceDir(valid) });
}
