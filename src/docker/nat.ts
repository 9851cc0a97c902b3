import type { Subnet } from '../model/ipam.js';
import { ruleTag } from '../model/names.js';
import { ruleAppend } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';
import { sysctlSet } from '../ops/sysctl.js';

/** dockerd turns routing on so the host forwards between docker0 and its uplink. */
export function enableForwarding(hostNs: string | undefined): Op {
  return sysctlSet(hostNs, 'net.ipv4.ip_forward', '1');
}

/** `POSTROUTING -s <subnet> ! -o <bridge> -j MASQUERADE`: containers leave with the host's address. */
export function masquerade(hostNs: string | undefined, lab: string, subnet: Subnet, bridge: string): Op {
  return ruleAppend(hostNs, {
    table: 'nat',
    chain: 'POSTROUTING',
    match: ['-s', subnet.cidr, '!', '-o', bridge],
    target: ['-j', 'MASQUERADE'],
    tag: ruleTag(lab),
  });
}
