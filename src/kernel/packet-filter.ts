import type { CountedRule, Match, Ruleset } from './iptables-save.js';
import { chainPolicy, chainRules } from './iptables-save.js';
import { cidrContains } from '../model/cidr.js';

/** The first packet of a new flow, as netfilter sees it at one hook. */
export interface Packet {
  readonly src: string;
  readonly dst: string;
  readonly inIface?: string | undefined;
  readonly outIface?: string | undefined;
  readonly protocol: 'icmp' | 'tcp' | 'udp';
  readonly dport?: number | undefined;
  /** The destination port the client sent to, where DNAT has since changed it (conntrack's original). */
  readonly origDport?: number | undefined;
}

export interface Verdict {
  /** ACCEPT, DROP, REJECT, or a NAT target (MASQUERADE, DNAT, SNAT); undefined: no rule, no policy. */
  readonly target: string | undefined;
  /** The rule that decided; undefined when the chain policy did. */
  readonly rule: CountedRule | undefined;
}

const addressIn = (cidr: string, address: string) => cidrContains(cidr, address);
// ip6tables names ICMPv6 ipv6-icmp (or icmpv6): a ping is ICMP of the packet's family.
const ICMP6 = new Set(['ipv6-icmp', 'icmpv6']);
// iptables interface names end in '+' for a prefix match.
const ifaceIs = (pattern: string, iface: string | undefined) =>
  iface !== undefined && (pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern);

function test(m: Match | undefined, holds: () => boolean): boolean {
  return m === undefined || holds() !== m.negated;
}

/** Whether a rule's matches hold for the packet (matches nslab does not model are ignored). */
export function ruleMatches(r: CountedRule, p: Packet): boolean {
  return (
    test(r.source, () => addressIn(r.source!.value, p.src)) &&
    test(r.destination, () => addressIn(r.destination!.value, p.dst)) &&
    test(r.inIface, () => ifaceIs(r.inIface!.value, p.inIface)) &&
    test(r.outIface, () => ifaceIs(r.outIface!.value, p.outIface)) &&
    test(r.protocol, () => r.protocol!.value === p.protocol || r.protocol!.value === 'all' || (p.protocol === 'icmp' && ICMP6.has(r.protocol!.value))) &&
    (r.dport === undefined || String(p.dport) === r.dport) &&
    (r.ctorigdstport === undefined || String(p.origDport ?? p.dport) === r.ctorigdstport) &&
    // A first packet is NEW: rules for RELATED,ESTABLISHED traffic do not apply to it.
    (r.ctstate === undefined || r.ctstate.split(',').includes('NEW'))
  );
}

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'MASQUERADE', 'DNAT', 'SNAT', 'RETURN']);

/** Walks a chain the way netfilter does: first terminal match wins, user chains are followed. */
export function evaluate(set: Ruleset, table: string, chain: string, p: Packet, depth = 0): Verdict {
  if (depth < 16) {
    for (const r of chainRules(set, table, chain)) {
      if (!ruleMatches(r, p) || r.target === undefined) continue;
      if (TERMINAL.has(r.target)) {
        if (r.target === 'RETURN') break;
        return { target: r.target, rule: r };
      }
      if (set.chains.some((c) => c.table === table && c.name === r.target)) {
        const inner = evaluate(set, table, r.target, p, depth + 1);
        if (inner.target !== undefined) return inner;
      }
    }
  }
  return { target: depth === 0 ? chainPolicy(set, table, chain) : undefined, rule: undefined };
}
