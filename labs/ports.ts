import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { dockerLine } from '../src/docker/commands.js';
import type { PortBinding } from '../src/docker/firewall/firewaller.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import type { Expectation } from '../src/plan/expectation.js';
import { bridgeStep, containerStep, dockerHost, firewallWhy, holds, hostStep, internetStep, ping } from '../src/docker/host.js';

const PORT: PortBinding = { protocol: 'tcp', hostPort: 8080, containerPort: 80 };

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  // One docker command in two steps: the container, then its published port.
  const run = dockerLine({ kind: 'run', name: 'web', image: 'nginx', publish: [PORT] });
  const { step: webStep, endpoint: web } = containerStep(h, 'web', () => ({ docker: [`${run}   # the container first, its port below`] }));
  const get = (title: string, from: string, to: string, port: number, expect: 'reach' | 'fail', body?: string): Expectation => ({
    title,
    probe: { kind: 'http', from, to, port, body },
    expect,
  });
  const published = `${WAN.hostAddress}:${PORT.hostPort}`;
  const proxy = h.profile.userlandProxy;
  // DNAT rewrites only the destination: the server sees the real client address.
  const fromWan = get(say`wan -> http://${published} (DNAT to ${web.address}:${PORT.containerPort})`, 'wan', WAN.hostAddress, PORT.hostPort, 'reach', `you are ${WAN.wanAddress}`);

  return {
    nodes: h.nodes,
    dockerHost: h.engine,
    steps: [
      hostStep(h),
      internetStep(h),
      bridgeStep(h),
      {
        title: say`dockerd's forwarding, NAT and filter rules`,
        why:
          say`Forwarding and MASQUERADE as in the egress lab, plus what dockerd sets up once: FORWARD policy\nDROP (new connections reach containers only through the filter chain DOCKER), replies and\ncontainer traffic allowed, and the nat chain DOCKER that packets to the host's own addresses jump to.\n` +
          firewallWhy(h, 'ports'),
        docker: [say`dockerd (on start)`],
        ops: h.start.firewall,
        show: h.engine.fw.show(),
      },
      webStep,
      {
        title: say`Run a web server in web on port 80`,
        why: say`A real HTTP server listens on port ${PORT.containerPort} inside web. The host can reach it at the container's\naddress, but the outside cannot: ${h.net.ipam.subnet.cidr} is private and the internet has no route to it.`,
        docker: [say`(the nginx process inside \`${dockerLine({ kind: 'run', name: 'web', image: 'nginx' })}\`)`],
        ops: [daemonStart(web.ns, ctx.stateDir, 'web-http', ['http-server', '0.0.0.0', String(PORT.containerPort), 'web'])],
        checks: [
          get(say`host -> http://${web.address}:${PORT.containerPort}`, 'host', web.address, PORT.containerPort, 'reach'),
          get(say`wan -> http://${published} (not published yet)`, 'wan', WAN.hostAddress, PORT.hostPort, 'fail'),
        ],
      },
      {
        title: say`Publish it: -p 8080:80`,
        why:
          say`-p ${PORT.hostPort}:${PORT.containerPort} adds a DNAT rule to the nat chain DOCKER: a TCP packet for port ${PORT.hostPort} of any\nhost address${proxy ? say`, not coming from docker0,` : ''} gets destination ${web.address}:${PORT.containerPort}. A filter rule lets it\nthrough FORWARD. Docker up to 27.x also adds a hairpin MASQUERADE whatever the proxy setting.\n` +
          (proxy
            ? say`The host's own connections take the nat OUTPUT jump, 127.0.0.0/8 excluded: localhost:${PORT.hostPort} is served by\ndocker-proxy, a process dockerd starts for the port (nslab runs its own, \`tcp-proxy\`), which connects to\nthe container from the gateway ${h.net.ipam.gateway}; so does a container's connection to the host's address.`
            : `--userland-proxy=false: no docker-proxy. NAT does it all: nat OUTPUT jumps for 127.0.0.1 too, route_localnet\non ${h.net.bridge} lets such packets out, \`-o ${h.net.bridge} --src-type LOCAL -j MASQUERADE\` gives them the gateway's address,\nand the hairpin MASQUERADE with the port's hairpin mode lets web reach itself through the host's address.`) +
          say`\n(Docker does all of this at \`docker run -p\`; the lab starts the container first to show each half.)`,
        docker: [run],
        ops: h.engine.publish(h.net, web, [PORT]),
        checks: [fromWan],
        show: [cmd('iptables', ['-t', 'nat', '-S', 'DOCKER'], h.host), cmd('iptables', ['-S', 'DOCKER'], h.host)],
      },
    ],
    trace: { from: 'wan', to: WAN.hostAddress, port: PORT.hostPort, look: say`a connection to ${published} from the wan, DNATed to ${web.address}:${PORT.containerPort} in the host` },
    expectations: [
      fromWan,
      get(say`host -> http://${published} (nat OUTPUT rule)`, 'host', WAN.hostAddress, PORT.hostPort, 'reach', 'hello from web'),
      get(say`wan -> http://${WAN.hostAddress}:${PORT.containerPort} (host port 80 is not published)`, 'wan', WAN.hostAddress, PORT.containerPort, 'fail'),
      get(say`wan -> http://${web.address}:${PORT.containerPort} (no route to the container)`, 'wan', web.address, PORT.containerPort, 'fail'),
      // The proxy connects from the bridge's gateway: the client's own address is lost
      // (moby#15086). Without it, MASQUERADE gives the same address.
      get(say`host -> http://127.0.0.1:${PORT.hostPort} (${proxy ? 'docker-proxy' : 'DNAT, route_localnet'}, seen as ${h.net.ipam.gateway})`, 'host', '127.0.0.1', PORT.hostPort, 'reach', `you are ${h.net.ipam.gateway}`),
      get(
        say`web -> http://${published}, its own port (${proxy ? 'docker-proxy' : 'hairpin NAT'}, seen as ${h.net.ipam.gateway})`,
        'web',
        WAN.hostAddress,
        PORT.hostPort,
        'reach',
        `you are ${h.net.ipam.gateway}`,
      ),
      ping(say`web -> internet server ${WAN.server} (despite FORWARD DROP)`, 'web', WAN.server),
      h.profile.firewall === 'nftables'
        ? holds(
            say`host: nat-prerouting-and-output has the DNAT rule for ${PORT.hostPort}`,
            'host',
            ['nft', 'list', 'chain', 'ip', 'docker-bridges', 'nat-prerouting-and-output'],
            `tcp dport ${PORT.hostPort} counter .*dnat to ${web.address}:${PORT.containerPort} comment "DNAT"`,
          )
        : holds(
            say`host: nat DOCKER has the DNAT rule for ${PORT.hostPort}`,
            'host',
            ['iptables', '-t', 'nat', '-S', 'DOCKER'],
            `--dport ${PORT.hostPort} .*-j DNAT --to-destination ${web.address}:${PORT.containerPort}$`,
          ),
    ],
  };
}

export const portsLab = defineLab({
  id: 'ports',
  number: 5,
  title: say`Publishing a port: docker run -p 8080:80`,
  summary: say`a real HTTP server in a container, reachable at the host's 198.51.100.2:8080 through DNAT (docker-proxy for localhost; --userland-proxy=false: hairpin NAT)`,
  article: say`"도커 네트워크 구조", the port section: \`docker run -p [HOST:PORT]:[CONTAINER PORT]\` connects a host port\nto a container port (and "Bridge 네트워크": reachable as [host IP]:port)`,
  build,
});
