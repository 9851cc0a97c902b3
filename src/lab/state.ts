import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NslabError } from '../errors.js';
import type { LabEnv, LabOptions } from './definition.js';

/**
 * Where running labs are recorded. /run is cleared at boot, exactly like the namespaces
 * and rules it describes. NSLAB_STATE_DIR overrides it.
 */
export function stateDir(): string {
  return process.env.NSLAB_STATE_DIR ?? '/run/nslab';
}

export function instanceDir(name: string): string {
  return join(stateDir(), 'labs', name);
}

export function journalPath(name: string): string {
  return join(instanceDir(name), 'journal.jsonl');
}

/** Enough to rebuild the same model in another process (verify, exec, down). */
export interface Manifest {
  readonly id: string;
  readonly name: string;
  readonly options: LabOptions;
  readonly env: LabEnv;
  readonly createdAt: string;
  readonly pid: number;
}

/**
 * Claims a lab name. mkdir is atomic, so of two processes bringing up the same name at
 * once exactly one wins; the other is told the lab is already up.
 */
export function claimInstance(manifest: Manifest): void {
  mkdirSync(join(stateDir(), 'labs'), { recursive: true });
  try {
    mkdirSync(instanceDir(manifest.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new NslabError(`lab ${manifest.name} is already up`, {
        hint: `run \`nslab down ${manifest.name}\` first, or pick another name with --name`,
      });
    }
    throw err;
  }
  writeFileSync(join(instanceDir(manifest.name), 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function assertNotUp(name: string): void {
  if (existsSync(instanceDir(name))) {
    throw new NslabError(`lab ${name} is already up`, { hint: `run \`nslab down ${name}\` first, or pick another name with --name` });
  }
}

export function readManifest(name: string): Manifest {
  try {
    return JSON.parse(readFileSync(join(instanceDir(name), 'manifest.json'), 'utf8')) as Manifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NslabError(`lab ${name} is not up`, { hint: 'see `nslab ls` for what is running' });
    }
    throw new NslabError(`the record of lab ${name} is unreadable`, { hint: 'run `nslab clean` to remove it by name' });
  }
}

export function releaseInstance(name: string): void {
  rmSync(instanceDir(name), { recursive: true, force: true });
}

/** Names of every recorded instance, readable or not. */
export function listInstanceNames(): string[] {
  try {
    return readdirSync(join(stateDir(), 'labs')).sort();
  } catch {
    return [];
  }
}
