import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NslabError } from '../errors.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { validateLabName } from '../model/names.js';
import { stateDir } from './state.js';

// One change to a lab at a time, as dockerd serialises its API calls: reading the record,
// applying and recording happen under the lab's lock, and a second command waits for the
// first. The lock is the kernel's: flock(1) holds it for as long as nslab lives, since its
// standard input is a pipe nslab keeps open (see StartOptions.tiedToUs). A SIGKILLed nslab
// lets go the moment it dies; nothing stale is ever left to judge. The holder ignores the
// terminal's Ctrl-C, which nslab itself answers by tearing down, still holding the lab.

/** How long a command waits for another to finish before it gives up and says who holds the lab. */
export const LOCK_WAIT_S = 120;

const lockDir = () => join(stateDir(), 'locks');
const lockFile = (name: string) => join(lockDir(), `${validateLabName(name)}.lock`);
const holderFile = (name: string) => join(lockDir(), `${name}.holder`);

/**
 * The locks held by the work running now (an async context): what a locked call does may
 * call again for the same lab (a docker command advancing its lab) and goes straight on,
 * while another call of the same process, not inside it, waits like any other process.
 */
let holding: AsyncLocalStorage<ReadonlySet<string>> | undefined;
const held = () => (holding ??= new AsyncLocalStorage<ReadonlySet<string>>());

/** Runs `fn` holding lab `name`'s lock, waiting up to LOCK_WAIT_S for whoever holds it. */
export async function withLabLock<T>(name: string, runner: Runner, what: string, fn: () => Promise<T>): Promise<T> {
  const mine = held().getStore() ?? new Set<string>();
  if (runner.dryRun || mine.has(name)) return fn();
  mkdirSync(lockDir(), { recursive: true });
  let holder;
  try {
    holder = await runner.start(cmd('flock', ['--exclusive', '--wait', String(LOCK_WAIT_S), lockFile(name), 'sh', '-c', 'trap "" INT; echo locked; exec cat']), {
      ready: /^locked$/,
      timeoutMs: (LOCK_WAIT_S + 5) * 1000,
      tiedToUs: true,
    });
  } catch {
    throw new NslabError(`lab ${name} is busy: ${whoHolds(name)} has held it for ${LOCK_WAIT_S} s and is still running`, {
      hint: 'wait for it to finish (`nslab ls` shows the lab), or stop that process; a killed one lets go at once',
    });
  }
  writeFileSync(holderFile(name), `${JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() })}\n`);
  try {
    return await held().run(new Set([...mine, name]), fn);
  } finally {
    rmSync(holderFile(name), { force: true });
    await holder.stop();
  }
}

function whoHolds(name: string): string {
  try {
    const h = JSON.parse(readFileSync(holderFile(name), 'utf8')) as { pid: number; what: string };
    return `nslab process ${h.pid} (${h.what})`;
  } catch {
    return 'another nslab process';
  }
}
