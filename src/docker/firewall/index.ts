import { sysctlSet } from '../../ops/sysctl.js';
import type { Profile } from '../profile.js';
import type { Firewaller, FirewallPlacement } from './firewaller.js';
import { Ip6Firewall } from './ip6-firewall.js';
export type { Ip6Firewall };
import { rootNsFirewaller } from './root-ns.js';
import { noIpv6InRootNs } from '../refusals.js';
import { ruleTag } from '../../model/names.js';
import type { EngineSpec } from '../cnm.js';
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
  return { ...layout, daemon: () => [sysctlSet(placement.ns, `net.bridge.bridge-nf-call-${p.family === 6 ? 'ip6tables' : 'iptables'}`, '1'), ...layout.daemon()] };
}

/** A docker host's firewall: its IPv4 layout, and the ip6tables half made when a network first wants it. */
export function hostFirewall(spec: Pick<EngineSpec, 'firewall' | 'lab' | 'profile' | 'hostNs' | 'tag'>): { fw: Firewaller; ip6: Ip6Firewall } {
  const place = { ns: spec.hostNs, tag: spec.tag };
  if (spec.firewall === 'root-ns') return { fw: rootNsFirewaller(ruleTag(spec.lab)), ip6: new Ip6Firewall(noIpv6InRootNs) };
  return { fw: firewallerFor(spec.profile, place), ip6: new Ip6Firewall(() => firewallerFor(spec.profile, { ...place, family: 6 })) };
}
