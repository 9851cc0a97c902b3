import { attachContainer, createBridgeNetwork } from '../src/docker/bridge-network.js';
import { DOCKER0 } from '../src/docker/defaults.js';
import { dnsRecord, dnsRecordRemove, embeddedResolver, resolverName } from '../src/docker/embedded-dns.js';
import { enableForwarding } from '../src/docker/nat.js';
import { ISOLATION_STAGE_1, ISOLATION_STAGE_2, isolateBridge, isolationChains } from '../src/docker/user-network.js';
import type { LabContext, LabDefinition, LabModel } from '../src/lab/definition.js';
import { nsName } from '../src/model/names.js';
import { linkDel } from '../src/ops/ip.js';
import { daemonStop } from '../src/ops/process.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/verify/expectation.js';
import { runContainer, twoBridgeHost } from './common.js';
import { hostStep } from './parts.js';

const TITLE = 'Isolation between bridges, and docker network connect / disconnect';

function build(ctx: LabContext): LabModel {
  const { h, host, tools, dns, bridge, mine } = twoBridgeHost(ctx);
  const webNode = { name: 'web', ns: nsName(ctx.name, 'web') };
  const dbNode = { name: 'db', ns: nsName(ctx.name, 'db') };

  const web = runContainer(bridge, webNode, tools);
  const db = runContainer(mine, dbNode, tools, dns);
  // `docker network connect`: a second endpoint, eth1; the default route stays on eth0.
  const joined = attachContainer(mine, webNode, { ...tools, ifname: 'eth1', defaultRoute: false });
  const pids = `${dns.stateDir}/pids`;

  const webToDb = (title: string, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'ping', from: 'web', to: db.endpoint.address }, expect });
  const isolated: Expectation[] = [
    webToDb(`web -> db (${db.endpoint.address}): other bridge, isolated`, 'fail'),
    { title: `db -> web (${web.endpoint.address}): other bridge, isolated`, probe: { kind: 'ping', from: 'db', to: web.endpoint.address }, expect: 'fail' },
  ];

  const steps: Step[] = [
    hostStep(h),
    {
      title: 'Create docker0 and my_bridge',
      why: `Two bridge networks on one host: the default docker0 (${DOCKER0.subnet}) and a user-defined\n${mine.bridge} (${mine.ipam.subnet.cidr}). The host has an address on both, so it could route between them...`,
      docker: ['dockerd (on start)', 'docker network create my_bridge'],
      ops: [...createBridgeNetwork(bridge, tools), ...createBridgeNetwork(mine, tools)],
    },
    {
      title: 'Turn on forwarding, and isolate the bridges',
      why:
        `...and with ip_forward on it would. Docker (up to 28.x) stops it in FORWARD: ${ISOLATION_STAGE_1}\n` +
        `sends traffic that enters by one bridge and leaves by another to ${ISOLATION_STAGE_2}, which drops\n` +
        'it if it leaves by a bridge. (29.x gets the same effect from per-bridge DROP rules in DOCKER and raw PREROUTING.)',
      docker: ['dockerd (on start)', 'docker network create my_bridge'],
      ops: [enableForwarding(host), ...isolationChains(host, ctx.name), ...isolateBridge(host, ctx.name, DOCKER0.bridge), ...isolateBridge(host, ctx.name, mine.bridge)],
    },
    {
      title: 'Start web on the default bridge',
      why: `web gets ${web.endpoint.address} on docker0 and, like every default-bridge container, no resolver.`,
      docker: ['docker run -d --name web nginx'],
      ops: web.ops,
    },
    {
      title: 'Start db on my_bridge',
      why: `db gets ${db.endpoint.address} on my_bridge, with the embedded DNS. web and db are on different bridges:\nthe isolation rules drop what the host would otherwise forward between them.`,
      docker: ['docker run -d --network my_bridge --name db redis'],
      ops: db.ops,
      checks: isolated,
    },
    {
      title: 'Connect web to my_bridge',
      why:
        `docker network connect gives web a second endpoint: a new veth whose container end is eth1, with the\n` +
        `next free address of my_bridge (${joined.endpoint.address}). web now sits on my_bridge itself, so it talks to db\n` +
        `across that bridge without any forwarding; its name is registered and it gets the embedded DNS.`,
      docker: ['docker network connect my_bridge web'],
      ops: [...joined.ops, dnsRecord(dns, mine.name, 'web', joined.endpoint.address), ...embeddedResolver(dns, webNode, [mine.name])],
      checks: [
        { title: 'web -> db by name (ping db, via eth1)', probe: { kind: 'ping', from: 'web', to: 'db' }, expect: 'reach' },
        {
          title: `db sees web as ${joined.endpoint.address} (eth1's address)`,
          probe: { kind: 'source', from: 'web', server: 'db', to: db.endpoint.address, port: 0, source: joined.endpoint.address },
          expect: 'reach',
        },
        { title: `db resolves web to ${joined.endpoint.address}`, probe: { kind: 'dns', from: 'db', name: 'web', answer: joined.endpoint.address }, expect: 'reach' },
      ],
    },
    {
      title: 'Disconnect web from my_bridge',
      why: `docker network disconnect removes that endpoint: the veth (and with it eth1 and ${joined.endpoint.address}),\nweb's name in my_bridge's DNS, and web's resolver. web is back to docker0 only, and isolated again.`,
      docker: ['docker network disconnect my_bridge web'],
      ops: [linkDel(host, joined.endpoint.hostIf), dnsRecordRemove(dns, mine.name, 'web'), daemonStop(pids, resolverName('web'))],
    },
  ];
  mine.ipam.release(joined.endpoint.address);

  const expectations: Expectation[] = [
    ...isolated,
    { title: 'db resolves web (disconnected)', probe: { kind: 'dns', from: 'db', name: 'web' }, expect: 'fail' },
    { title: `web -> gateway ${bridge.ipam.gateway} (still on docker0)`, probe: { kind: 'ping', from: 'web', to: bridge.ipam.gateway }, expect: 'reach' },
    { title: `db -> gateway ${mine.ipam.gateway}`, probe: { kind: 'ping', from: 'db', to: mine.ipam.gateway }, expect: 'reach' },
  ];

  return {
    id: 'connect',
    name: ctx.name,
    title: TITLE,
    nodes: { host: { ns: host, role: 'host' }, web: { ns: webNode.ns, role: 'container' }, db: { ns: dbNode.ns, role: 'container' } },
    steps,
    expectations,
  };
}

export const connectLab: LabDefinition = {
  id: 'connect',
  number: 7,
  title: TITLE,
  summary: 'web on docker0 cannot reach db on my_bridge (isolation rules); connect adds eth1 and DNS; disconnect undoes it',
  article:
    '"Docker 네트워크 구성", 3. 컨테이너를 여러 Bridge와 연결하기: web (docker0) and db (my_bridge) cannot talk;\ndocker network connect my_bridge web gives web a second address, and db can ping web by name',
  build,
};
