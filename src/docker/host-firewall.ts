import { say } from '../text/say.js';
import { cmd, type Cmd } from '../exec/command.js';
import { nftChainAdd, nftRuleAdd, nftTableAdd, type NftTable } from '../ops/nft.js';
import { policySet, ruleAppend, ruleInsert, type Rule } from '../ops/iptables.js';
import { byAdmin, type Op } from '../ops/op.js';
import type { DockerHost } from './host.js';

// The rules the docker host's admin writes, beside dockerd's: a ufw-style INPUT filter, and
// the places Docker leaves for the admin's own forwarding rules. Docker documents those as
// DOCKER-USER (iptables: FORWARD jumps there before any Docker chain) and, with the nftables
// backend, a table of one's own: a drop in any base chain on the forward hook is final.

/** The admin's nftables table (nftables backend): its forward chain runs before Docker's. */
export const ADMIN_TABLE = 'host-firewall';

const filter = (chain: string, match: readonly string[], target: readonly string[]): Rule => ({ table: 'filter', chain, match, target });

/**
 * What `ufw default deny incoming; ufw allow ssh` leaves in INPUT: loopback and replies
 * accepted, ssh accepted, everything else dropped by the policy. It filters what is for the
 * host itself; a packet DNAT sends on to a container is forwarded and never passes INPUT.
 */
export function ufwStyleInput(h: DockerHost, allowTcp: readonly number[] = [22]): Op[] {
  return byAdmin([
    ruleAppend(h.host, filter('INPUT', ['-i', 'lo'], ['-j', 'ACCEPT'])),
    ruleAppend(h.host, filter('INPUT', ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'], ['-j', 'ACCEPT'])),
    ...allowTcp.map((port) => ruleAppend(h.host, filter('INPUT', ['-p', 'tcp', '-m', 'tcp', '--dport', String(port)], ['-j', 'ACCEPT']))),
    policySet(h.host, 'filter', 'INPUT', 'DROP'),
  ]);
}

/** One INPUT accept, above the policy: `iptables -I INPUT -i docker0 -p tcp --dport 8000 -j ACCEPT`. */
export const inputAccept = (h: DockerHost, match: readonly string[]): Op => ({ ...ruleInsert(h.host, filter('INPUT', match, ['-j', 'ACCEPT'])), admin: true });

/**
 * A forwarding rule of the admin's, where this Docker keeps it: `iptables -I DOCKER-USER ...`,
 * or with the nftables backend a rule in the admin's own table (`nft` words for `nft`).
 */
export interface AdminForwardRule {
  readonly iptables: { readonly match: readonly string[]; readonly target: 'ACCEPT' | 'DROP' };
  readonly nft: string;
}

export function adminForward(h: DockerHost, rules: readonly AdminForwardRule[]): Op[] {
  if (h.profile.firewall === 'nftables') {
    const t: NftTable = { ns: h.host, family: 'ip', table: ADMIN_TABLE };
    return byAdmin([
      nftTableAdd(t),
      // Priority -1, before filter (0): before Docker's filter-FORWARD, so an accept here is only a pass on.
      nftChainAdd(t, 'forward', 'type filter hook forward priority -1 ; policy accept ;'),
      ...rules.map((r) => nftRuleAdd(t, 'forward', r.nft)),
    ]);
  }
  // -I: 27 ends DOCKER-USER in a RETURN, and a rule appended after it would never be reached.
  return byAdmin([...rules].reverse().map((r) => ruleInsert(h.host, filter('DOCKER-USER', r.iptables.match, ['-j', r.iptables.target]))));
}

/** What the admin types to see their own forwarding rules. */
export function adminForwardShow(h: DockerHost): Cmd {
  return h.profile.firewall === 'nftables' ? cmd('nft', ['list', 'table', 'ip', ADMIN_TABLE], h.host) : cmd('iptables', ['-S', 'DOCKER-USER'], h.host);
}

/** Where this Docker wants the admin's forwarding rules, in a learner's words. */
export const adminPlace = (h: DockerHost): string =>
  h.profile.firewall === 'nftables' ? say`a table of one's own (nftables: \`table ip ${ADMIN_TABLE}\`, a forward base chain)` : say`the chain DOCKER-USER`;
