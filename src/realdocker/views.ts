import { readFileSync } from 'node:fs';
import { agentCmd } from '../agent/agent.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { readNamespace, type LiveNamespace } from '../inspect/world.js';
import { nsName } from '../model/names.js';

// What the judge looks at on a docker host, read the same way on nslab's and on a real
// dockerd's (both are namespaces nslab-<name>-*, read by nslab's one reader), and written in
// words that do not depend on what is random or local to one side: a bridge by the network it
// is, a container by its name, an ID as <id of web>, a MAC by the rule that made it.

export interface DockerHostSide {
  /** The instance: its namespaces are nslab-<lab>-host and nslab-<lab>-<container>. */
  readonly lab: string;
  /** Containers by name, with their full IDs. */
  readonly containers: ReadonlyMap<string, string>;
  /** Networks by name, with their full IDs and bridges. */
  readonly networks: ReadonlyMap<string, { readonly id: string; readonly bridge: string; readonly driver: string }>;
  /** A file Docker keeps for a container: hosts or resolv.conf. */
  file(container: string, which: 'hosts' | 'resolv.conf'): string | undefined;
  /** The namespace a container runs in: its own, or the one it shares (host, container:). */
  readonly namespaceOf: ReadonlyMap<string, string>;
  /** Containers in a namespace not their own (--network host, container:). */
  readonly sharing: ReadonlySet<string>;
}

/** One aspect of the host or of a container, as lines two sides can be held line by line. */
export interface View {
  readonly aspect: string;
  readonly lines: readonly string[];
}

/** Replaces what differs between two equal hosts: IDs, bridge and veth names, random MACs. */
export class Normalizer {
  readonly #words: [RegExp, string][] = [];

  constructor(side: DockerHostSide, readonly macRule: 'from-ip' | 'random') {
    for (const [name, n] of side.networks) {
      if (n.bridge && n.bridge !== name && /^br-[0-9a-f]{12}$/.test(n.bridge)) this.#words.push([new RegExp(n.bridge, 'g'), `br-<${name}>`]);
      this.#words.push([new RegExp(n.id, 'g'), `<network ${name}>`], [new RegExp(`\\b${n.id.slice(0, 12)}\\b`, 'g'), `<network ${name}>`]);
    }
    for (const [name, id] of side.containers) this.#words.push([new RegExp(id, 'g'), `<id of ${name}>`], [new RegExp(`\\b${id.slice(0, 12)}\\b`, 'g'), `<id of ${name}>`]);
    this.#words.push([/\bveth[0-9a-f]{7}\b/g, 'veth<hex>']);
  }

  text(s: string): string {
    return this.#words.reduce((t, [re, to]) => t.replace(re, to), s);
  }

  /** A container endpoint's MAC, by the rule Docker used: 02:42 and the IPv4 address (27), or random (28+). */
  mac(mac: string | undefined, address: string | undefined): string {
    if (!mac) return 'no MAC';
    const ip = address?.split('/')[0];
    const fromIp = ip !== undefined && mac.toLowerCase() === `02:42:${ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`;
    if (fromIp) return 'MAC 02:42 + its IPv4 address';
    const first = parseInt(mac.slice(0, 2), 16);
    return (first & 2) !== 0 && (first & 1) === 0 ? 'MAC random, locally administered' : `MAC ${mac}`;
  }
}

/** `iptables-save` (or `ip6tables-save`) of the docker host's namespace, per table and chain, without counters or nslab's tags. */
export async function hostRules(runner: Runner, side: DockerHostSide, n: Normalizer, program: 'iptables' | 'ip6tables' = 'iptables'): Promise<View[]> {
  const r = await runner.run(cmd(`${program}-save`, [], nsName(side.lab, 'host')), { allowFail: true });
  const views = new Map<string, string[]>();
  let table = '';
  for (const raw of r.stdout.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line === 'COMMIT') continue;
    if (line.startsWith('*')) {
      table = line.slice(1);
      continue;
    }
    // Chain headers carry policies; their counters are not the rules'.
    const clean = n.text(line.replace(/\[\d+:\d+\]/, '').replace(/ -m comment --comment "?nslab:[^" ]*"?/g, '').trim());
    const list = views.get(table) ?? [];
    list.push(clean);
    views.set(table, list);
  }
  return [...views].sort(([a], [b]) => a.localeCompare(b)).map(([t, lines]) => ({ aspect: `host: ${program} ${t}`, lines }));
}

/** A link as the judge sees it: kind, state, MTU, queue, addresses with their broadcast, IPv6 or none. */
function linkLine(i: LiveNamespace['interfaces'][number], n: Normalizer, mac?: string): string {
  const addrs = i.addresses.map((a) => `${a}${i.broadcasts?.[a] ? ` brd ${i.broadcasts[a]}` : ''}`);
  const v6 = (i.ipv6 ?? []).length ? `ipv6 ${(i.ipv6 ?? []).map((a) => (a.startsWith('fe80:') ? 'fe80::/64 (link-local)' : a)).join(' ')}` : 'no ipv6';
  return n.text(`${i.name} ${i.kind} ${i.up ? 'up' : 'down'} mtu ${i.mtu ?? '?'} qlen ${i.txqlen ?? '?'}${i.master ? ` master ${i.master}` : ''} ${addrs.join(', ') || 'no address'}; ${v6}${mac ? `; ${mac}` : ''}`);
}

/** The docker host's bridges and the host ends of its veths (its uplink and lo are the machine's, not Docker's). */
export async function hostLinks(runner: Runner, side: DockerHostSide, n: Normalizer): Promise<View> {
  const host = await readNamespace(runner, nsName(side.lab, 'host'), { rules: false });
  const bridges = host.interfaces.filter((i) => i.kind === 'bridge').map((i) => linkLine(i, n, undefined)).sort();
  // Veth host ends are named at random: what each is, counted, is what compares.
  const ends = new Map<string, number>();
  for (const i of host.interfaces.filter((x) => x.kind === 'veth' && x.master)) {
    const line = linkLine(i, n);
    ends.set(line, (ends.get(line) ?? 0) + 1);
  }
  return { aspect: 'host: bridges and veth ends', lines: [...bridges, ...[...ends].sort().map(([l, c]) => `${c} x ${l}`)] };
}

/** A container's links, routes and the files Docker wrote for it. */
export async function containerViews(runner: Runner, side: DockerHostSide, n: Normalizer, container: string): Promise<View[]> {
  const ns = side.namespaceOf.get(container);
  if (!ns) return [{ aspect: `${container}: namespace`, lines: ['(none: not running)'] }];
  const live = await readNamespace(runner, ns, { rules: false });
  const links = live.interfaces
    .filter((i) => i.name !== 'lo')
    .map((i) => linkLine(i, n, i.kind === 'veth' || i.kind === 'macvlan' ? n.mac(i.mac, i.addresses[0]) : undefined))
    .sort();
  const routes = await runner.run(cmd('ip', ['-4', 'route', 'show', 'table', 'main'], ns), { allowFail: true });
  // A container in the host's or another's namespace reads that namespace's files in nslab;
  // Docker gives a host one copies of the host's (the README's fidelity table says so).
  const fileLines = (f: 'hosts' | 'resolv.conf') => (side.sharing.has(container) ? ["(the files of the namespace it shares)"] : n.text(side.file(container, f) ?? '(none)').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1));
  const files = (['hosts', 'resolv.conf'] as const).map((f) => ({ aspect: `${container}: /etc/${f}`, lines: fileLines(f) }));
  return [
    { aspect: `${container}: links`, lines: links },
    { aspect: `${container}: routes`, lines: routes.stdout.split('\n').filter(Boolean).map((l) => n.text(l.replace(/\s+$/, ''))) },
    ...files,
  ];
}

/** What the embedded DNS answers in a container (127.0.0.11), for each name asked. */
export async function dnsAnswers(runner: Runner, side: DockerHostSide, n: Normalizer, container: string, names: readonly string[]): Promise<View> {
  const ns = side.namespaceOf.get(container);
  if (!ns) return { aspect: `${container}: embedded DNS`, lines: ['(not running)'] };
  const lines: string[] = [];
  for (const name of [...names].sort()) {
    const r = await runner.run({ ...agentCmd(ns, 'dns-query', '127.0.0.11', '53', name, '1500'), netns: ns }, { allowFail: true });
    let got = '(no answer)';
    try {
      const a = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { ok?: boolean; rcode?: string; addresses?: string[]; error?: string };
      got = a.error ? `error: ${a.error.replace(/\d+ ms/, 'N ms')}` : `${a.rcode}${a.addresses?.length ? ` ${[...a.addresses].sort().join(' ')}` : ''}`;
    } catch {
      // nothing printed
    }
    lines.push(`${n.text(name)} -> ${got}`);
  }
  return { aspect: `${container}: embedded DNS`, lines };
}

/** docker-proxy processes in the docker host's namespace, as what they forward. */
export async function proxies(runner: Runner, side: DockerHostSide): Promise<View> {
  const r = await runner.run(cmd('ip', ['netns', 'pids', nsName(side.lab, 'host')]), { allowFail: true });
  const lines: string[] = [];
  for (const pid of r.stdout.split('\n').filter(Boolean)) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    const real = argv.findIndex((a) => a.endsWith('docker-proxy'));
    if (real >= 0) {
      const opt = (k: string) => argv[argv.indexOf(`-${k}`) + 1];
      lines.push(`${opt('proto')} ${opt('host-ip')}:${opt('host-port')} -> ${opt('container-ip')}:${opt('container-port')}`);
    }
    const mine = argv.findIndex((a) => a === 'tcp-proxy' || a === 'udp-proxy');
    if (mine >= 0 && !argv.includes('daemon')) lines.push(`${argv[mine]!.slice(0, 3)} ${argv[mine + 1]}:${argv[mine + 2]} -> ${argv[mine + 3]}:${argv[mine + 4]}`);
  }
  return { aspect: 'host: docker-proxy', lines: lines.sort() };
}

export interface Difference {
  readonly aspect: string;
  readonly nslab: readonly string[];
  readonly real: readonly string[];
}

/** Where two sides' views part: each aspect whose lines are not the same, with both. */
export function differences(nslab: readonly View[], real: readonly View[]): Difference[] {
  const aspects = [...new Set([...nslab.map((v) => v.aspect), ...real.map((v) => v.aspect)])];
  const out: Difference[] = [];
  for (const aspect of aspects) {
    const a = nslab.find((v) => v.aspect === aspect)?.lines ?? ['(absent)'];
    const b = real.find((v) => v.aspect === aspect)?.lines ?? ['(absent)'];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ aspect, nslab: a, real: b });
  }
  return out;
}

/** A difference as a learner reads it: the lines only one side has, marked by the side. */
export function renderDifference(d: Difference): string {
  const onlyNslab = d.nslab.filter((l) => !d.real.includes(l));
  const onlyReal = d.real.filter((l) => !d.nslab.includes(l));
  const reordered = onlyNslab.length === 0 && onlyReal.length === 0;
  return [
    `${d.aspect}:${reordered ? ' the same lines, in another order' : ''}`,
    ...(reordered ? [...d.nslab.map((l) => `  nslab: ${l}`), ...d.real.map((l) => `  real:  ${l}`)] : [...onlyNslab.map((l) => `  nslab only: ${l}`), ...onlyReal.map((l) => `  real only:  ${l}`)]),
  ].join('\n');
}
