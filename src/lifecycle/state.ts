import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NslabError } from '../errors.js';
import type { LabEnv, LabOptions } from '../plan/lab.js';
import { instanceDir, stateDir } from '../state-dir.js';

export { instanceDir, stateDir };


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
  /** The process that brings it up; while `state` is `building`, a dead pid means a crash. */
  readonly pid: number;
  /** Absent in records written before states existed: those labs were up. */
  readonly state?: 'building' | 'up' | undefined;
  /** Steps applied, when the lab was stopped part-way (`up --step`, a rewind); absent: all. */
  readonly step?: number | undefined;
}

const manifestPath = (name: string): string => join(instanceDir(name), 'manifest.json');

/** Replaced whole (write aside, rename), so a crash never leaves a truncated record. */
function writeManifest(manifest: Manifest): void {
  const next = `${manifestPath(manifest.name)}.${process.pid}`;
  writeFileSync(next, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(next, manifestPath(manifest.name));
}

/**
 * Claims a lab name. The record is written in a private directory first, then renamed
 * into place: rename is atomic and fails when the name holds a record, so of two processes
 * bringing up the same name at once exactly one wins, and no claim is ever seen half-written.
 */
export function claimInstance(manifest: Manifest): void {
  const labs = join(stateDir(), 'labs');
  mkdirSync(labs, { recursive: true });
  const draft = mkdtempSync(join(labs, '.claim-'));
  writeFileSync(join(draft, 'manifest.json'), `${JSON.stringify({ ...manifest, state: 'building' }, null, 2)}\n`);
  try {
    renameSync(draft, instanceDir(manifest.name));
  } catch (err) {
    rmSync(draft, { recursive: true, force: true });
    if (['EEXIST', 'ENOTEMPTY', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) {
      const other = readManifestIfAny(manifest.name);
      const building = other?.state === 'building' ? `: nslab process ${other.pid} is building it` : '';
      throw new NslabError(`lab ${manifest.name} is already up${building}`, {
        hint: `run \`nslab down ${manifest.name}\` first, or pick another name with --name`,
      });
    }
    throw err;
  }
}

function readManifestIfAny(name: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestPath(name), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** A running lab is being built further by this process (a crash now is a stale claim). */
export function markBuilding(name: string): void {
  writeManifest({ ...readManifest(name), state: 'building', pid: process.pid });
}

/**
 * Records that the lab finished building (through `step` of its steps, or all of them):
 * from now on its lock no longer depends on a pid.
 */
export function markUp(name: string, step?: number): void {
  const { step: _previous, ...rest } = readManifest(name);
  writeManifest({ ...rest, state: 'up', ...(step === undefined ? {} : { step }) });
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A claim left by an nslab that died while building (SIGKILL, power cut): the lock
 * directory exists, but no live process holds it and the lab never
 * came up. Returns why it is stale, or undefined when the claim is live or absent.
 */
export function staleClaim(name: string): string | undefined {
  if (!existsSync(instanceDir(name))) return undefined;
  const manifest = readManifestIfAny(name);
  // Claims appear whole (see claimInstance): an unreadable record was damaged, and guessing
  // from it could tear down a running lab. `nslab clean <name>` is the way out of that.
  if (manifest === undefined) return undefined;
  if (manifest.state === 'building' && !pidAlive(manifest.pid)) return `nslab process ${manifest.pid} died while building it`;
  return undefined;
}

/**
 * Moves a stale claim aside (rename is atomic: of two processes recovering at once, one
 * gets it) and returns the journal path to undo, or undefined if another process took it.
 */
export function takeStaleClaim(name: string): string | undefined {
  const aside = `${instanceDir(name)}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(instanceDir(name), aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return aside;
}

/** An early, friendly check (before a prompt, say); claimInstance is what actually decides. */
export function assertNotUp(name: string): void {
  if (existsSync(instanceDir(name)) && staleClaim(name) === undefined) {
    throw new NslabError(`lab ${name} is already up`, { hint: `run \`nslab down ${name}\` first, or pick another name with --name` });
  }
}

export function readManifest(name: string): Manifest {
  try {
    return JSON.parse(readFileSync(manifestPath(name), 'utf8')) as Manifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NslabError(`lab ${name} is not up`, { hint: 'see `nslab ls` for what is running' });
    }
    throw new NslabError(`the record of lab ${name} is unreadable`, { hint: `run \`nslab clean ${name}\` to remove the lab by its names and tags` });
  }
}

/**
 * Removes a lab's state directory. An agent a killed nslab started may still be writing in it
 * (its pidfile, once its server listens: up to seconds on a loaded machine), so a removal that
 * finds the directory refilled is tried again, for up to 10 s, as rm -rf would race too.
 */
export function removeTree(dir: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || attempt >= 100) throw err;
      Atomics.wait(pause, 0, 0, 100);
    }
  }
}

export function releaseInstance(name: string): void {
  removeTree(instanceDir(name));
}

/** Names of every recorded instance, readable or not. */
export function listInstanceNames(): string[] {
  try {
    return readdirSync(join(stateDir(), 'labs'))
      .filter((n) => !n.startsWith('.') && !n.includes('.stale-'))
      .sort();
  } catch {
    return [];
  }
}

/** Every record directory, stale ones set aside included, with the lab name each belongs to. */
export function listInstanceDirs(): { name: string; dir: string }[] {
  try {
    return readdirSync(join(stateDir(), 'labs'))
      .filter((entry) => !entry.startsWith('.'))
      .sort()
      .map((entry) => ({ name: entry.split('.stale-')[0]!, dir: join(stateDir(), 'labs', entry) }));
  } catch {
    return [];
  }
}

/** A record of the lab exists (up, part-way, or being built). */
export function instanceExists(name: string): boolean {
  return existsSync(manifestPath(name));
}

/**
 * Replaces a running lab's options, standing at `step` of the model they build: how the
 * docker sandbox records a new command before building it (`step` is where it stood).
 */
export function rewriteRecord(name: string, options: LabOptions, step: number | undefined): void {
  const { step: _old, options: _previous, ...rest } = readManifest(name);
  writeManifest({ ...rest, options, ...(step === undefined ? {} : { step }) });
}
