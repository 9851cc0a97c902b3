import { addrAdd, linkUp, netnsAdd, routeAdd, vethAdd } from '../ops/ip.js';
import type { Op } from '../ops/op.js';
import { WAN } from './defaults.js';

/**
 * "The internet" for a lab: a namespace joined to the docker host by an uplink veth, with
 * an "internet server" address on its loopback. It has no route back to container
 * subnets, as no real ISP would, and no route anywhere else: no packet leaves the machine.
 */
export function connectInternet(hostNs: string | undefined, wanNs: string): Op[] {
  return [
    netnsAdd(wanNs),
    linkUp(wanNs, 'lo'),
    vethAdd({ ns: hostNs, name: WAN.uplink, peerNs: wanNs, peerName: 'eth0' }),
    addrAdd(hostNs, WAN.uplink, `${WAN.hostAddress}/${WAN.prefix}`),
    linkUp(hostNs, WAN.uplink),
    addrAdd(wanNs, 'eth0', `${WAN.wanAddress}/${WAN.prefix}`),
    linkUp(wanNs, 'eth0'),
    // /32: on lo a wider prefix would make the whole range local to the wan namespace.
    addrAdd(wanNs, 'lo', `${WAN.server}/32`),
    routeAdd(hostNs, { to: 'default', via: WAN.wanAddress }),
  ];
}
