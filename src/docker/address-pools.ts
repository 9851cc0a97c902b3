import { NslabError } from '../errors.js';
import { parseSubnet, subnetsOverlap, type Subnet } from '../model/ipam.js';

// Docker's default address pools, in the order the default IPAM hands them out
// (ipamutils/utils.go): 172.17-172.19 as /16s, 172.20/14, 172.24/14 and 172.28/14 split into
// /16s, then 192.168.0.0/16 split into /20s. The default bridge takes the first free one.

function split(cidr: string, size: number): string[] {
  const s = parseSubnet(cidr);
  const step = 2 ** (32 - size);
  const out: string[] = [];
  for (let n = s.first; n <= s.last; n += step) out.push(`${[24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.')}/${size}`);
  return out;
}

export const DEFAULT_POOLS: readonly string[] = [
  '172.17.0.0/16',
  '172.18.0.0/16',
  '172.19.0.0/16',
  ...split('172.20.0.0/14', 16),
  ...split('172.24.0.0/14', 16),
  ...split('172.28.0.0/14', 16),
  ...split('192.168.0.0/16', 20),
];

/**
 * The pool `docker network create` without --subnet gets: the first default pool that
 * overlaps neither a network Docker already made nor a route the host already has
 * (allocatePredefinedPool skips those, and nothing else: a network behind a router is
 * invisible to it).
 */
export function nextPool(taken: readonly Subnet[], hostRoutes: readonly Subnet[] = []): string {
  const pool = DEFAULT_POOLS.find((p) => {
    const s = parseSubnet(p);
    return ![...taken, ...hostRoutes].some((t) => subnetsOverlap(s, t));
  });
  if (pool === undefined) {
    throw new NslabError('all predefined address pools have been fully subnetted', { hint: 'remove a network (docker network rm) or give --subnet explicitly' });
  }
  return pool;
}
