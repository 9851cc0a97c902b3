import { join } from 'node:path';
import { checkoutRoot } from '../checkout.js';
import { cmd, type Cmd } from '../exec/command.js';

/**
 * The agent is plain JavaScript, run from the checkout's src/agent/ whether nslab runs from
 * source or from a bundle: its path goes into the journal (a daemon's undo, a file's
 * removal), and must still name it when that bundle has been replaced.
 */
export function agentPath(): string {
  return join(checkoutRoot(), 'src', 'agent', 'agent.mjs');
}

/** A command running the in-namespace agent with the same node binary nslab runs on. */
export function agentCmd(ns: string | undefined, ...args: string[]): Cmd {
  return cmd(process.execPath, [agentPath(), ...args], ns);
}
