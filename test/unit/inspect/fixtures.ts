import { readFileSync } from 'node:fs';
import { liveNamespace, type LiveNamespace } from '../../../src/inspect/world.js';

/**
 * A lab's namespaces as captured from a real run (test/fixtures/live-*: `ip -j -d addr`,
 * `ip -j route`, `ip -j netns list-id`, ip_forward and `iptables-save -c` per namespace).
 * `edit` lets a test break one output the way a learner would.
 */
export function loadWorld(dir: string, lab: string, nodes: readonly string[], edit: (node: string, file: string, text: string) => string = (_n, _f, t) => t): LiveNamespace[] {
  const read = (node: string, file: string) => edit(node, file, readFileSync(new URL(`../../fixtures/${dir}/${node}.${file}`, import.meta.url), 'utf8'));
  return nodes.map((n) =>
    liveNamespace(`nslab-${lab}-${n}`, { addr: read(n, 'addr.json'), route: read(n, 'route.json'), nsids: read(n, 'nsids.json'), forward: read(n, 'forward'), bridgeNf: '1', iptables: read(n, 'iptables') }),
  );
}

export const docker0World = (edit?: Parameters<typeof loadWorld>[3]) => loadWorld('live-docker0', 'zqd', ['host', 'c1', 'c2', 'wan'], edit);
export const connectWorld = (edit?: Parameters<typeof loadWorld>[3]) => loadWorld('live-connect', 'zqc', ['host', 'c1', 'c2', 'wan'], edit);

/** Marks one interface administratively down in an `ip -j addr` capture. */
export function setDown(json: string, ifname: string): string {
  const links = JSON.parse(json) as { ifname: string; flags: string[] }[];
  for (const l of links) if (l.ifname === ifname) l.flags = l.flags.filter((f) => f !== 'UP');
  return JSON.stringify(links);
}
