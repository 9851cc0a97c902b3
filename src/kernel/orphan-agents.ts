import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { agentPath } from '../agent/agent.js';

/**
 * nslab's own agent processes (servers, proxies, resolvers) living in a network namespace that
 * no longer has a name: what a lab leaves running when nslab is killed while it starts one and
 * the lab is torn down meanwhile. Found by their program (nslab's agent, nothing else) and by
 * their namespace being neither nslab's own, nor the initial one, nor any named one.
 */
export function orphanAgents(netnsDir = '/run/netns'): number[] {
  const ino = (path: string): string | undefined => {
    try {
      const s = statSync(path);
      return `${s.dev}:${s.ino}`;
    } catch {
      return undefined;
    }
  };
  const named = new Set<string>();
  try {
    for (const n of readdirSync(netnsDir)) {
      const i = ino(join(netnsDir, n));
      if (i) named.add(i);
    }
  } catch {
    // no named namespace at all
  }
  // The namespace nslab runs in is nobody's orphan, and neither is the machine's initial one
  // (they differ where nslab itself runs in a container or a namespace of its own).
  const home = new Set([ino('/proc/self/ns/net'), ino('/proc/1/ns/net')]);
  const orphans: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let argv: string;
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!argv.split('\0').includes(agentPath())) continue;
    const ns = ino(`/proc/${entry}/ns/net`);
    if (ns && !home.has(ns) && !named.has(ns)) orphans.push(Number(entry));
  }
  return orphans;
}
