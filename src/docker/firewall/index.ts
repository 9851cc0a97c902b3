import type { Profile } from '../profile.js';
import type { Firewaller, FirewallPlacement } from './firewaller.js';
import { iptables27 } from './iptables-27.js';
import { iptables28 } from './iptables-28.js';
import { iptables29 } from './iptables-29.js';
import { nftables29 } from './nftables-29.js';

/**
 * No rules at all: a docker host whose tables are not nslab's to fill (the machine's own root
 * namespace, where Docker's chains would outlive a lost journal). The lab writes its few
 * tagged rules itself.
 */
export const noFirewall: Firewaller = {
  name: 'none (root-namespace mode)',
  daemon: () => [],
  newNetwork: () => [],
  addEndpoint: () => [],
  addPorts: () => [],
  show: () => [],
};

/** The layout a profile writes its rules with: choosing a backend is choosing this, nothing else. */
export function firewallerFor(profile: Profile, placement: Omit<FirewallPlacement, 'userlandProxy'>): Firewaller {
  const p = { ...placement, userlandProxy: profile.userlandProxy };
  if (profile.firewall === 'nftables') return nftables29(p);
  return { '27': iptables27, '28': iptables28, '29': iptables29 }[profile.docker](p);
}
