import type { Interface, Route } from '../kernel/ip-json.js';
import { anyOf, cidrContains } from '../model/cidr.js';
import type { LiveNamespace } from './world.js';

export type Lookup =
  | { readonly kind: 'local'; readonly iface: Interface }
  | { readonly kind: 'route'; readonly route: Route; readonly dev: Interface | undefined };

const ipOf = (a: string) => a.split('/')[0]!;

/** The interface that holds `address` in this namespace. */
export function ownerOf(ns: LiveNamespace, address: string): Interface | undefined {
  return ns.interfaces.find((i) => i.addresses.some((a) => ipOf(a) === address));
}

/** The kernel's choice for `dst`: a local address, else the longest matching route. */
export function lookupRoute(ns: LiveNamespace, dst: string): Lookup | undefined {
  const local = ownerOf(ns, dst);
  if (local) return { kind: 'local', iface: local };
  let best: { route: Route; prefix: number } | undefined;
  for (const route of ns.routes) {
    const cidr = route.dst === 'default' ? anyOf(dst) : route.dst.includes('/') ? route.dst : `${route.dst}/${dst.includes(':') ? 128 : 32}`;
    const prefix = Number(cidr.split('/')[1]);
    if (cidrContains(cidr, dst) && (!best || prefix > best.prefix)) best = { route, prefix };
  }
  if (!best) return undefined;
  return { kind: 'route', route: best.route, dev: ns.interfaces.find((i) => i.name === best.route.dev) };
}

/** A gateway this namespace could use: an address in the same subnet as one of its own, on another namespace. */
export function gatewayFor(ns: LiveNamespace, world: readonly LiveNamespace[]): string | undefined {
  const mine = ns.interfaces.filter((i) => i.name !== 'lo').flatMap((i) => i.addresses);
  for (const other of world.filter((w) => w !== ns)) {
    for (const i of other.interfaces.filter((x) => x.kind === 'bridge')) {
      for (const a of i.addresses) if (mine.some((m) => cidrContains(m, ipOf(a)))) return ipOf(a);
    }
  }
  return undefined;
}
