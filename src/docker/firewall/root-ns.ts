import { ruleAppend, ruleInsert, tableAdopt, type Rule } from '../../ops/iptables.js';
import type { Op } from '../../ops/op.js';
import { sysctlSet } from '../../ops/sysctl.js';
import type { Firewaller, FirewallNetwork } from './firewaller.js';

// Root-namespace mode (a throwaway VM): the machine's own tables are not nslab's to fill.
// Docker's chains there would outlive a lost journal, so this layout writes the minimum a
// bridge needs to reach out and be answered: forwarding, MASQUERADE, and two FORWARD accepts
// (so a DROP policy, Docker's own on a real host, does not silently break the bridge), each
// tagged so `nslab clean` finds it without a journal. It notes first which tables it brings
// into existence, so teardown can take them back.

export function rootNsFirewaller(tag: string): Firewaller {
  const accept = (match: string[]) => ruleInsert(undefined, { table: 'filter', chain: 'FORWARD', match, target: ['-j', 'ACCEPT'], tag });
  return {
    name: `root-namespace mode (forwarding, MASQUERADE and FORWARD accepts, tagged ${tag})`,
    daemon: () => [enableForwarding(undefined), tableAdopt(undefined, 'nat'), tableAdopt(undefined, 'filter')],
    newNetwork: (net: FirewallNetwork) => [ruleAppend(undefined, masqueradeRule(tag, net.subnet, net.bridge)), accept(['-i', net.bridge]), accept(['-o', net.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'])],
    addEndpoint: () => [],
    addPorts: () => [],
    show: () => [],
  };
}

/** dockerd turns routing on so the host forwards between its bridges and its uplink. */
export function enableForwarding(hostNs: string | undefined): Op {
  return sysctlSet(hostNs, 'net.ipv4.ip_forward', '1');
}

/** `POSTROUTING -s <subnet> ! -o <bridge> -j MASQUERADE`: containers leave with the host's address. */
export function masqueradeRule(tag: string, subnet: string, bridge: string): Rule {
  return { table: 'nat', chain: 'POSTROUTING', match: ['-s', subnet, '!', '-o', bridge], target: ['-j', 'MASQUERADE'], tag };
}
