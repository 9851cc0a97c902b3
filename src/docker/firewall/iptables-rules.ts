import { cmd, type Cmd } from '../../exec/command.js';
import { chainNew, policySet, ruleAppend, ruleInsert, type Table } from '../../ops/iptables.js';
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
}

/** Splits a spec at its target (`-j X ...`), as the Rule type keeps them. */
function split(spec: readonly string[]): { match: string[]; target: string[] } {
  const j = spec.indexOf('-j');
  return j < 0 ? { match: [...spec], target: [] } : { match: spec.slice(0, j), target: spec.slice(j) };
}

export function iptablesWriter(p: FirewallPlacement): IptablesWriter {
  const rule = (table: Table, chain: string, spec: readonly string[]) => ({ table, chain, ...split(spec), tag: p.tag });
  return {
    append: (table, chain, ...spec) => ruleAppend(p.ns, rule(table, chain, spec)),
    insert: (table, chain, position, ...spec) => ruleInsert(p.ns, rule(table, chain, spec), position),
    chain: (table, name) => chainNew(p.ns, table, name),
    forwarding: () => [sysctlSet(p.ns, 'net.ipv4.ip_forward', '1'), policySet(p.ns, 'filter', 'FORWARD', 'DROP')],
    show: () => [cmd('iptables', ['-S'], p.ns), cmd('iptables', ['-t', 'nat', '-S'], p.ns), cmd('iptables', ['-t', 'raw', '-S'], p.ns)],
  };
}

/** `-p tcp -m tcp --dport 80`. */
export const dport = (protocol: PortBinding['protocol'], port: number): string[] => ['-p', protocol, '-m', protocol, '--dport', String(port)];

/** A host address as a DNAT match: nothing for "every address". */
export const hostAddress = (b: PortBinding): string[] => (b.hostIp === undefined || b.hostIp === '0.0.0.0' ? [] : ['-d', `${b.hostIp}/32`]);

export const isLoopback = (b: PortBinding): boolean => b.hostIp !== undefined && b.hostIp.startsWith('127.');
