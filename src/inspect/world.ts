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
}

/** The namespaces of lab `lab` (nslab-<lab>-*), found by name in the kernel. */
export async function labNamespaces(runner: Runner, lab: string): Promise<string[]> {
  return namespaceNames().filter((n) => n.startsWith(`${NS_PREFIX}${lab}-`));
}

export function nodeLabel(ns: string | undefined): string {
  return ns === undefined ? 'root' : (parseNsName(ns)?.node ?? ns);
}

export async function readNamespace(runner: Runner, ns: string | undefined, options: { rules?: boolean } = {}): Promise<LiveNamespace> {
  const run = (file: string, args: string[]) => runner.run(cmd(file, args, ns), { allowFail: true });
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
  return liveNamespace(ns, { addr: addr.stdout, route: route.stdout, nsids: ids.stdout, forward: fwd.stdout, bridgeNf: brnf.stdout, iptables: save?.stdout ?? '', neigh: neigh.exitCode === 0 ? neigh.stdout : '', nftTables: tables?.exitCode === 0 ? tables.stdout : '', listening: ss.exitCode === 0 ? ss.stdout : undefined });
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
  };
}

/** Reads a lab's namespaces; fails with a hint when there are none. */
export async function readLab(runner: Runner, lab: string, options: { rules?: boolean } = {}): Promise<LiveNamespace[]> {
  const names = await labNamespaces(runner, lab);
  if (names.length === 0) {
    throw new NslabError(`no namespaces named ${NS_PREFIX}${lab}-* exist`, { hint: `bring the lab up first (\`nslab up ${lab}\`), or see \`nslab ls\`` });
  }
  return Promise.all(names.map((n) => readNamespace(runner, n, options)));
}
