import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileRemove, fileWrite } from '../ops/file.js';
import { chainNew, ruleInsert } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';
import { daemonStart } from '../ops/process.js';
import { EMBEDDED_DNS } from '../model/defaults.js';
import { nftChainAdd, nftRuleAdd, nftTableAdd, type NftTable } from '../ops/nft.js';
import type { FirewallBackend } from './profile.js';

/**
 * Docker's embedded DNS, rebuilt. dockerd keeps, per user-defined network, the DNS names of
 * each endpoint on it (container name, aliases, short ID, hostname); nslab keeps them as
 * files, one per endpoint (its address, then its names), read by the resolver on every query.
 * Each container on a user-defined network gets its own resolver on 127.0.0.11 at two ports
 * of its own (UDP and TCP), the NAT rules that send port 53 there (libnetwork resolver_unix.go:
 * chains DOCKER_OUTPUT and DOCKER_POSTROUTING, or nftables table ip docker-dns), and a
 * resolv.conf naming 127.0.0.11. Names it does not know it forwards to the docker host's own
 * resolver: from the container's namespace, or through a relay in the host's where Docker asks
 * from there (resolver.ts decides which).
 */
export interface DnsLayout {
  /** The lab instance's state directory (records and pidfiles live there). */
  readonly stateDir: string;
  readonly lab: string;
}

export const recordsDir = (layout: DnsLayout, network: string): string => join(layout.stateDir, 'dns', network);


const portFrom = (seed: string): number => 30000 + (parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 8), 16) % 10000);

/** Docker binds the resolver to random ports; nslab derives them per container (30000-39999). */
export function resolverPort(ns: string): number {
  return portFrom(ns);
}

export function resolverTcpPort(ns: string): number {
  const udp = resolverPort(ns);
  const tcp = portFrom(`${ns}/tcp`);
  return tcp === udp ? tcp + 1 : tcp;
}

/** The endpoint joins: its names resolve to its address on `network`. */
const recordLines = (container: string, address: string, names: readonly string[]): string[] => [address, ...new Set([container, ...names])];

export function dnsRecord(layout: DnsLayout, network: string, container: string, address: string, names: readonly string[] = [container]): Op {
  const lines = recordLines(container, address, names);
  return fileWrite(join(recordsDir(layout, network), container), lines, `register ${lines.slice(1).join(', ')} = ${address} in ${network}'s DNS`);
}

/** The endpoint leaves: its names no longer resolve on `network` (a rewind writes them back). */
export function dnsRecordRemove(layout: DnsLayout, network: string, container: string, address: string, names: readonly string[] = [container]): Op {
  return fileRemove(join(recordsDir(layout, network), container), `unregister ${container} from ${network}'s DNS`, recordLines(container, address, names));
}

/**
 * The networks a container's resolver answers for: one file per user-defined network it is
 * on, naming that network's records. Docker's resolver answers from every network the
 * container is connected to; the server reads this directory on each query, so a
 * `network connect` adds a file and the running resolver knows the new network at once.
 */
export const resolverView = (layout: DnsLayout, container: string): string => join(layout.stateDir, 'dns-views', container);

export function resolverJoins(layout: DnsLayout, container: string, network: string): Op {
  return fileWrite(join(resolverView(layout, container), network), [recordsDir(layout, network)], `${container}'s resolver answers for ${network}`);
}

export function resolverLeaves(layout: DnsLayout, container: string, network: string): Op {
  return fileRemove(join(resolverView(layout, container), network), `${container}'s resolver no longer answers for ${network}`, [recordsDir(layout, network)]);
}

/** The name of the resolver daemon (its pidfile) for a container. */
export const resolverName = (container: string): string => `dns-${container}`;

export interface ResolverOptions {
  /** Where names the networks do not know are forwarded (the docker host's nameserver). */
  readonly upstream?: string | undefined;
  readonly firewall: FirewallBackend;
}

/** setupIptablesNAT: each rule inserted, so TCP's end up above UDP's, as in a real listing. */
function iptablesNat(ns: string, udp: string, tcp: string): Op[] {
  const r = (chain: string, match: string[], target: string[]) => ({ table: 'nat' as const, chain, match, target });
  return [
    chainNew(ns, 'nat', 'DOCKER_OUTPUT'),
    ruleInsert(ns, r('OUTPUT', ['-d', `${EMBEDDED_DNS}/32`], ['-j', 'DOCKER_OUTPUT'])),
    chainNew(ns, 'nat', 'DOCKER_POSTROUTING'),
    ruleInsert(ns, r('POSTROUTING', ['-d', `${EMBEDDED_DNS}/32`], ['-j', 'DOCKER_POSTROUTING'])),
    ruleInsert(ns, r('DOCKER_OUTPUT', ['-d', `${EMBEDDED_DNS}/32`, '-p', 'udp', '-m', 'udp', '--dport', '53'], ['-j', 'DNAT', '--to-destination', `${EMBEDDED_DNS}:${udp}`])),
    ruleInsert(ns, r('DOCKER_POSTROUTING', ['-s', `${EMBEDDED_DNS}/32`, '-p', 'udp', '-m', 'udp', '--sport', udp], ['-j', 'SNAT', '--to-source', ':53'])),
    ruleInsert(ns, r('DOCKER_OUTPUT', ['-d', `${EMBEDDED_DNS}/32`, '-p', 'tcp', '-m', 'tcp', '--dport', '53'], ['-j', 'DNAT', '--to-destination', `${EMBEDDED_DNS}:${tcp}`])),
    ruleInsert(ns, r('DOCKER_POSTROUTING', ['-s', `${EMBEDDED_DNS}/32`, '-p', 'tcp', '-m', 'tcp', '--sport', tcp], ['-j', 'SNAT', '--to-source', ':53'])),
  ];
}

/** setupNftablesNAT: table ip docker-dns, a dnat and a snat base chain. */
function nftablesNat(ns: string, udp: string, tcp: string): Op[] {
  const t: NftTable = { ns, family: 'ip', table: 'docker-dns' };
  // The table's deletion takes its chains and rules: only the table has an undo.
  const rule = (chain: string, text: string) => nftRuleAdd(t, chain, text, { undo: false });
  return [
    nftTableAdd(t),
    // dstnat is -100: nft before 1.0.7 takes the name for prerouting only.
    nftChainAdd(t, 'dns-dnat', 'type nat hook output priority -100 ; policy accept ;', { undo: false, summary: 'create chain dns-dnat' }),
    rule('dns-dnat', `ip daddr ${EMBEDDED_DNS} udp dport 53 counter dnat to ${EMBEDDED_DNS}:${udp}`),
    rule('dns-dnat', `ip daddr ${EMBEDDED_DNS} tcp dport 53 counter dnat to ${EMBEDDED_DNS}:${tcp}`),
    nftChainAdd(t, 'dns-snat', 'type nat hook postrouting priority srcnat ; policy accept ;', { undo: false, summary: 'create chain dns-snat' }),
    rule('dns-snat', `ip saddr ${EMBEDDED_DNS} udp sport ${udp} counter snat to :53`),
    rule('dns-snat', `ip saddr ${EMBEDDED_DNS} tcp sport ${tcp} counter snat to :53`),
  ];
}

/** The resolver inside a container: the server and its NAT rules (its resolv.conf: container-files.ts). */
export function embeddedResolver(layout: DnsLayout, container: { name: string; ns: string }, networks: readonly string[], options: ResolverOptions): Op[] {
  const udp = String(resolverPort(container.ns));
  const tcp = String(resolverTcpPort(container.ns));
  return [
    ...networks.map((n) => resolverJoins(layout, container.name, n)),
    daemonStart(container.ns, join(layout.stateDir, 'pids'), resolverName(container.name), ['dns-server', EMBEDDED_DNS, udp, tcp, options.upstream ?? 'none', `@${resolverView(layout, container.name)}`]),
    ...(options.firewall === 'nftables' ? nftablesNat(container.ns, udp, tcp) : iptablesNat(container.ns, udp, tcp)),
  ];
}

