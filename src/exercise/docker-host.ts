import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork } from '../docker/bridge-network.js';
import { DOCKER0 } from '../model/defaults.js';
import { connectInternet } from '../docker/internet.js';
import type { LabEnv } from '../plan/lab.js';
import { Ipam } from '../model/ipam.js';
import { nsName } from '../model/names.js';
import { linkUp, netnsAdd } from '../ops/ip.js';
import type { Op } from '../ops/op.js';

/**
 * The starting point the NAT exercises share: a docker host with docker0 and its uplink
 * to the sandbox internet, and container c1 plugged in (without a default route: the
 * exercises decide what the learner adds).
 */
export function dockerHostStart(name: string, env: LabEnv): { net: BridgeNetwork; ops: Op[] } {
  const host = nsName(name, 'host');
  const net: BridgeNetwork = { name: 'bridge', bridge: DOCKER0.bridge, ipam: new Ipam(DOCKER0.subnet), hostNs: host };
  const c1 = nsName(name, 'c1');
  const { ops: attach } = attachContainer(net, { name: 'c1', ns: c1 }, { brctl: env.brctl, defaultRoute: false });
  return {
    net,
    ops: [netnsAdd(host), linkUp(host, 'lo'), ...connectInternet(host, nsName(name, 'wan')), ...createBridgeNetwork(net, env), ...createContainerNamespace(c1), ...attach],
  };
}
