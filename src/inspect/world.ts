import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { namespaceNames } from '../kernel/netns-fs.js';
import { parseIpAddr, parseIpNeigh, parseIpRoute, parseNsIds, type Interface, type Neighbour, type Route } from '../kernel/ip-json.js';
import { parseRuleset, type Ruleset } from '../kernel/iptables-save.js';
import { NslabError } from '../errors.js';
import { findTool } from '../kernel/tools.js';
import { ownNftTables } from '../kernel/nft-listing.js';
import { parseListening, type Listener } from '../kernel/listening.js';
import { NS_PREFIX, parseNsName } from '../model/names.js';

/**
 * One namespace as the kernel has it right now: interfaces, routes, forwarding and the
 * iptables rule set. Read whoever built it; nothing here looks at a lab's plan.
 */
export interface LiveNamespace {
  /** Short label: the node name for nslab-<lab>-<node>, else the namespace name, or "root". */
  readonly node: string;
  readonly ns: string | undefined;
  readonly interfaces: readonly Interface[];
  readonly routes: readonly Route[];
  /** link_netnsid -> namespace name, as this namespace numbers its peers. */
  readonly nsids: ReadonlyMap<number, string | undefined>;
  readonly forwarding: boolean;
  /** br_netfilter: frames bridged here also traverse iptables FORWARD. */
  readonly bridgeNf: boolean;
  readonly rules: Ruleset;
  /** The ARP table: an unanswered ARP is an entry FAILED or INCOMPLETE. */
  readonly neighbours: readonly Neighbour[];
  /** nftables tables of its own (Docker 29's nftables backend, an admin's), which why does not walk. */
  readonly nftTables: readonly string[];
  /** TCP sockets listening here; undefined where they were not read (older captures). */
  readonly listening: readonly Listener[] | undefined;
  /** The IPv6 state, read where a packet to an IPv6 address is asked about (readNamespace's ipv6). */
  readonly v6?: { readonly routes: readonly Route[]; readonly rules: Ruleset; readonly forwarding: boolean } | undefined;
  /** 6: an IPv6 view (ipv6View): addresses, routes, rules and forwarding are IPv6's. */
  readonly family?: 6 | undefined;
}

/** The namespaces of lab `lab` (nslab-<lab>-*), found by name in the kernel. */
export async function labNamespaces(runner: Runner, lab: string): Promise<string[]> {
  return namespaceNames().filter((n) => n.startsWith(`${NS_PREFIX}${lab}-`));
}

export function nodeLabel(ns: string | undefined): string {
  return ns === undefined ? 'root' : (parseNsName(ns)?.node ?? ns);
}

export async function readNamespace(runner: Runner, ns: string | undefined, options: { rules?: boolean; ipv6?: boolean } = {}): Promise<LiveNamespace> {
  const run = (file: string, args: string[]) => runner.run(cmd(file, args, ns), { allowFail: true });
  const v6 = options.ipv6
    ? Promise.all([run('ip', ['-j', '-6', 'route', 'show']), run('sysctl', ['-n', 'net.ipv6.conf.all.forwarding']), findTool('ip6tables-save') === undefined ? undefined : run('ip6tables-save', ['-c'])])
    : undefined;
  const [addr, route, ids, fwd, brnf, save, neigh, tables, ss] = await Promise.all([
    run('ip', ['-j', '-d', 'addr', 'show']),
    run('ip', ['-j', 'route', 'show']),
    run('ip', ['-j', 'netns', 'list-id']),
    run('sysctl', ['-n', 'net.ipv4.ip_forward']),
    // Absent (exit 255) when br_netfilter is not loaded: then bridged frames skip iptables.
    run('sysctl', ['-n', 'net.bridge.bridge-nf-call-iptables']),
    options.rules === false ? undefined : run('iptables-save', ['-c']),
    run('ip', ['-j', 'neigh', 'show']),
    findTool('nft') === undefined ? undefined : run('nft', ['list', 'tables']),
    run('ss', ['-Hltn']),
  ]);
  if (addr.exitCode !== 0) throw new NslabError(`cannot read network namespace ${ns}: ${addr.stderr.trim()}`, { hint: 'see `ip netns list`' });
  const [route6, fwd6, save6] = (await v6) ?? [];
  return liveNamespace(ns, {
    addr: addr.stdout,
    route: route.stdout,
    nsids: ids.stdout,
    forward: fwd.stdout,
    bridgeNf: brnf.stdout,
    iptables: save?.stdout ?? '',
    neigh: neigh.exitCode === 0 ? neigh.stdout : '',
    nftTables: tables?.exitCode === 0 ? tables.stdout : '',
    listening: ss.exitCode === 0 ? ss.stdout : undefined,
    ...(route6 ? { route6: route6.stdout, forward6: fwd6?.stdout ?? '', ip6tables: save6?.stdout ?? '' } : {}),
  });
}

/** The raw outputs one namespace is read from (also what test fixtures hold). */
export interface NamespaceOutputs {
  readonly addr: string;
  readonly route: string;
  readonly nsids: string;
  readonly forward: string;
  readonly bridgeNf: string;
  readonly iptables: string;
  /** `ip -j neigh show`; older captures have none. */
  readonly neigh?: string;
  /** `nft list tables`; older captures have none. */
  readonly nftTables?: string;
  /** `ss -Hltn`; older captures have none. */
  readonly listening?: string | undefined;
  /** `ip -j -6 route show`, `sysctl -n net.ipv6.conf.all.forwarding`, `ip6tables-save -c`: read for IPv6 questions only. */
  readonly route6?: string | undefined;
  readonly forward6?: string | undefined;
  readonly ip6tables?: string | undefined;
}

export function liveNamespace(ns: string | undefined, o: NamespaceOutputs): LiveNamespace {
  return {
    node: nodeLabel(ns),
    ns,
    interfaces: parseIpAddr(o.addr),
    routes: parseIpRoute(o.route),
    nsids: parseNsIds(o.nsids),
    forwarding: o.forward.trim() === '1',
    bridgeNf: o.bridgeNf.trim() === '1',
    rules: parseRuleset(o.iptables),
    neighbours: parseIpNeigh(o.neigh ?? ''),
    nftTables: ownNftTables(o.nftTables ?? ''),
    listening: o.listening === undefined ? undefined : parseListening(o.listening),
    v6: o.route6 === undefined ? undefined : { routes: parseIpRoute(o.route6), rules: parseRuleset(o.ip6tables ?? ''), forwarding: o.forward6?.trim() === '1' },
  };
}

/**
 * The namespace as an IPv6 packet meets it: its global IPv6 addresses where the IPv4 ones
 * were, its IPv6 routes, ip6tables and IPv6 forwarding. `why` walks a view exactly as it
 * walks IPv4. (Link-local addresses are left out: none is the source or target asked about.)
 */
export function ipv6View(ns: LiveNamespace): LiveNamespace {
  return {
    ...ns,
    family: 6,
    interfaces: ns.interfaces.map((i) => ({ ...i, addresses: (i.ipv6 ?? []).filter((a) => !a.toLowerCase().startsWith('fe80:')), broadcasts: {} })),
    routes: ns.v6?.routes ?? [],
    rules: ns.v6?.rules ?? parseRuleset(''),
    forwarding: ns.v6?.forwarding ?? false,
  };
}

/** Reads a lab's namespaces; fails with a hint when there are none. */
export async function readLab(runner: Runner, lab: string, options: { rules?: boolean; ipv6?: boolean } = {}): Promise<LiveNamespace[]> {
  const names = await labNamespaces(runner, lab);
  if (names.length === 0) {
    throw new NslabError(`no namespaces named ${NS_PREFIX}${lab}-* exist`, { hint: `bring the lab up first (\`nslab up ${lab}\`), or see \`nslab ls\`` });
  }
  return Promise.all(names.map((n) => readNamespace(runner, n, options)));
}
