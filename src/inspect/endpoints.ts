import { NslabError } from '../errors.js';
import { formatAddress6, parseAddress6 } from '../model/ipam6.js';
import type { LiveNamespace } from './world.js';

// Which namespace a packet starts in and which address it is aimed at, from a user's words
// (a node, a container name, an address): `why` and `trace` read them the same way.

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const isAddress = (s: string) => IPV4.test(s) || parseAddress6(s) !== undefined;

/** Whether `to` names an IPv6 address: then the lab is read with its IPv6 state too. */
export const asksIpv6 = (to: string): boolean => parseAddress6(to) !== undefined;

/** A node's address to aim at: the first on a veth or bridge, else any that is not loopback. */
function addressOf(n: LiveNamespace): string | undefined {
  const all = n.interfaces.filter((i) => i.kind === 'veth' || i.kind === 'bridge').concat(n.interfaces);
  return all.flatMap((i) => i.addresses).find((a) => !a.startsWith('127.'))?.split('/')[0];
}

export function resolveEnds(world: readonly LiveNamespace[], lab: string, fromName: string, to: string): { from: LiveNamespace; dst: string } {
  const nodes = world.map((w) => w.node).join(', ');
  const from = world.find((w) => w.node === fromName);
  if (!from) throw new NslabError(`lab ${lab} has no node ${JSON.stringify(fromName)}`, { hint: `nodes: ${nodes}` });
  const target = world.find((w) => w.node === to);
  // An IPv6 address as the kernel writes it (fd00:0::2 is fd00::2), so it matches what ip prints.
  const dst = isAddress(to) ? (IPV4.test(to) ? to : formatAddress6(parseAddress6(to)!)) : target && addressOf(target);
  if (!dst) throw new NslabError(`cannot tell which address ${JSON.stringify(to)} is`, { hint: `give a node (${nodes}) with an address, or an IPv4 or IPv6 address` });
  return { from, dst };
}
