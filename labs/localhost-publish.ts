import { say } from '../src/text/say.js';
import type { PortBinding } from '../src/docker/firewall/firewaller.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import { sysctlSet } from '../src/ops/sysctl.js';
import { ruleInsert } from '../src/ops/iptables.js';
import type { Op } from '../src/ops/op.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, dockerHostSteps, httpGet, lanNeighbour } from '../src/docker/host.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"-p 127.0.0.1:8080:80 is only on localhost", unless a LAN neighbour routes 127.0.0.1 to you`;
const PORT: PortBinding = { protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80 };

// moby/moby#45610 (GHSA-x84c-p2g9-rqv9): publishing on 127.0.0.1 is meant to keep a port to
// the host. But the DNAT rule for it sits in nat PREROUTING, and matches any packet whose
// destination is 127.0.0.1, whichever interface it came in by. A machine on the same link can
// send such packets (it needs only route_localnet and a route); before routing ever looks at
// the loopback address, DNAT has made it a packet for the container. Docker 28.0 drops these
// in raw PREROUTING (and its nftables backend: "DROP REMOTE LOOPBACK").
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const web = docker.run(engine, { name: 'web', image: 'nginx', publish: [PORT] });
  h.nodes.web = { ns: web.endpoint.ns, role: 'container' };
  const lan = lanNeighbour(ctx, h);
  const guarded = h.profile.docker !== '27';
  const url = `http://127.0.0.1:${PORT.hostPort}`;

  const local = httpGet(say`host -> ${url}: what the binding is for`, 'host', '127.0.0.1', PORT.hostPort, 'reach', 'hello from web');
  const viaLan = (expect: 'reach' | 'fail', why: string) => httpGet(say`neighbour -> ${url} through the host: ${why}`, lan.node, '127.0.0.1', PORT.hostPort, expect, expect === 'reach' ? `you are ${lan.address}` : undefined);
  const exposed = guarded ? viaLan('fail', say`Docker ${h.profile.docker} drops it in raw PREROUTING`) : viaLan('reach', say`open (moby#45610)`);
  const closed = viaLan('fail', say`dropped in raw PREROUTING`);
  const hostLan = httpGet(say`neighbour -> http://${lan.hostAddress}:${PORT.hostPort}: not published there`, lan.node, lan.hostAddress, PORT.hostPort, 'fail');
  // What Docker 28 adds per port, written by the admin for all of 127.0.0.0/8 at once.
  const dropRemoteLoopback: Op = { ...ruleInsert(h.host, { table: 'raw', chain: 'PREROUTING', match: ['-d', '127.0.0.0/8', '!', '-i', 'lo'], target: ['-j', 'DROP'] }), admin: true };

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      ...dockerHostSteps(h, 'localhost-publish'),
      {
        title: say`docker run -p 127.0.0.1:8080:80: a port for the host only`,
        why:
          say`The DNAT rule names the destination: \`-d 127.0.0.1/32 ... --dport ${PORT.hostPort} -j DNAT --to-destination ${web.endpoint.address}:${PORT.containerPort}\`.\nThe host's own connections to ${url} reach web (${h.profile.userlandProxy ? say`by docker-proxy, which listens on 127.0.0.1` : say`by nat OUTPUT and route_localnet`}).` +
          (guarded ? say`\nDocker ${h.profile.docker} also writes a raw PREROUTING DROP for 127.0.0.1:${PORT.hostPort} arriving on anything but lo.` : ''),
        docker: [web.line],
        ops: [...web.ops, daemonStart(web.endpoint.ns, ctx.stateDir, 'web-http', ['http-server', '0.0.0.0', String(PORT.containerPort), 'web'])],
        checks: [local],
        show: [cmd('iptables', ['-t', 'nat', '-S', 'DOCKER'], h.host), cmd('iptables', ['-t', 'raw', '-S', 'PREROUTING'], h.host)],
      },
      {
        title: say`A neighbour on the LAN sends to 127.0.0.1 through the host`,
        why:
          say`A machine on the host's LAN (${lan.address}, one link away on ${lan.hostAddress}) has no loopback routes of its own here\n(lo down) and net.ipv4.conf.eth0.route_localnet=1, so its default route takes 127.0.0.1 to the host. In the host the\npacket meets nat PREROUTING first: 127.0.0.1 is a local address, the DNAT matches, and it is now for ${web.endpoint.address}:${PORT.containerPort},\nforwarded like any other. ` +
          (guarded
            ? say`Under Docker ${h.profile.docker} it never gets there: raw PREROUTING, before NAT, drops it.`
            : say`Under Docker 27 it arrives, and web answers the neighbour: the "localhost only" port is on the LAN.`) +
          say`\nSee it: \`nslab trace ${ctx.name} neighbour 127.0.0.1 --port ${PORT.hostPort}\`.`,
        docker: [say`(a machine on the LAN: sysctl -w net.ipv4.conf.eth0.route_localnet=1, default route via the docker host)`],
        ops: [...lan.ops, sysctlSet(lan.ns, 'net.ipv4.conf.eth0.route_localnet', '1')],
        checks: [exposed, hostLan],
        diagnose: { from: lan.node, to: '127.0.0.1', port: PORT.hostPort },
      },
      {
        title: say`Fix: drop 127.0.0.0/8 from anywhere but lo, in raw PREROUTING`,
        why:
          say`What Docker 28.0 does for each port published on a loopback address, done once for the whole range: a packet for\n127.0.0.0/8 that did not come in by lo is dropped in the raw table, before NAT can rewrite it. (Under Docker 28 and\n29 it is already dropped; the rule then changes nothing. On 27, upgrading is the other fix.)`,
        docker: [say`(the admin: iptables -t raw -I PREROUTING -d 127.0.0.0/8 ! -i lo -j DROP)`],
        ops: [dropRemoteLoopback],
        checks: [closed, local],
        show: [cmd('iptables', ['-t', 'raw', '-S', 'PREROUTING'], h.host)],
      },
    ],
    expectations: [closed, local, hostLan],
    trace: { from: lan.node, to: '127.0.0.1', port: PORT.hostPort, look: say`the neighbour's packet for 127.0.0.1 arrives on the host's eth1 and goes no further: raw PREROUTING drops it before NAT` },
  };
}

export const localhostPublishLab = defineLab({
  id: 'localhost-publish',
  number: 14,
  title: TITLE,
  summary: say`a port published on 127.0.0.1 is reachable from a LAN neighbour that routes 127.0.0.1 to the host under Docker 27 (moby#45610); 28 drops it in raw PREROUTING`,
  article: say`moby/moby#45610: ports published on 127.0.0.1 are reachable from hosts on the same L2 segment`,
  versions: [
    { in: '27', what: say`no raw rule: the neighbour reaches the port; the fix is the admin's raw PREROUTING DROP (or an upgrade)` },
    { in: '28, 29', what: say`raw PREROUTING \`-d 127.0.0.1/32 ! -i lo -p tcp --dport 8080 -j DROP\` per port published on a loopback address` },
    { in: '29 nftables', what: say`the same drop in raw-PREROUTING, commented "DROP REMOTE LOOPBACK"` },
  ],
  breaksUnder: ['--docker', '27'],
  build,
});
