import type { Subnet } from '../model/ipam.js';
import { ruleTag } from '../model/names.js';
import { ruleAppend, ruleInsert, type Rule } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';
import { sysctlSet } from '../ops/sysctl.js';

/** dockerd turns routing on so the host forwards between docker0 and its uplink. */
export function enableForwarding(hostNs: string | undefined): Op {
  return sysctlSet(hostNs, 'net.ipv4.ip_forward', '1');
}

/** `POSTROUTING -s <subnet> ! -o <bridge> -j MASQUERADE`: containers leave with the host's address. */
export function masqueradeRule(lab: string, subnet: Subnet, bridge: string): Rule {
  return { table: 'nat', chain: 'POSTROUTING', match: ['-s', subnet.cidr, '!', '-o', bridge], target: ['-j', 'MASQUERADE'], tag: ruleTag(lab) };
}

export function masquerade(hostNs: string | undefined, lab: string, subnet: Subnet, bridge: string): Op {
  return ruleAppend(hostNs, masqueradeRule(lab, subnet, bridge));
}

/**
 * What dockerd adds to FORWARD so a DROP policy (Docker's own, on a real host) does not
 * silently break the bridge: traffic from it, and replies to it. Only needed where the
 * host's FORWARD chain is not the lab's own, i.e. in root-namespace mode.
 */
export function forwardAccept(hostNs: string | undefined, lab: string, bridge: string): Op[] {
  const rule = (match: string[]) => ruleInsert(hostNs, { table: 'filter', chain: 'FORWARD', match, target: ['-j', 'ACCEPT'], tag: ruleTag(lab) });
  return [rule(['-i', bridge]), rule(['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'])];
}
