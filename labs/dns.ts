import { say } from '../src/text/say.js';
import { DOCKER0, EMBEDDED_DNS, EXAMPLE_ZONE, WAN } from '../src/model/defaults.js';
import { recordsDir, resolverPort, resolverTcpPort } from '../src/docker/embedded-dns.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene, type LabNode } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, firewallWhy, hostStep, internetDnsStep, internetStep } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`A user-defined bridge with name resolution (embedded DNS)`;

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { host, engine } = h;
  const bridge = h.net;
  const mine = docker.networkCreate(engine, { name: 'my_bridge' });
  const c1 = docker.run(engine, { name: 'c1', image: 'busybox', command: ['sleep', 'infinity'] });
  const db = docker.run(engine, { name: 'db', network: 'my_bridge', aliases: ['database'], image: 'redis' });
  const web = docker.run(engine, { name: 'web', network: 'my_bridge', image: 'nginx' });
  const dbId = engine.sandboxes.get('db')!.id.slice(0, 12);

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    internetDnsStep(h),
    {
      title: say`Create the default bridge, docker0`,
      why: say`The default network ("bridge") every container joins unless told otherwise: docker0 on\n${DOCKER0.subnet}. Docker runs no DNS for it: containers there only know each other by address.\n${firewallWhy(h, 'dns')}`,
      docker: [say`dockerd (on start)`],
      ops: [...h.start.bridge, ...h.start.firewall],
    },
    {
      title: say`Create a user-defined network, my_bridge`,
      why: say`A user-defined network is another bridge, named br- plus the start of the network ID (${mine.network.bridge}),\non the next free pool, ${mine.network.ipam.subnet.cidr}. Unlike docker0 it comes with name resolution.`,
      docker: [mine.line],
      ops: mine.ops,
    },
    {
      title: say`Start c1 on the default bridge`,
      why: say`c1 gets ${c1.endpoint.address} on docker0, and no resolver: on the default bridge Docker copies the host's\nresolv.conf instead (nameserver ${WAN.dns}), so internet names work and other containers' names mean nothing to it.`,
      docker: [c1.line],
      ops: c1.ops,
    },
    {
      title: say`Start db on my_bridge`,
      why:
        say`db gets ${db.endpoint.address} on ${mine.network.bridge}, and its names are registered in my_bridge's records\n(${recordsDir(engine.dns, 'my_bridge')}/db): db, its alias database, and its short ID ${dbId}. Like dockerd, nslab runs a\nresolver for it on 127.0.0.11 (UDP ${resolverPort(db.endpoint.ns)}, TCP ${resolverTcpPort(db.endpoint.ns)}), DNATs port 53 there in db's own nat table\n(${h.profile.firewall === 'nftables' ? say`table ip docker-dns` : say`chains DOCKER_OUTPUT and DOCKER_POSTROUTING`}), and writes a resolv.conf naming 127.0.0.11.\nNames it does not know it forwards to the host's resolver, ${WAN.dns}, from db's own namespace.`,
      docker: [db.line],
      show: h.profile.firewall === 'nftables' ? [cmd('nft', ['list', 'table', 'ip', 'docker-dns'], db.endpoint.ns)] : [cmd('iptables', ['-t', 'nat', '-S'], db.endpoint.ns)],
      ops: db.ops,
    },
    {
      title: say`Start web on my_bridge`,
      why: say`web gets ${web.endpoint.address} and the same treatment. Both resolvers answer from my_bridge's records\nonly, so db and web find each other by name, and nobody else's.`,
      docker: [web.line],
      ops: web.ops,
      checks: [{ title: say`web resolves db`, probe: { kind: 'dns', from: 'web', name: 'db', answer: db.endpoint.address }, expect: 'reach' }],
    },
  ];

  const nodes: Record<string, LabNode> = { host: { ns: host, role: 'host' }, wan: { ns: h.wan, role: 'wan' } };
  for (const n of ['c1', 'db', 'web']) nodes[n] = { ns: nsName(ctx.name, n), role: 'container' };

  const expectations: Expectation[] = [
    { title: say`web resolves db to ${db.endpoint.address}`, probe: { kind: 'dns', from: 'web', name: 'db', answer: db.endpoint.address }, expect: 'reach' },
    { title: say`db resolves web to ${web.endpoint.address}`, probe: { kind: 'dns', from: 'db', name: 'web', answer: web.endpoint.address }, expect: 'reach' },
    { title: say`web -> db by name (ping db)`, probe: { kind: 'ping', from: 'web', to: 'db' }, expect: 'reach' },
    { title: say`web resolves db over TCP`, probe: { kind: 'dns', from: 'web', name: 'db', answer: db.endpoint.address, transport: 'tcp' }, expect: 'reach' },
    { title: say`web resolves db's alias, database`, probe: { kind: 'dns', from: 'web', name: 'database', answer: db.endpoint.address }, expect: 'reach' },
    { title: say`web resolves db's short ID, ${dbId}`, probe: { kind: 'dns', from: 'web', name: dbId, answer: db.endpoint.address }, expect: 'reach' },
    {
      title: say`web resolves ${EXAMPLE_ZONE.name} (forwarded to the host's resolver)`,
      probe: { kind: 'dns', from: 'web', name: EXAMPLE_ZONE.name, answer: EXAMPLE_ZONE.address },
      expect: 'reach',
    },
    { title: say`web -> ${EXAMPLE_ZONE.name} by name (ping)`, probe: { kind: 'ping', from: 'web', to: EXAMPLE_ZONE.name }, expect: 'reach' },
    {
      title: say`c1 resolves ${EXAMPLE_ZONE.name} (the host's resolv.conf)`,
      probe: { kind: 'dns', from: 'c1', name: EXAMPLE_ZONE.name, resolver: WAN.dns, answer: EXAMPLE_ZONE.address },
      expect: 'reach',
    },
    { title: say`web resolves c1 (not on my_bridge)`, probe: { kind: 'dns', from: 'web', name: 'c1' }, expect: 'fail' },
    { title: say`c1 resolves db (default bridge: no embedded DNS)`, probe: { kind: 'dns', from: 'c1', name: 'db', resolver: WAN.dns }, expect: 'fail' },
    { title: say`c1 -> gateway ${bridge.ipam.gateway} (by address it works)`, probe: { kind: 'ping', from: 'c1', to: bridge.ipam.gateway }, expect: 'reach' },
  ];

  const trace = { from: 'web', to: EMBEDDED_DNS, port: 53, udp: true, dns: 'db', look: say`web asks 127.0.0.11:53 for db; web's own nat table sends it to the resolver's port` };
  return { nodes, steps, expectations, trace, dockerHost: h.engine };
}

export const dnsLab = defineLab({
  id: 'dns',
  number: 6,
  title: TITLE,
  summary: say`my_bridge (br-<id>) with an embedded DNS on 127.0.0.11: db and web resolve each other; docker0 has no DNS`,
  article:
    say`"Docker 네트워크 구성", Default Bridge vs User-defined Bridge: the default bridge has no DNS (IP only),\na user-defined one (docker network create my_bridge) does; and chapter 4: on one network a container name works as a domain`,
  build,
});
