import { fileURLToPath } from 'node:url';
import { cmd, type Cmd } from '../exec/command.js';

export const AGENT = fileURLToPath(new URL('./agent.mjs', import.meta.url));

/** A command running the in-namespace agent with the same node binary nslab runs on. */
export function agentCmd(ns: string | undefined, ...args: string[]): Cmd {
  return cmd(process.execPath, [AGENT, ...args], ns);
}
