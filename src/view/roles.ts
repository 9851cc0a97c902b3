import { matchLowerLinks, matchVethPairs, type NamespaceState } from '../kernel/snapshot.js';
import type { LabNode } from '../plan/lab.js';

/** What a namespace plays, in a lab's terms: `wan` is anything outside the docker host (the internet, a router). */
export type Role = LabNode['role'];

/**
 * Roles from kernel state alone: a namespace holding a bridge, or the parent of another
 * namespace's macvlan, is a host; one whose veth peer is a bridge port, or that holds a
 * macvlan child of another namespace's interface, is a container; the rest are wan (the
 * sandbox internet, a router).
 */
export function inferRoles(states: readonly NamespaceState[]): Record<string, Role> {
  const pairs = matchVethPairs(states);
  const lowers = matchLowerLinks(states).filter(([child, parent]) => child.node !== parent.node);
  const roles: Record<string, Role> = {};
  for (const s of states) {
    if (s.interfaces.some((i) => i.kind === 'bridge') || lowers.some(([, p]) => p.node === s.node)) roles[s.node] = 'host';
    else if (pairs.some(([a, b]) => (a.node === s.node && b.iface.master) || (b.node === s.node && a.iface.master)) || lowers.some(([c]) => c.node === s.node)) roles[s.node] = 'container';
    else roles[s.node] = 'wan';
  }
  return roles;
}
