import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseNetnsList, type NetnsEntry } from './ip-json.js';

/**
 * Every named network namespace (`ip -j netns list`), sorted by name, with the id the
 * root namespace gives it when it has one. Empty when there are none (ip prints nothing).
 */
export async function listNetns(runner: Runner): Promise<NetnsEntry[]> {
  const r = await runner.run(cmd('ip', ['-j', 'netns', 'list']), { allowFail: true });
  if (r.exitCode !== 0) return [];
  return parseNetnsList(r.stdout).sort((a, b) => a.name.localeCompare(b.name));
}
