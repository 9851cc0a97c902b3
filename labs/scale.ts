import { say } from '../src/text/say.js';
import { DOCKER0 } from '../src/model/defaults.js';
import { attachContainer, createBridgeNetwork, createContainerNamespace, type BridgeNetwork } from '../src/docker/bridge-network.js';
import { type Endpoint } from '../src/docker/cnm.js';
import { NslabError } from '../src/errors.js';
import { defineLab, type LabContext, type LabScene, type LabNode, type LabOptions } from '../src/plan/lab.js';
import { Ipam } from '../src/model/ipam.js';
import { MESH_DEFAULT_CONTAINERS } from '../src/model/lab-options.js';
import { nsName } from '../src/model/names.js';
import { linkUp, netnsAdd } from '../src/ops/ip.js';
import type { Op } from '../src/ops/op.js';
import type { Expectation } from '../src/plan/expectation.js';

export const MAX_CONTAINERS = 250;

/** The `containers` option, checked: 2..250 fit one bridge's /24 worth of neighbours and a sane mesh. */
export function containerCount(options: LabOptions): number {
  const raw = options.containers ?? MESH_DEFAULT_CONTAINERS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > MAX_CONTAINERS) {
    throw new NslabError(`--containers must be a whole number from 2 to ${MAX_CONTAINERS}, not ${JSON.stringify(raw)}`, {
      hint: say`e.g. \`nslab up scale --containers 50\``,
    });
  }
  return n;
}

/** Every container pings every other: N*(N-1) expectations, each judged on its own. */
export function fullMesh(endpoints: readonly Endpoint[]): Expectation[] {
  return endpoints.flatMap((from) =>
    endpoints
      .filter((to) => to !== from)
      .map((to): Expectation => ({ title: say`${from.container} -> ${to.container} (${to.address})`, probe: { kind: 'ping', from: from.container, to: to.address }, expect: 'reach' })),
  );
}

function build(ctx: LabContext): LabScene {
  const n = containerCount(ctx.options);
  const host = nsName(ctx.name, 'host');
  const net: BridgeNetwork = { name: 'bridge', bridge: DOCKER0.bridge, ipam: new Ipam(DOCKER0.subnet), hostNs: host };
  // `ip link ... master` rather than brctl even where bridge-utils is installed: iproute2
  // commands share one `ip -batch` process per namespace, brctl runs one process per port.
  const tools = { brctl: false };
  const nodes: Record<string, LabNode> = { host: { ns: host, role: 'host' } };
  const endpoints: Endpoint[] = [];
  const containerOps: Op[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `c${i}`;
    const ns = nsName(ctx.name, name);
    const { endpoint, ops } = attachContainer(net, { name, ns }, tools);
    nodes[name] = { ns, role: 'container' };
    endpoints.push(endpoint);
    containerOps.push(...createContainerNamespace(ns), ...ops);
  }
  const title = say`${n} containers on one docker0 bridge, full mesh`;
  return {
    title,
    nodes,
    steps: [
      {
        title: say`Create the docker host and its docker0 bridge`,
        why: say`One host namespace with the bridge ${DOCKER0.bridge} (${net.ipam.gateway} on ${DOCKER0.subnet}).`,
        docker: [say`dockerd (on start)`],
        ops: [netnsAdd(host), linkUp(host, 'lo'), ...createBridgeNetwork(net, tools)],
      },
      {
        title: say`Start ${n} containers`,
        why: say`Each container is a namespace with a veth pair to ${DOCKER0.bridge}, the next free address and a default\nroute. nslab runs these as one \`ip -batch\` for the namespaces, one for the host and one per container.`,
        docker: [`for i in $(seq ${n}); do docker run -d --name c$i busybox sleep infinity; done`],
        ops: containerOps,
      },
    ],
    expectations: fullMesh(endpoints),
  };
}

export const scaleLab = defineLab({
  id: 'scale',
  title: say`Many containers on one bridge, verified as a full mesh`,
  summary: say`N containers (--containers, up to 250) on one docker0 bridge; every pair pings (N*(N-1) probes)`,
  options: { containers: `how many containers (2 to ${MAX_CONTAINERS}, default ${MESH_DEFAULT_CONTAINERS})` },
  maxContainers: MAX_CONTAINERS,
  build,
});
