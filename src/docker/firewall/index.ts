import { sysctlSet } from '../../ops/sysctl.js';
import type { Profile } from '../profile.js';
import type { Firewaller, FirewallPlacement } from './firewaller.js';
import { iptables27 } from './iptables-27.js';
import { iptables28 } from './iptables-28.js';
import { iptables29 } from './iptables-29.js';
import { nftables29 } from './nftables-29.js';

/** The layout a profile writes its rules with: choosing a backend is choosing this, nothing else. */
export function firewallerFor(profile: Profile, placement: Omit<FirewallPlacement, 'userlandProxy'>): Firewaller {
  const p = { ...placement, userlandProxy: profile.userlandProxy };
  const layout = profile.firewall === 'nftables' ? nftables29(p) : { '27': iptables27, '28': iptables28, '29': iptables29 }[profile.docker](p);
  if (profile.userlandProxy) return layout;
  // With the proxy off, bridged replies must pass conntrack (br_netfilter) for hairpin NAT.
  return { ...layout, daemon: () => [sysctlSet(placement.ns, 'net.bridge.bridge-nf-call-iptables', '1'), ...layout.daemon()] };
}
