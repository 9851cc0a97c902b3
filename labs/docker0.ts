import { WAN } from '../src/model/defaults.js';
import { say } from '../src/text/say.js';
import type { Endpoint } from '../src/docker/cnm.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { DOCKER0 } from '../src/model/defaults.js';
import { assertRoomFor, validateContainerCount } from '../src/model/lab-options.js';
import { bridgeShow, bridgeStep, containerStep, dockerHost, firewallWhy, holds, hostStep, internetStep, ping } from '../src/docker/host.js';

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const count = validateContainerCount(ctx.options.containers ?? 2);
  assertRoomFor(h.net.ipam, count);
  const show = bridgeShow(h);
  const showArgv = [show.file, ...show.args];
  const br = h.net.bridge;
  const prefix = h.net.ipam.prefix;

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    bridgeStep(h, {
      checks: [holds(say`${br} is up with the gateway address`, 'host', ['ip', '-o', '-4', 'addr', 'show', 'dev', br], `inet ${h.net.ipam.gateway}/${prefix}`)],
      show: [show],
    }),
    {
      title: say`Turn on forwarding and MASQUERADE`,
      why: say`The host must route between ${br} and its uplink (ip_forward), and rewrite the private\nsource address of outgoing container traffic to its own (MASQUERADE) so replies find their way back.\n${firewallWhy(h, 'docker0')}`,
      docker: [say`dockerd (on start)`],
      ops: h.start.firewall,
      show: h.host === undefined ? [] : h.engine.fw.show(),
    },
  ];

  const endpoints: Endpoint[] = [];
  for (const name of Array.from({ length: count }, (_, i) => `c${i + 1}`)) {
    const { step, endpoint } = containerStep(h, name, (ep) => ({
      // The articles' `docker exec c1 ifconfig eth0` and `route`: a sequential address, the MAC
      // the selected Docker gives it (27: from the address; 28+: random), and the default route.
      checks: [
        holds(say`${name} eth0 has ${ep.address}/${prefix}`, name, ['ip', '-o', 'addr', 'show', 'dev', 'eth0'], `inet ${ep.address}/${prefix}`),
        holds(say`${name} eth0 has MAC ${ep.mac}`, name, ['ip', '-o', 'link', 'show', 'dev', 'eth0'], `link/ether ${ep.mac}`),
        holds(say`${name} routes default via ${h.net.ipam.gateway}`, name, ['ip', 'route', 'show'], `^default via ${h.net.ipam.gateway} dev eth0`),
        holds(say`${ep.hostIf} is a port of ${br}`, 'host', showArgv, `\\b${ep.hostIf}\\b`),
      ],
      show: [cmd('ip', ['addr', 'show', 'dev', 'eth0'], ep.ns), cmd('ip', ['route'], ep.ns), show],
    }));
    endpoints.push(endpoint);
    steps.push(step);
  }

  const [c1, c2] = endpoints as [Endpoint, Endpoint | undefined];
  if (c2 !== undefined) steps.push(macLearningStep(h.tools.brctl, h.host, br, c1, c2));

  const expectations: Expectation[] = [
    ping(say`c1 -> gateway ${h.net.ipam.gateway}`, 'c1', h.net.ipam.gateway),
    ...(c2 === undefined ? [] : [ping(say`c1 -> c2 (${c2.address})`, 'c1', c2.address), ping(say`c2 -> c1 (${c1.address})`, 'c2', c1.address)]),
    ping(say`c1 -> internet server ${WAN.server}`, 'c1', WAN.server),
    {
      title: say`wan sees c1 as ${WAN.hostAddress} (MASQUERADE)`,
      probe: { kind: 'source', from: 'c1', server: 'wan', to: WAN.server, port: 0, source: WAN.hostAddress },
      expect: 'reach',
    },
    ping(say`wan -> c1 (${c1.address})`, 'wan', c1.address, 'fail'),
  ];

  return { nodes: h.nodes, steps, expectations, dockerHost: h.engine };
}

/**
 * A bridge learns which port each MAC is behind from the frames it forwards. (IPv6
 * neighbour discovery on the new links may have taught it already; a ping refreshes it.)
 */
function macLearningStep(brctl: boolean, host: string | undefined, br: string, c1: Endpoint, c2: Endpoint): Step {
  const macTable = brctl ? ['brctl', 'showmacs', br] : ['bridge', 'fdb', 'show', 'br', br];
  const learned = (ep: Endpoint) => (brctl ? `^\\s*\\d+\\s+${ep.mac}\\s+no\\b` : `^${ep.mac} dev ${ep.hostIf} master ${br}`);
  return {
    title: say`Watch ${br} learn MAC addresses`,
    why: say`c1 pings c2. ${br} is a switch: it learns which port each source MAC arrived on\n(\`brctl showmacs ${br}\`, "is local? no") and from then on forwards frames only to that port.`,
    docker: [`docker exec c1 ping -c 1 ${c2.address}`],
    ops: [],
    checks: [
      ping(say`c1 -> c2 (${c2.address})`, 'c1', c2.address),
      holds(say`${br} learned c1's MAC ${c1.mac}`, 'host', macTable, learned(c1), { from: 'c1', to: c2.address }),
      holds(say`${br} learned c2's MAC ${c2.mac}`, 'host', macTable, learned(c2), { from: 'c1', to: c2.address }),
    ],
    show: [cmd(macTable[0]!, macTable.slice(1), host)],
  };
}

export const docker0Lab = defineLab({
  id: 'docker0',
  number: 3,
  title: say`Docker's default bridge, docker0, by hand`,
  summary: say`docker0 bridge, two containers on veth pairs, ip_forward + MASQUERADE to a sandbox internet`,
  options: {
    subnet: `container subnet (default ${DOCKER0.subnet})`,
    containers: 'how many containers (default 2)',
    bridge: `bridge name (default ${DOCKER0.bridge})`,
    rootNs: 'build in the root namespace (a throwaway VM only)',
  },
  article: say`"Docker network 구조" (the docker.drawio picture: docker0 172.17.0.1 with containers 172.17.0.2 and\n172.17.0.3 on veth pairs) and "도커 네트워크 구조" (host eth0, veth, docker0)`,
  build,
});
