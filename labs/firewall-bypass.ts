import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import type { PortBinding } from '../src/docker/firewall/firewaller.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, dockerHostSteps, httpGet } from '../src/docker/host.js';
import { adminForward, adminForwardShow, adminPlace, ufwStyleInput } from '../src/docker/host-firewall.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"ufw is on, yet my container port is open to the internet": -p bypasses INPUT`;
const PORT: PortBinding = { protocol: 'tcp', hostPort: 8080, containerPort: 80 };
const SSH = 22;
/** A service of the host's own, which the host firewall does keep out. */
const HOST_WEB = 8081;

// The most reported Docker firewall surprise (moby#4737, docker/for-linux#690): the admin
// runs ufw, denies everything incoming but ssh, and `docker run -p 8080:80` is still open to
// the world. The firewall filters INPUT, what is for the host; DNAT in PREROUTING has already
// made the packet one for a container, so it is forwarded, and only FORWARD sees it.
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const web = docker.run(engine, { name: 'web', image: 'nginx', publish: [PORT] });
  h.nodes.web = { ns: web.endpoint.ns, role: 'container' };
  const published = `${WAN.hostAddress}:${PORT.hostPort}`;
  const nft = h.profile.firewall === 'nftables';

  const ssh: Expectation = { title: say`wan -> ssh on the host (${WAN.hostAddress}:${SSH}), which ufw allows`, probe: { kind: 'service', from: 'wan', to: WAN.hostAddress, port: SSH, answer: 'sshd' }, expect: 'reach' };
  const hostWeb = httpGet(say`wan -> the host's own web server ${WAN.hostAddress}:${HOST_WEB} (INPUT drops it)`, 'wan', WAN.hostAddress, HOST_WEB, 'fail');
  const bypass = httpGet(say`wan -> http://${published}: open, although INPUT drops all but ssh`, 'wan', WAN.hostAddress, PORT.hostPort, 'reach', `you are ${WAN.wanAddress}`);
  const closed = httpGet(say`wan -> http://${published}: dropped in ${nft ? 'the admin\'s forward chain' : 'DOCKER-USER'}`, 'wan', WAN.hostAddress, PORT.hostPort, 'fail');
  const local = httpGet(say`host -> http://127.0.0.1:${PORT.hostPort}: the host itself still uses it`, 'host', '127.0.0.1', PORT.hostPort, 'reach', 'hello from web');

  // Matching the port the client asked for (8080), not the container's (80): after DNAT the
  // packet says 80, and conntrack remembers the original.
  const dropPublished = {
    iptables: { match: ['-i', WAN.uplink, '-p', 'tcp', '-m', 'conntrack', '--ctorigdstport', String(PORT.hostPort)], target: 'DROP' as const },
    nft: `iifname "${WAN.uplink}" meta l4proto tcp ct original proto-dst ${PORT.hostPort} counter drop`,
  };

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      ...dockerHostSteps(h, 'firewall-bypass'),
      {
        title: say`The admin's firewall: ufw default deny incoming, ufw allow ssh`,
        why:
          say`The host runs an ssh server on ${SSH} and a web server of its own on ${HOST_WEB}. ufw writes INPUT rules: loopback and replies\naccepted, ssh accepted, policy DROP for the rest. From the internet, ssh answers and ${HOST_WEB} does not.`,
        docker: [say`(the admin: ufw default deny incoming && ufw allow ssh && ufw enable)`],
        ops: [
          daemonStart(h.host, ctx.stateDir, 'sshd', ['standin', 'sshd', `${SSH}/tcp`]),
          daemonStart(h.host, ctx.stateDir, 'host-web', ['http-server', '0.0.0.0', String(HOST_WEB), 'the docker host']),
          ...ufwStyleInput(h, [SSH]),
        ],
        checks: [ssh, hostWeb],
        show: [cmd('iptables', ['-S', 'INPUT'], h.host)],
      },
      {
        title: say`docker run -p 8080:80: and the port is open to the internet`,
        why:
          say`The symptom. A connection from the internet to ${published} reaches web although INPUT drops everything but\nssh. In nat PREROUTING, before any filter, Docker's DNAT rewrites the destination to ${web.endpoint.address}:${PORT.containerPort}; the\nrouting decision that follows forwards the packet to docker0, so it takes the FORWARD hook, where Docker's own\nrules accept it. INPUT, the only chain ufw wrote, is for packets addressed to the host, and this one no longer is.\nSee it: \`nslab why ${ctx.name} wan ${WAN.hostAddress} --port ${PORT.hostPort}\` and \`nslab trace ${ctx.name} wan ${WAN.hostAddress} --port ${PORT.hostPort}\`.`,
        docker: [web.line],
        ops: [...web.ops, daemonStart(web.endpoint.ns, ctx.stateDir, 'web-http', ['http-server', '0.0.0.0', String(PORT.containerPort), 'web'])],
        checks: [bypass, hostWeb],
        diagnose: { from: 'wan', to: WAN.hostAddress, port: PORT.hostPort },
      },
      {
        title: say`Fix: refuse it in ${adminPlace(h)}`,
        why:
          (nft
            ? say`With the nftables backend there is no DOCKER-USER: Docker's docs say to write one's own table. Its forward base\nchain runs at priority -1, before Docker's, and a drop in any base chain is final (an accept is not).\n`
            : say`FORWARD jumps to DOCKER-USER before any of Docker's chains, and Docker never writes into it: it is the admin's.\n`) +
          say`The rule matches conntrack's original destination port (${PORT.hostPort}): after DNAT the packet itself says ${PORT.containerPort}.\nReplies and web's own connections out are untouched (they do not come in by ${WAN.uplink}), and the host still reaches\nthe port on 127.0.0.1, which never crosses FORWARD.`,
        docker: [say`(the admin: ${nft ? `nft add rule ip host-firewall forward ${dropPublished.nft}` : `iptables -I DOCKER-USER ${dropPublished.iptables.match.join(' ')} -j DROP`})`],
        ops: adminForward(h, [dropPublished]),
        checks: [closed, local],
        show: [adminForwardShow(h)],
      },
    ],
    expectations: [
      closed,
      local,
      ssh,
      hostWeb,
      { title: say`web -> internet server ${WAN.server}: its own connections out still go`, probe: { kind: 'ping', from: 'web', to: WAN.server }, expect: 'reach' },
    ],
    trace: { from: 'wan', to: WAN.hostAddress, port: PORT.hostPort, look: say`the connection is DNATed to ${web.endpoint.address}:${PORT.containerPort}, then dropped in the host's FORWARD hook by the admin's rule` },
  };
}

export const firewallBypassLab = defineLab({
  id: 'firewall-bypass',
  number: 13,
  title: TITLE,
  summary: say`a ufw-style INPUT DROP does not stop -p 8080:80 (DNAT forwards it); the fix is DOCKER-USER, or a table of your own with nftables`,
  article: say`moby/moby#4737 and docker/for-linux#690: ports published with -p are reachable from outside despite ufw`,
  versions: [
    { in: '27', what: say`DOCKER-USER ends in \`-j RETURN\`: the admin's rule must be inserted (-I) above it` },
    { in: '28, 29', what: say`DOCKER-USER is left empty for the admin; FORWARD jumps there before DOCKER-FORWARD` },
    { in: '29 nftables', what: say`no DOCKER-USER: the fix is a table of the admin's own with a forward base chain, whose drop is final` },
  ],
  build,
});
