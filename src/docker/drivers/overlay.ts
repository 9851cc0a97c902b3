import { NslabError } from '../../errors.js';
import { linkDel, netnsDel } from '../../ops/ip.js';
import type { Network } from '../cnm.js';
import type { OverlayHost } from '../swarm.js';
import type { DriverHost, NetworkDriver } from './driver.js';
import { overlayJoin, overlaySandbox } from './overlay-links.js';

// The overlay driver (libnetwork/drivers/overlay) on one docker host of a swarm: the network's
// sandbox with br0 and vxlan0 (overlay-links.ts), a veth per container into br0, addresses
// from the cluster's one IPAM. Its endpoints give no default route: libnetwork joins such a
// container to docker_gwbridge for that (the Engine's default gateway).

export function overlayDriver(host: DriverHost): NetworkDriver {
  const swarm = () => {
    if (!host.swarm) throw new NslabError('an overlay network needs a swarm', { hint: 'docker swarm init first (the overlay lab builds two docker hosts in one)' });
    return host.swarm;
  };
  const side = (network: Network): OverlayHost => ({ ns: swarm().node.ns, sandboxNs: swarm().node.sandboxNs(network.name), underlay: swarm().node.underlay });
  const cluster = (network: Network) => swarm().cluster.network(network.name, network.asked.subnet);
  return {
    publishes: false,
    givesGateway: false,
    accept(name, opts) {
      const net = swarm().cluster.network(name, opts.subnet);
      return { driver: 'overlay', bridgeName: 'br0', ipam: net.ipam, id: net.id };
    },
    create: (network) => ({ bridge: overlaySandbox(cluster(network), side(network), host.tools), firewall: [] }),
    join(network, container) {
      const { endpoint, ops } = overlayJoin(cluster(network), side(network), container, host.tools);
      swarm().cluster.joined(endpoint);
      return { endpoint: { network: network.name, container: container.name, ns: container.ns, ifname: 'eth0', hostIf: endpoint.hostIf, address: endpoint.address, mac: endpoint.mac }, ops };
    },
    portSettings: () => [],
    endpointRules: () => [],
    leave(network, endpoint) {
      swarm().cluster.left(endpoint.container);
      return [linkDel(side(network).sandboxNs, endpoint.hostIf)];
    },
    // Its sandbox takes br0 and vxlan0 with it.
    delete: (network) => [netnsDel(side(network).sandboxNs)],
  };
}
