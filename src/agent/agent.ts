import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cmd, type Cmd } from '../exec/command.js';

/**
 * The agent is plain JavaScript, run from the checkout's src/agent/ whether nslab runs from
 * source or from a bundle (dist/builds/<build>/): its path goes into the journal (a daemon's
 * undo, a file's removal), and must still name it when that bundle has been replaced.
 */
export function agentPath(): string {
  // bin/nslab names the checkout (a bundle started from a snapshot has no file of its own).
  if (process.env.NSLAB_ROOT) return join(process.env.NSLAB_ROOT, 'src', 'agent', 'agent.mjs');
  const here = fileURLToPath(import.meta.url);
  const bundled = here.lastIndexOf('/dist/builds/');
  return bundled >= 0 ? join(here.slice(0, bundled), 'src', 'agent', 'agent.mjs') : join(dirname(here), 'agent.mjs');
}

/** A command running the in-namespace agent with the same node binary nslab runs on. */
export function agentCmd(ns: string | undefined, ...args: string[]): Cmd {
  return cmd(process.execPath, [agentPath(), ...args], ns);
}
