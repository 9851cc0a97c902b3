import { cmd, type Cmd } from '../../exec/command.js';
import { chainNew, iptablesProgram, policySet, ruleAppend, ruleInsert, type Family, type Table } from '../../ops/iptables.js';
import type { Op } from '../../ops/op.js';
import { sysctlSet } from '../../ops/sysctl.js';
import type { FirewallPlacement, PortBinding } from './firewaller.js';

// The vocabulary the iptables layouts are written in: a rule is its table, chain and
// arguments, in the order iptables-save prints them, so a layout reads like Docker's listing.

export interface IptablesWriter {
  /** `-A`: at the end of the chain. */
  append(table: Table, chain: string, ...spec: string[]): Op;
  /** `-I`: at the head of the chain, or at `position`. */
  insert(table: Table, chain: string, position: number | undefined, ...spec: string[]): Op;
  chain(table: Table, name: string): Op;
  /** ip_forward on, and (as dockerd does when it had to turn it on) FORWARD policy DROP. */
  forwarding(): Op[];
  show(): Cmd[];
  readonly family: Family;
  /** One address as a match: 172.18.0.2/32, fd00::2/128. */
  host(address: string): string;
  /** What nat OUTPUT leaves to docker-proxy: 127.0.0.0/8, ::1/128. */
  readonly loopback: string;
  /** A DNAT target: 172.18.0.2:80, [fd00::2]:80. */
  to(address: string, port: number): string;
  /** ICMP's protocol name for this family. */
  readonly icmp: string;
}

/** Splits a spec at its target (`-j X ...`), as the Rule type keeps them. */
function split(spec: readonly string[]): { match: string[]; target: string[] } {
  const j = spec.indexOf('-j');
  return j < 0 ? { match: [...spec], target: [] } : { match: spec.slice(0, j), target: spec.slice(j) };
}

export function iptablesWriter(p: FirewallPlacement): IptablesWriter {
  const family = p.family ?? 4;
  const rule = (table: Table, chain: string, spec: readonly string[]) => ({ table, chain, ...split(spec), tag: p.tag, ...(family === 6 ? { family } : {}) });
  const program = iptablesProgram(family);
  const v6 = family === 6;
  return {
    append: (table, chain, ...spec) => ruleAppend(p.ns, rule(table, chain, spec)),
    insert: (table, chain, position, ...spec) => ruleInsert(p.ns, rule(table, chain, spec), position),
    chain: (table, name) => chainNew(p.ns, table, name, family),
    // setupIPv6Forwarding: default.forwarding, then all.forwarding, then the DROP policy.
    forwarding: () => [
      ...(v6 ? ['net.ipv6.conf.default.forwarding', 'net.ipv6.conf.all.forwarding'] : ['net.ipv4.ip_forward']).map((key) => sysctlSet(p.ns, key, '1')),
      policySet(p.ns, 'filter', 'FORWARD', 'DROP', family),
    ],
    show: () => [cmd(program, ['-S'], p.ns), cmd(program, ['-t', 'nat', '-S'], p.ns), cmd(program, ['-t', 'raw', '-S'], p.ns)],
    family,
    host: (address) => `${address}/${v6 ? 128 : 32}`,
    loopback: v6 ? '::1/128' : '127.0.0.0/8',
    to: (address, port) => (v6 ? `[${address}]:${port}` : `${address}:${port}`),
    icmp: v6 ? 'ipv6-icmp' : 'icmp',
  };
}

/** `-p tcp -m tcp --dport 80`. */
export const dport = (protocol: PortBinding['protocol'], port: number): string[] => ['-p', protocol, '-m', protocol, '--dport', String(port)];

/** A host address as a DNAT match: nothing for "every address". */
export const hostAddress = (b: PortBinding, w: Pick<IptablesWriter, 'host'>): string[] => (b.hostIp === undefined || b.hostIp === '0.0.0.0' || b.hostIp === '::' ? [] : ['-d', w.host(b.hostIp)]);

export const isLoopback = (b: PortBinding): boolean => b.hostIp !== undefined && b.hostIp.startsWith('127.');
