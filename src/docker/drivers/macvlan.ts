import { NslabError } from '../../errors.js';
import { WAN } from '../../model/defaults.js';
import { linkDel } from '../../ops/ip.js';
import { attachMacvlan } from '../macvlan-network.js';
import { advertise } from './bridge.js';
import type { DriverHost, NetworkDriver } from './driver.js';

// The macvlan driver (libnetwork/drivers/macvlan): `network create` makes nothing; each
// endpoint is a macvlan child of the parent link, moved into the container. No bridge, no
// rules: the containers are neighbours on the parent's LAN.

export function macvlanDriver(host: DriverHost): NetworkDriver {
  return {
    givesGateway: true,
    publishes: false,
    /**
     * One macvlan network per parent (Docker refuses a second). Without a parent Docker makes a
     * dummy link (dm-<id>), which nslab does not: a dummy's module is not in every kernel, and
     * such a network reaches nothing but itself.
     */
    accept(_name, opts, existing) {
      const parent = opts.parent;
      if (parent === undefined) throw new NslabError('nslab builds macvlan networks on a parent link only', { hint: `give -o parent=${WAN.uplink} (the docker host's uplink, on ${WAN.subnet})` });
      const holder = [...existing].find((n) => n.macvlan?.parent === parent);
      if (holder) throw new NslabError(`network ${holder.name} is already using parent interface ${parent}`, { hint: `remove ${holder.name} first, or give another -o parent=` });
      return { driver: 'macvlan', macvlan: { parent, mode: opts.macvlanMode ?? 'bridge' }, bridgeName: parent };
    },
    create: () => ({ bridge: [], firewall: [] }),
    join: (network, container, how) => attachMacvlan({ ...network, ...network.macvlan! }, container, how),
    portSettings: (_network, endpoint) => advertise(host.profile, endpoint),
    endpointRules: () => [],
    // A macvlan child is only in the container.
    leave: (_network, endpoint) => [linkDel(endpoint.ns, endpoint.ifname)],
    delete: () => [],
  };
}
