import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import type { PortBinding } from '../src/docker/firewall/firewaller.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, dockerHostSteps } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"My server logs 172.17.0.1 for every client": docker-proxy, DNAT and --userland-proxy=false`;
const PORT: PortBinding = { protocol: 'tcp', hostPort: 8080, containerPort: 80 };

// Which client address a server in a container sees depends on which path a connection took
// to it (moby#15086, #46026). DNAT rewrites only the destination: a client from outside is
// seen as itself. What NAT does not serve, docker-proxy does: a process on the host that
// accepts the connection and opens its own to the container, from the bridge's gateway.
// --userland-proxy=false replaces the proxy with NAT, which keeps more sources, not all.
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const gateway = h.net.ipam.gateway;
  const proxy = h.profile.userlandProxy;
  const web = docker.run(engine, { name: 'web', image: 'nginx', publish: [PORT] });
  const c2 = docker.run(engine, { name: 'c2', image: 'alpine', command: ['sleep', 'infinity'] });
  h.nodes.web = { ns: web.endpoint.ns, role: 'container' };
  h.nodes.c2 = { ns: c2.endpoint.ns, role: 'container' };
  const published = `${WAN.hostAddress}:${PORT.hostPort}`;

  const seen = (from: string, to: string, port: number, as: string, how: string): Expectation => ({
    title: say`${from} -> http://${to}:${port}: web sees ${as} (${how})`,
    probe: { kind: 'http', from, to, port, body: `you are ${as}` },
    expect: 'reach',
  });
  const fromWan = seen('wan', WAN.hostAddress, PORT.hostPort, WAN.wanAddress, say`DNAT keeps the source`);
  const fromLocalhost = seen('host', '127.0.0.1', PORT.hostPort, gateway, proxy ? say`docker-proxy connects from the gateway` : say`DNAT, then MASQUERADE of the host's own traffic`);
  const fromHostAddress = seen('host', WAN.hostAddress, PORT.hostPort, proxy ? WAN.hostAddress : gateway, proxy ? say`nat OUTPUT DNAT, the source the host picked` : say`MASQUERADE --src-type LOCAL`);
  const fromC2 = seen('c2', WAN.hostAddress, PORT.hostPort, proxy ? gateway : c2.endpoint.address, proxy ? say`docker-proxy: DNAT skips docker0's own traffic` : say`DNAT, bridged straight to web`);
  const direct = seen('c2', web.endpoint.address, PORT.containerPort, c2.endpoint.address, say`no NAT, no proxy`);

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      ...dockerHostSteps(h, 'source-ip'),
      {
        title: say`docker run -p 8080:80 web, whose server logs the client address`,
        why:
          say`web's server answers every request with the address it sees ("you are ..."), as an access log would record it.\nFrom the internet, ${published} is DNATed to ${web.endpoint.address}:${PORT.containerPort}: only the destination changes, and web sees the\nclient's own ${WAN.wanAddress}.`,
        docker: [web.line],
        ops: [...web.ops, daemonStart(web.endpoint.ns, ctx.stateDir, 'web-http', ['http-server', '0.0.0.0', String(PORT.containerPort), 'web'])],
        checks: [fromWan],
      },
      {
        title: say`The host and another container use the published port: ${proxy ? say`web sees 172.17.0.1` : say`NAT decides`}`,
        why:
          (proxy
            ? say`localhost is not DNATed (nat OUTPUT skips 127.0.0.0/8), and neither is c2's connection to ${published}: the DNAT\nrule excludes what comes from ${h.net.bridge}. Both reach docker-proxy, which listens on the host's ${PORT.hostPort} and connects to\nweb itself, from ${gateway}: the symptom, every such client logged as ${gateway}. The host's own connection to ${published}\nis DNATed in nat OUTPUT and keeps the address the host picked, ${WAN.hostAddress}.`
            : say`--userland-proxy=false: no docker-proxy. localhost and the host's own address are DNATed in nat OUTPUT and masqueraded\nonto ${h.net.bridge} (-m addrtype --src-type LOCAL), so web sees ${gateway}; c2's connection is DNATed and bridged straight to web, so\nweb sees c2's own ${c2.endpoint.address}.`) +
          say`\nSee it: \`nslab why ${ctx.name} c2 ${WAN.hostAddress} --port ${PORT.hostPort}\`.`,
        docker: [c2.line],
        ops: c2.ops,
        checks: [fromLocalhost, fromHostAddress, fromC2],
        diagnose: { from: 'c2', to: WAN.hostAddress, port: PORT.hostPort },
      },
      {
        title: say`Fix: containers talk to web directly; real clients come in by DNAT`,
        why:
          say`A container need not go through the host: on their network c2 reaches ${web.endpoint.address}:${PORT.containerPort} (by name, on a user-defined\nnetwork), and web sees c2. Clients from outside are already seen as themselves. Where the proxy still stands in the\nway, --userland-proxy=false (\`nslab lab source-ip --userland-proxy=false\`) leaves only the host's own connections masqueraded.`,
        docker: [`docker exec c2 wget -qO- http://${web.endpoint.address}:${PORT.containerPort}/`],
        ops: [],
        checks: [direct],
      },
    ],
    expectations: [fromWan, fromLocalhost, fromHostAddress, fromC2, direct],
    trace: { from: 'c2', to: WAN.hostAddress, port: PORT.hostPort, look: proxy ? say`c2's connection is not DNATed: it is delivered to the host, where docker-proxy takes it` : say`c2's connection is DNATed to ${web.endpoint.address}:${PORT.containerPort} and bridged back to web with its source intact` },
  };
}

export const sourceIpLab = defineLab({
  id: 'source-ip',
  number: 17,
  title: TITLE,
  summary: say`which client address a server in a container sees: the real one through DNAT, 172.17.0.1 through docker-proxy, and what --userland-proxy=false changes`,
  article: say`moby/moby#15086 and #46026: the container sees the docker0 gateway instead of the client IP`,
  versions: [
    { in: say`proxy on (default)`, what: say`localhost and other containers go through docker-proxy: web sees the gateway; the host's own public address is DNATed in nat OUTPUT` },
    { in: say`--userland-proxy=false`, what: say`NAT serves every path: the host's own connections are masqueraded to the gateway, other containers keep their address` },
    { in: '27, 28 vs 29', what: say`27 and 28 skip docker0's traffic with \`nat DOCKER -i docker0 -j RETURN\`; 29 by the DNAT rule's own \`! -i docker0\`` },
  ],
  build,
});
