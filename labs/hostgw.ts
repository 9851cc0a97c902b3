import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { bridgeStep, dockerdStep, dockerHost, hostStep, internetStep } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`host.docker.internal, --internal networks and enable_icc=false`;
const HOST_SERVICE = 8000;

// The first chapter reaches a service on the docker host as host.docker.internal. Then two
// network options that take reach away: --internal (no way out of the subnet) and
// com.docker.network.bridge.enable_icc=false (containers on one bridge kept apart).
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const gateway = h.net.ipam.gateway;
  const app = docker.run(engine, { name: 'app', addHosts: [{ name: 'host.docker.internal', address: 'host-gateway' }], image: 'alpine', command: ['sleep', 'infinity'] });
  const backend = docker.networkCreate(engine, { name: 'backend', internal: true });
  const db = docker.run(engine, { name: 'db', network: 'backend', image: 'redis' });
  const worker = docker.run(engine, { name: 'worker', network: 'backend', image: 'alpine', command: ['sleep', 'infinity'] });
  const locked = docker.networkCreate(engine, { name: 'locked', icc: false });
  const c1 = docker.run(engine, { name: 'c1', network: 'locked', image: 'alpine', command: ['sleep', 'infinity'] });
  const c2 = docker.run(engine, { name: 'c2', network: 'locked', image: 'alpine', command: ['sleep', 'infinity'] });
  for (const n of ['app', 'db', 'worker', 'c1', 'c2']) h.nodes[n] = { ns: engine.sandboxes.get(n)!.ns, role: 'container' };

  const http = (title: string, from: string, to: string, port: number, expect: 'reach' | 'fail', body?: string): Expectation => ({ title, probe: { kind: 'http', from, to, port, body }, expect });
  const ping = (title: string, from: string, to: string, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'ping', from, to }, expect });

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    bridgeStep(h),
    dockerdStep(h, 'hostgw'),
    {
      title: say`A service on the docker host, port ${HOST_SERVICE}`,
      why: say`A web server runs on the docker host itself, listening on every address (0.0.0.0:${HOST_SERVICE}), as a host service must\nto be reached from containers: they arrive on docker0's side, at ${gateway}.`,
      docker: [say`(a process on the docker host: python3 -m http.server ${HOST_SERVICE})`],
      ops: [daemonStart(h.host, ctx.stateDir, 'host-service', ['http-server', '0.0.0.0', String(HOST_SERVICE), 'the docker host'])],
    },
    {
      title: say`Start app with --add-host host.docker.internal:host-gateway`,
      why:
        say`host-gateway means the daemon's host-gateway-ip, by default the default bridge's gateway, ${gateway}: dockerd writes\n"${gateway} host.docker.internal" into app's /etc/hosts. (Docker Desktop adds the name by itself; Docker Engine on\nLinux only when asked.)`,
      docker: [app.line],
      ops: app.ops,
      checks: [http(say`app -> http://host.docker.internal:${HOST_SERVICE}`, 'app', 'host.docker.internal', HOST_SERVICE, 'reach', 'hello from the docker host')],
      show: [cmd('cat', ['/etc/hosts'], app.endpoint.ns)],
    },
    {
      title: say`An --internal network, backend, with db and worker`,
      why:
        say`--internal cuts the subnet (${backend.network.ipam.subnet.cidr}) off: its containers get no default route, no MASQUERADE is written, and\nthe firewall drops whatever would enter or leave it (${h.profile.docker === '29' && h.profile.firewall === 'iptables' ? 'chain DOCKER-INTERNAL' : h.profile.firewall === 'nftables' ? 'INTERNAL NETWORK INGRESS/EGRESS rules' : 'DOCKER-ISOLATION-STAGE-1'}). Inside it, db and worker still talk.`,
      docker: [backend.line, db.line, worker.line],
      ops: [...backend.ops, ...db.ops, ...worker.ops],
    },
    {
      title: say`A network with enable_icc=false, locked, with c1 and c2`,
      why:
        say`com.docker.network.bridge.enable_icc=false: containers on the bridge may go out, not to each other. The bridge's\nown traffic reaches the firewall through br_netfilter (bridge-nf-call-iptables), where a DROP waits for it.`,
      docker: [locked.line, c1.line, c2.line],
      ops: [...locked.ops, ...c1.ops, ...c2.ops],
    },
  ];

  const expectations: Expectation[] = [
    http(say`app -> http://host.docker.internal:${HOST_SERVICE} (the host, at ${gateway})`, 'app', 'host.docker.internal', HOST_SERVICE, 'reach', `you are ${app.endpoint.address}`),
    ping(say`app -> internet server ${WAN.server}`, 'app', WAN.server, 'reach'),
    ping(say`worker -> db (${db.endpoint.address}), inside backend`, 'worker', db.endpoint.address, 'reach'),
    ping(say`db -> internet server ${WAN.server} (--internal: no way out)`, 'db', WAN.server, 'fail'),
    ping(say`app -> db (${db.endpoint.address}) (--internal: no way in)`, 'app', db.endpoint.address, 'fail'),
    ping(say`c1 -> c2 (${c2.endpoint.address}) (enable_icc=false)`, 'c1', c2.endpoint.address, 'fail'),
    ping(say`c1 -> internet server ${WAN.server} (still goes out)`, 'c1', WAN.server, 'reach'),
  ];

  return { nodes: h.nodes, steps, expectations, dockerHost: h.engine };
}

export const hostgwLab = defineLab({
  id: 'hostgw',
  number: 12,
  title: TITLE,
  summary: say`a container reaches a server on the docker host as host.docker.internal; --internal and enable_icc=false take reach away`,
  article: say`"Docker Netowrk" (the first chapter): a container reaching a service on its host by host.docker.internal`,
  build,
});
