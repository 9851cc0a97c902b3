import { say } from '../src/text/say.js';
import { DOCKER0, WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, hostStep, internetStep } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`Network modes: host, none and container:<name>`;

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { host, wan } = h;
  const bridge = h.net;
  const app = docker.run(h.engine, { name: 'app', image: 'redis' });
  const appNs = app.endpoint.ns;
  // The three that make no endpoint of their own, as the engine runs them.
  const hostnet = docker.runShared(h.engine, { name: 'hostnet', network: 'host', image: 'nginx' });
  const sidecar = docker.runShared(h.engine, { name: 'sidecar', network: 'container:app', image: 'busybox', command: ['sleep', 'infinity'] });
  const isolated = docker.runShared(h.engine, { name: 'isolated', network: 'none', image: 'busybox', command: ['sleep', 'infinity'] });

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    {
      title: say`Create docker0`,
      why: say`The default bridge (${DOCKER0.subnet}) and dockerd's rules, for the one container here that uses bridge mode.`,
      docker: [say`dockerd (on start)`],
      ops: [...h.start.bridge, ...h.start.firewall],
    },
    {
      title: say`Start hostnet with --network host`,
      why:
        say`Host mode creates nothing: no namespace, no veth, no rules. The "container" is just a process in the\nhost's own namespace: it sees the host's interfaces (eth0 ${WAN.hostAddress}, docker0), binds its ports\non them directly, and -p is ignored. Here the process is whatever nslab runs in the host namespace.`,
      docker: [hostnet.line],
      ops: hostnet.ops,
      checks: [
        {
          title: say`wan -> hostnet's server on the host's address ${WAN.hostAddress} (no -p, no NAT)`,
          probe: { kind: 'source', from: 'wan', server: 'hostnet', to: WAN.hostAddress, port: 0, source: WAN.wanAddress },
          expect: 'reach',
        },
      ],
    },
    {
      title: say`Start app in bridge mode`,
      why: say`For comparison, an ordinary container: its own namespace, eth0 ${app.endpoint.address} on docker0, and its own lo.`,
      docker: [app.line],
      ops: app.ops,
    },
    {
      title: say`Start sidecar with --network container:app`,
      why:
        say`container:<name> joins another container's existing namespace: same interfaces, same addresses, same\nlocalhost. Nothing is created; sidecar is simply a second process in app's namespace, so a server app\nbinds on 127.0.0.1 is reachable from sidecar and from nowhere else.`,
      docker: [sidecar.line],
      ops: sidecar.ops,
    },
    {
      title: say`Start isolated with --network none`,
      why: say`None mode: a private namespace with only lo. No veth, no address but 127.0.0.1, no route: it reaches nothing.\n(Docker still writes its /etc/hosts and resolv.conf: the host's nameserver, which it cannot reach.)`,
      docker: [isolated.line],
      ops: isolated.ops,
    },
  ];

  const expectations: Expectation[] = [
    steps[3]!.checks![0]!,
    { title: say`hostnet -> wan ${WAN.wanAddress} (straight out of the host's eth0)`, probe: { kind: 'ping', from: 'hostnet', to: WAN.wanAddress }, expect: 'reach' },
    {
      title: say`sidecar -> app's server on 127.0.0.1 (shared localhost)`,
      probe: { kind: 'source', from: 'sidecar', server: 'app', to: '127.0.0.1', port: 0, source: '127.0.0.1' },
      expect: 'reach',
    },
    { title: say`hostnet -> app's server on 127.0.0.1 (another localhost)`, probe: { kind: 'tcp', from: 'hostnet', server: 'app', to: '127.0.0.1', port: 0 }, expect: 'fail' },
    { title: say`isolated -> 127.0.0.1 (lo works)`, probe: { kind: 'ping', from: 'isolated', to: '127.0.0.1' }, expect: 'reach' },
    { title: say`isolated -> gateway ${bridge.ipam.gateway}`, probe: { kind: 'ping', from: 'isolated', to: bridge.ipam.gateway }, expect: 'fail' },
    { title: say`isolated -> wan ${WAN.wanAddress}`, probe: { kind: 'ping', from: 'isolated', to: WAN.wanAddress }, expect: 'fail' },
  ];

  return {
    nodes: {
      host: { ns: host, role: 'host' },
      // Nodes that share a namespace: what a probe "from hostnet" or "from sidecar" runs in.
      hostnet: { ns: host, role: 'container' },
      wan: { ns: wan, role: 'wan' },
      app: { ns: appNs, role: 'container' },
      sidecar: { ns: appNs, role: 'container' },
      isolated: { ns: isolated.sandbox.ns, role: 'container' },
    },
    steps,
    expectations,
    dockerHost: h.engine,
  };
}

export const modesLab = defineLab({
  id: 'modes',
  number: 8,
  title: TITLE,
  summary: say`--network host sees the host's interfaces; none has only lo; container:app shares app's localhost`,
  article:
    say`"도커 네트워크 구조" and "Docker Netowrk", the Host and None networks: host shares the host's network as is\n(ifconfig shows the same), none cuts the container off; plus container:<name>, which shares another container's`,
  build,
});
