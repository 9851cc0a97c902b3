import { matchVethPairs, type NamespaceState } from '../kernel/snapshot.js';

/** What a namespace plays in a picture; `other` is anything else (the internet, a router). */
export type Role = 'host' | 'container' | 'other';

/**
 * Roles from kernel state alone: a namespace holding a bridge is a host; one whose veth
 * peer is a bridge port is a container; the rest are other (the sandbox internet, a router).
 */
export function inferRoles(states: readonly NamespaceState[]): Record<string, Role> {
  const pairs = matchVethPairs(states);
  const roles: Record<string, Role> = {};
  for (const s of states) {
    if (s.interfaces.some((i) => i.kind === 'bridge')) roles[s.node] = 'host';
    else if (pairs.some(([a, b]) => (a.node === s.node && b.iface.master) || (b.node === s.node && a.iface.master))) roles[s.node] = 'container';
    else roles[s.node] = 'other';
  }
  return roles;
}
