import { parseNsName, ruleTag, vethName } from '../model/names.js';
import { addrAdd, linkTag, linkUp, netnsAdd, routeAdd, vethAdd } from '../ops/ip.js';
import type { Op } from '../ops/op.js';
import { WAN, WAN6 } from '../model/defaults.js';

/**
 * "The internet" for a lab: a namespace joined to the docker host by an uplink veth, with
 * an "internet server" address on its loopback. It has no route back to container
 * subnets, as no real ISP would, and no route anywhere else: no packet leaves the machine.
 */
export function connectInternet(hostNs: string | undefined, wanNs: string, lab = parseNsName(wanNs)?.lab ?? wanNs): Op[] {
  // A root-namespace host already has an eth0 and a default route: its uplink gets a name of
  // its own and a tag, and only the internet server's address is routed to the wan.
  const uplink = hostNs === undefined ? uplinkName(lab) : WAN.uplink;
  return [
    netnsAdd(wanNs),
    linkUp(wanNs, 'lo'),
    vethAdd({ ns: hostNs, name: uplink, peerNs: wanNs, peerName: 'eth0' }),
    ...(hostNs === undefined ? [linkTag(hostNs, uplink, ruleTag(lab))] : []),
    addrAdd(hostNs, uplink, `${WAN.hostAddress}/${WAN.prefix}`),
    linkUp(hostNs, uplink),
    addrAdd(wanNs, 'eth0', `${WAN.wanAddress}/${WAN.prefix}`),
    linkUp(wanNs, 'eth0'),
    // /32: on lo a wider prefix would make the whole range local to the wan namespace.
    addrAdd(wanNs, 'lo', `${WAN.server}/32`),
    routeAdd(hostNs, hostNs === undefined ? { to: `${WAN.server}/32`, via: WAN.wanAddress } : { to: 'default', via: WAN.wanAddress }),
  ];
}

/** The uplink's name in a root-namespace lab: never eth0, which the machine has already. */
export function uplinkName(lab: string): string {
  return `wan-${vethName(lab, 'uplink').slice('veth'.length)}`;
}

/**
 * The sandbox internet's IPv6 side: the uplink's /64 on both ends, the internet server's
 * address on the wan's loopback, and the host's default route. No duplicate address detection
 * (nodad): both ends are nslab's, and an address still tentative would refuse the first probes.
 */
export function connectInternet6(hostNs: string | undefined, wanNs: string): Op[] {
  return [
    addrAdd(hostNs, WAN.uplink, `${WAN6.hostAddress}/${WAN6.prefix}`, { nodad: true }),
    addrAdd(wanNs, 'eth0', `${WAN6.wanAddress}/${WAN6.prefix}`, { nodad: true }),
    addrAdd(wanNs, 'lo', `${WAN6.server}/128`),
    routeAdd(hostNs, { to: 'default', via: WAN6.wanAddress, dev: WAN.uplink }),
  ];
}
