import { say } from '../text/say.js';
import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork } from '../docker/bridge-network.js';
import { Ipam } from '../model/ipam.js';
import { nsName } from '../model/names.js';
import { routeAdd } from '../ops/ip.js';
import { defaultRoute, endpoint, namespacesExist, reaches } from './diagnose.js';
import { dockerHostStart } from './docker-host.js';
import type { Exercise } from './types.js';

/** Exercise 5: `docker network connect net2 c1`: a second veth, a second address, one default route. */
export const connectExercise: Exercise = {
  id: '5',
  slug: 'connect',
  title: say`Connect a container to a second network`,
  task: (name) => say`nslab has built ${nsName(name, 'host')} with docker0 (172.17.0.1/16, c1 at 172.17.0.2 on eth0)
and a second network: bridge br-net2 (172.18.0.1/16) with ${nsName(name, 'c2')} at 172.18.0.2.
Do what \`docker network connect net2 c1\` does: a new veth whose host end is a port of br-net2,
eth1 in c1 with 172.18.0.3/16. Done when c1 reaches c2 and still reaches 172.17.0.1,
with its default route still via 172.17.0.1.`,
  start: (name, env) => {
    const host = nsName(name, 'host');
    const { net, ops } = dockerHostStart(name, env);
    const net2: BridgeNetwork = { name: 'net2', bridge: 'br-net2', ipam: new Ipam('172.18.0.0/16'), hostNs: host };
    const c2 = nsName(name, 'c2');
    return [
      {
        title: say`docker0 with c1, and network net2 with c2`,
        why: say`the starting point`,
        ops: [
          ...ops,
          routeAdd(nsName(name, 'c1'), { to: 'default', via: net.ipam.gateway }),
          ...createBridgeNetwork(net2, env),
          ...createContainerNamespace(c2),
          ...attachContainer(net2, { name: 'c2', ns: c2 }, env).ops,
        ],
      },
    ];
  },
  async check(ctx) {
    const exist = namespacesExist(ctx, ['host', 'c1', 'c2']);
    if (!exist.pass) return [exist];
    return [
      exist,
      ...endpoint(ctx, { node: 'c1', address: '172.18.0.3/16', towards: 'host', bridge: 'br-net2' }),
      defaultRoute(ctx, 'c1', '172.17.0.1'),
      await reaches(ctx, 'c1', '172.18.0.2', 'c2 (172.18.0.2)'),
      await reaches(ctx, 'c1', '172.17.0.1', 'the docker0 gateway (172.17.0.1)'),
    ];
  },
};
