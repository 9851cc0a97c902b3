import { subnetContains, subnetOf } from './ipam.js';
import { isIpv6, subnet6Contains, subnet6Of } from './ipam6.js';

// Addresses of either family, where the code that asks does not care which: a route's or a
// rule's prefix holding an address, an address's network. IPv4 keeps its own, faster types.

/** Whether `cidr` (a.b.c.d/len, x::/len, or a bare address) holds `address`; families never mix. */
export function cidrContains(cidr: string, address: string): boolean {
  if (isIpv6(cidr) !== isIpv6(address)) return false;
  if (isIpv6(cidr)) return subnet6Contains(subnet6Of(cidr.includes('/') ? cidr : `${cidr}/128`), address);
  return subnetContains(subnetOf(cidr.includes('/') ? cidr : `${cidr}/32`), address);
}

/** The network an address with its prefix lies in: 172.17.0.1/16 gives 172.17.0.0/16, fd00::5/64 fd00::/64. */
export function networkOf(addressWithPrefix: string): string {
  return isIpv6(addressWithPrefix) ? subnet6Of(addressWithPrefix).cidr : subnetOf(addressWithPrefix).cidr;
}

/** The prefix that is "everything" in the address's family. */
export const anyOf = (address: string): string => (isIpv6(address) ? '::/0' : '0.0.0.0/0');

/** `172.18.0.2:80` or `[fd00::2]:80` as its address and port. */
export function splitHostPort(target: string): { address: string; port: string | undefined } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (v6) return { address: v6[1]!, port: v6[2] };
  const [address = '', port] = target.split(':');
  return { address, port };
}
