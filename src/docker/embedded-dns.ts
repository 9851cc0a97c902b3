import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ruleTag } from '../model/names.js';
import { EMBEDDED_DNS } from './defaults.js';
import { fileRemove, fileWrite } from '../ops/file.js';
import { ruleAppend } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';
import { daemonStart } from '../ops/process.js';

/**
 * Docker's embedded DNS, rebuilt. dockerd keeps, per user-defined network, the names of
 * the endpoints on it; nslab keeps them as files (one per container, holding its address)
 * in the lab's state directory, read by the resolver on every query. Each container on a
 * user-defined network gets its own resolver listening on 127.0.0.11 at a random-looking
 * port, the DNAT rules that send port 53 there, and a resolv.conf naming 127.0.0.11.
 */
export interface DnsLayout {
  /** The lab instance's state directory (records and pidfiles live there). */
  readonly stateDir: string;
  readonly lab: string;
}

export const recordsDir = (layout: DnsLayout, network: string): string => join(layout.stateDir, 'dns', network);

/** `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf. */
export const resolvConfPath = (ns: string): string => join('/etc/netns', ns, 'resolv.conf');

/** Docker binds the resolver to a random port; nslab derives one per container (30000-39999). */
export function resolverPort(ns: string): number {
  return 30000 + (parseInt(createHash('sha256').update(ns).digest('hex').slice(0, 8), 16) % 10000);
}

/** The container's name becomes resolvable on `network` (an endpoint joins). */
export function dnsRecord(layout: DnsLayout, network: string, container: string, address: string): Op {
  return fileWrite(join(recordsDir(layout, network), container), [address], `register ${container} = ${address} in ${network}'s DNS`);
}

/** The endpoint leaves: its name no longer resolves on `network`. */
export function dnsRecordRemove(layout: DnsLayout, network: string, container: string): Op {
  return fileRemove(join(recordsDir(layout, network), container), `unregister ${container} from ${network}'s DNS`);
}

/** The name of the resolver daemon (its pidfile) for a container. */
export const resolverName = (container: string): string => `dns-${container}`;

/**
 * The resolver inside a container: the server, the NAT rules of libnetwork's
 * setupIptablesNAT (container's own nat table), and resolv.conf.
 */
export function embeddedResolver(layout: DnsLayout, container: { name: string; ns: string }, networks: readonly string[]): Op[] {
  const port = String(resolverPort(container.ns));
  const tag = ruleTag(layout.lab);
  return [
    daemonStart(container.ns, join(layout.stateDir, 'pids'), resolverName(container.name), [
      'dns-server',
      EMBEDDED_DNS,
      port,
      ...networks.map((n) => recordsDir(layout, n)),
    ]),
    ruleAppend(container.ns, {
      table: 'nat',
      chain: 'OUTPUT',
      match: ['-d', `${EMBEDDED_DNS}/32`, '-p', 'udp', '-m', 'udp', '--dport', '53'],
      target: ['-j', 'DNAT', '--to-destination', `${EMBEDDED_DNS}:${port}`],
      tag,
    }),
    ruleAppend(container.ns, {
      table: 'nat',
      chain: 'POSTROUTING',
      match: ['-s', `${EMBEDDED_DNS}/32`, '-p', 'udp', '-m', 'udp', '--sport', port],
      target: ['-j', 'SNAT', '--to-source', ':53'],
      tag,
    }),
    fileWrite(
      resolvConfPath(container.ns),
      ['# Written by nslab like Docker does for user-defined networks: the embedded DNS.', `nameserver ${EMBEDDED_DNS}`, 'options ndots:0'],
      `write resolv.conf for ${container.name} (nameserver ${EMBEDDED_DNS})`,
    ),
  ];
}
