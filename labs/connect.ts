import { say } from '../src/text/say.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, firewallWhy, hostStep } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`Isolation between bridges, and docker network connect / disconnect`;

/** How the selected version keeps two bridges apart, in a sentence a learner can check with iptables -S. */
function isolationWhy(docker: string): string {
  return docker === '29'
    ? say`...and with ip_forward on it would. Docker 29 stops it without isolation chains: \`DOCKER ! -i br -o br -j DROP\`\nrefuses whatever enters a bridge from elsewhere unpublished, and raw PREROUTING drops packets for a container\nthat did not arrive by its own bridge. (Docker 28 and older used DOCKER-ISOLATION-STAGE-1/2: \`nslab versions connect\`.)`
    : say`...and with ip_forward on it would. Docker ${docker} stops it with DOCKER-ISOLATION-STAGE-1, which sends traffic\nthat enters by one bridge and leaves by another to DOCKER-ISOLATION-STAGE-2, which drops it if it leaves by a\nbridge.` +
        (docker === '28' ? say` Docker 28 also has the per-bridge DROP and raw DROPs that 29 keeps alone.` : '') +
        ' (Docker 29 removed both chains: `nslab versions connect`.)';
}

function build(ctx: LabContext): LabScene {
  // Two bridges on a host of their own: no uplink (its resolver is out of reach).
  const h = dockerHost(ctx, { uplink: false });
  const { host, engine } = h;
  const mine = docker.networkCreate(engine, { name: 'my_bridge' });
  const web = docker.run(engine, { name: 'web', image: 'nginx' });
  const db = docker.run(engine, { name: 'db', network: 'my_bridge', image: 'redis' });
  // `docker network connect`: a second endpoint, eth1; the default route stays on eth0.
  const joined = docker.connect(engine, { network: 'my_bridge', container: 'web' });
  const left = docker.disconnect(engine, { network: 'my_bridge', container: 'web' });

  const webToDb = (title: string, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'ping', from: 'web', to: db.endpoint.address }, expect });
  const isolated: Expectation[] = [
    webToDb(say`web -> db (${db.endpoint.address}): other bridge, isolated`, 'fail'),
    { title: say`db -> web (${web.endpoint.address}): other bridge, isolated`, probe: { kind: 'ping', from: 'db', to: web.endpoint.address }, expect: 'fail' },
  ];

  const steps: Step[] = [
    hostStep(h),
    {
      title: say`Create docker0 and my_bridge`,
      why: say`Two bridge networks on one host: the default docker0 (${h.net.ipam.subnet.cidr}) and a user-defined\n${mine.network.bridge} (${mine.network.ipam.subnet.cidr}, the next free pool). The host has an address on both, so it could route between them...`,
      docker: [say`dockerd (on start)`, mine.line],
      ops: [...h.start.bridge, ...mine.bridge],
    },
    {
      title: say`Turn on forwarding, and isolate the bridges`,
      why: say`${isolationWhy(h.profile.docker)}\n${firewallWhy(h, 'connect')}`,
      docker: [say`dockerd (on start)`, mine.line],
      ops: [...h.start.firewall, ...mine.firewall],
      show: h.engine.fw.show(),
    },
    {
      title: say`Start web on the default bridge`,
      why: say`web gets ${web.endpoint.address} on docker0 and, like every default-bridge container, no resolver.`,
      docker: [web.line],
      ops: web.ops,
    },
    {
      title: say`Start db on my_bridge`,
      why: say`db gets ${db.endpoint.address} on my_bridge, with the embedded DNS. web and db are on different bridges:\nthe isolation rules drop what the host would otherwise forward between them.`,
      docker: [db.line],
      ops: db.ops,
      checks: isolated,
    },
    {
      title: say`Connect web to my_bridge`,
      why:
        say`docker network connect gives web a second endpoint: a new veth whose container end is eth1, with the\nnext free address of my_bridge (${joined.endpoint.address}). web now sits on my_bridge itself, so it talks to db\nacross that bridge without any forwarding; its name is registered and it gets the embedded DNS.`,
      docker: [joined.line],
      ops: joined.ops,
      // web now has an address on my_bridge itself: db's address is one hop away on eth1.
      retires: [isolated[0]!],
      checks: [
        { title: say`web -> db by name (ping db, via eth1)`, probe: { kind: 'ping', from: 'web', to: 'db' }, expect: 'reach' },
        {
          title: say`db sees web as ${joined.endpoint.address} (eth1's address)`,
          probe: { kind: 'source', from: 'web', server: 'db', to: db.endpoint.address, port: 0, source: joined.endpoint.address },
          expect: 'reach',
        },
        { title: say`db resolves web to ${joined.endpoint.address}`, probe: { kind: 'dns', from: 'db', name: 'web', answer: joined.endpoint.address }, expect: 'reach' },
      ],
    },
    {
      title: say`Disconnect web from my_bridge`,
      why: say`docker network disconnect removes that endpoint: the veth (and with it eth1 and ${joined.endpoint.address}),\nits rules, web's name in my_bridge's DNS, and web's resolver. web is back to docker0 only, and isolated again.`,
      docker: [left.line],
      ops: left.ops,
    },
  ];
  const bridge = h.net;
  const dbNode = { ns: db.endpoint.ns };
  const webNode = { ns: web.endpoint.ns };

  const expectations: Expectation[] = [
    ...isolated,
    { title: say`db resolves web (disconnected)`, probe: { kind: 'dns', from: 'db', name: 'web' }, expect: 'fail' },
    { title: say`web -> gateway ${bridge.ipam.gateway} (still on docker0)`, probe: { kind: 'ping', from: 'web', to: bridge.ipam.gateway }, expect: 'reach' },
    { title: say`db -> gateway ${mine.network.ipam.gateway}`, probe: { kind: 'ping', from: 'db', to: mine.network.ipam.gateway }, expect: 'reach' },
  ];

  return {
    nodes: { host: { ns: host, role: 'host' }, web: { ns: webNode.ns, role: 'container' }, db: { ns: dbNode.ns, role: 'container' } },
    steps,
    expectations,
    dockerHost: engine,
    trace: { from: 'web', to: db.endpoint.address, look: say`web is back on docker0 only: its ping to db on my_bridge is dropped in the host, and the rule is named` },
  };
}

export const connectLab = defineLab({
  id: 'connect',
  number: 7,
  title: TITLE,
  summary: say`web on docker0 cannot reach db on my_bridge (isolation rules); connect adds eth1 and DNS; disconnect undoes it`,
  article:
    say`"Docker 네트워크 구성", 3. 컨테이너를 여러 Bridge와 연결하기: web (docker0) and db (my_bridge) cannot talk;\ndocker network connect my_bridge web gives web a second address, and db can ping web by name`,
  build,
});
