import { advertiseAddress, bridgePortHairpin, linkDel } from '../../ops/ip.js';
import type { Endpoint } from '../cnm.js';
import type { Profile } from '../profile.js';
import type { Op } from '../../ops/op.js';
import { sysctlSet } from '../../ops/sysctl.js';
import { attachContainer, createBridgeNetwork } from '../bridge-network.js';
import type { Network } from '../cnm.js';
import { removal, type Firewaller, type FirewallNetwork } from '../firewall/firewaller.js';
import type { DriverHost, NetworkDriver } from './driver.js';
import { refuseGatewayMode } from '../refusals.js';

// The bridge driver (libnetwork/drivers/bridge): a Linux bridge per network on the docker
// host, a veth per endpoint, and the firewall's rules for both.

export function bridgeDriver(host: DriverHost): NetworkDriver {
  const { hostNs, tools, profile, fw } = host;
  // A network's IPv4 rules, then (with --ipv6) the same layout's in ip6tables.
  const rules = (network: Network, v4: () => Op[], v6: (fw6: Firewaller, net6: FirewallNetwork) => Op[]): Op[] => [...v4(), ...(network.firewall6 ? v6(host.ip6.fw, network.firewall6) : [])];
  const networkRules = (network: Network) => rules(network, () => fw.newNetwork(network.firewall), (fw6, net6) => fw6.newNetwork(net6));
  /**
   * Without the proxy, the host's connections to 127.0.0.1:<published> are DNATed to the
   * container and must be routable out of the bridge (setupLoopbackAddressesRouting).
   */
  const localnet = (network: Network): Op[] => (profile.userlandProxy ? [] : [sysctlSet(hostNs, `net.ipv4.conf.${network.bridge}.route_localnet`, '1')]);
  return {
    givesGateway: true,
    publishes: true,
    accept: (_name, opts) => {
      refuseGatewayMode(profile, opts);
      return { driver: 'bridge' };
    },
    create: (network) => ({ bridge: [...createBridgeNetwork(network, tools), ...localnet(network)], firewall: [...host.ip6.skeletonFor(network), ...networkRules(network)] }),
    join: (network, container, how) => attachContainer(network, container, { ...tools, ...how }),
    // setHairpinMode: only without the proxy does a container reach itself by the bridge.
    portSettings: (_network, endpoint) => [...advertise(profile, endpoint), ...(profile.userlandProxy ? [] : [bridgePortHairpin(hostNs, endpoint.hostIf)])],
    endpointRules: (network, endpoint) =>
      rules(
        network,
        () => fw.addEndpoint(network.firewall, endpoint),
        (fw6, net6) => (endpoint.address6 ? fw6.addEndpoint(net6, { address: endpoint.address6 }) : []),
      ),
    // A veth goes by its host end, taking the container's ethN with it.
    leave: (_network, endpoint) => [linkDel(hostNs, endpoint.hostIf)],
    delete: (network) => [...removal(networkRules(network)), linkDel(hostNs, network.bridge)],
  };
}

/** Since 28 a reused address comes with a new MAC: the endpoint tells its neighbours (advertiseAddrs). */
export function advertise(profile: Profile, endpoint: Endpoint): Op[] {
  return profile.endpointMac === 'random' ? [advertiseAddress(endpoint.ns, endpoint.ifname, endpoint.address)] : [];
}
