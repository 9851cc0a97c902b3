import { say } from '../src/text/say.js';
import { WAN, WAN6 } from '../src/model/defaults.js';
import type { PortBinding } from '../src/docker/firewall/firewaller.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import { routeAdd } from '../src/ops/ip.js';
import type { Expectation } from '../src/plan/expectation.js';
import type { Step } from '../src/plan/plan.js';
import { dockerHost, dockerHostSteps, holds, httpGet, ping } from '../src/docker/host.js';
import { connectInternet6 } from '../src/docker/internet.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"My containers have IPv6 addresses but cannot reach the IPv6 internet": --ipv6, ip6tables, NAT66 and routed prefixes`;
/** A global prefix the ISP delegated to the host (documentation space), for the routed network. */
const DELEGATED = '2001:db8:abcd::/64';
const MODE6 = 'com.docker.network.bridge.gateway_mode_ipv6';
const HTTP = 80;
const SSH = 22;
const publish = (hostPort: number): PortBinding => ({ protocol: 'tcp', hostPort, containerPort: HTTP });
const url = (address: string, port: number) => `http://[${address}]:${port}`;

// Since 27, `--ipv6` is enough: the network gets a ULA /64 from a pool the engine derives from
// its ID, and ip6tables is on by default, so containers leave by NAT66 (MASQUERADE) as they do
// over IPv4, and -p publishes on [::] too. The trouble people hit is the other way: a network
// on a real (global) prefix in routed mode, where nothing is translated, so the upstream router
// must know the prefix lives behind the docker host, or no reply ever comes back.
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const v27 = h.profile.docker === '27';

  const ula = docker.networkCreate(engine, { name: 'v6net', ipv6: true });
  const web = docker.run(engine, { name: 'web', network: 'v6net', image: 'nginx', publish: [publish(8080)] });
  h.nodes.web = { ns: web.endpoint.ns, role: 'container' };
  const web6 = web.endpoint.address6!;
  const ula6 = ula.network.ipam6!;

  const pub = docker.networkCreate(engine, { name: 'v6pub', ipv6: true, subnet6: DELEGATED, gatewayMode6: 'routed', options: { [MODE6]: 'routed' } });
  const app = docker.run(engine, { name: 'app', network: 'v6pub', image: 'nginx', publish: [publish(8081)] });
  h.nodes.app = { ns: app.endpoint.ns, role: 'container' };
  const app6 = app.endpoint.address6!;

  // Dual-stack servers: '::' takes IPv4 too (as nginx's `listen [::]:80` with ipv6only=off).
  const serve = (ns: string, name: string) => daemonStart(ns, ctx.stateDir, `${name}-http`, ['http-server', '::', String(HTTP), name]);

  const forwarding = holds(say`host: IPv6 forwarding on, ip6tables FORWARD policy DROP (dockerd turned forwarding on)`, 'host', ['sh', '-c', 'sysctl -n net.ipv6.conf.all.forwarding; ip6tables -S FORWARD | head -1'], h.profile.firewall === 'nftables' ? '^1\\n-P FORWARD ACCEPT' : '^1\\n-P FORWARD DROP');
  const ulaPool = holds(say`host: ${ula.network.bridge} has ${ula6.gateway}/64, the first /64 of the engine's ULA pool`, 'host', ['ip', '-6', '-o', 'addr', 'show', 'dev', ula.network.bridge, 'scope', 'global'], ` ${ula6.gateway}/64 `);
  const webOut = ping(say`web -> the IPv6 internet server ${WAN6.server}: NAT66 (MASQUERADE) takes it out`, 'web', WAN6.server);
  const webSource: Expectation = { title: say`web -> the internet server: seen as the host's ${WAN6.hostAddress} (MASQUERADE)`, probe: { kind: 'source', from: 'web', server: 'wan', to: WAN6.server, port: 0, source: WAN6.hostAddress }, expect: 'reach' };
  const webIn = httpGet(say`wan -> ${url(WAN6.hostAddress, 8080)}: ip6tables DNATs [::]:8080 to [${web6}]:80`, 'wan', WAN6.hostAddress, 8080, 'reach', 'web');
  const webIn4 = httpGet(say`wan -> http://${WAN.hostAddress}:8080: the same port over IPv4`, 'wan', WAN.hostAddress, 8080, 'reach', 'web');

  const appLost = ping(say`app -> ${WAN6.server}: no reply, the internet has no route back to ${DELEGATED}`, 'app', WAN6.server, 'fail');
  const appUnreached = httpGet(say`wan -> ${url(app6, HTTP)}: the internet has no route to ${DELEGATED} at all`, 'wan', app6, HTTP, 'fail');
  const appOut = ping(say`app -> ${WAN6.server}: answered, by the ISP's route back`, 'app', WAN6.server);
  const appSource: Expectation = { title: say`app -> the internet server: seen as ${app6} itself (routed: no NAT66)`, probe: { kind: 'source', from: 'app', server: 'wan', to: WAN6.server, port: 0, source: app6 }, expect: 'reach' };
  const appIn = httpGet(say`wan -> ${url(app6, HTTP)} directly: routed lets the published container port in`, 'wan', app6, HTTP, 'reach', 'app');
  const appClosed: Expectation = { title: say`wan -> [${app6}]:${SSH}: an unpublished port stays closed`, probe: { kind: 'service', from: 'wan', to: app6, port: SSH }, expect: 'fail' };
  const appPing = v27
    ? ping(say`wan -> ping ${app6}: Docker 27 lets no ICMP into a routed network`, 'wan', app6, 'fail')
    : ping(say`wan -> ping ${app6}: routed lets ICMPv6 in (-p ipv6-icmp -j ACCEPT)`, 'wan', app6);

  const steps: Step[] = [
    ...dockerHostSteps(h, 'ipv6'),
    {
      title: say`The internet speaks IPv6 too`,
      why:
        say`The uplink gets ${WAN6.hostAddress}/${WAN6.prefix} on the host's side and ${WAN6.wanAddress} on the internet's; the internet server is also\n${WAN6.server}. All of it is documentation space (2001:db8::/32): nothing is routed off this machine.`,
      docker: [say`(the host's IPv6 uplink; Docker does not create it)`],
      ops: connectInternet6(h.host, h.wan),
    },
    {
      title: say`docker network create --ipv6 v6net: a ULA /64 from the engine's pool`,
      why:
        say`No --subnet for IPv6, yet the network has one: since 27 dockerd splits a ULA /48, fd00::/8 plus 40 bits of the hash of its\nengine ID, into /64s; this engine's first is ${ula6.subnet.cidr}. The bridge takes ${ula6.gateway}. The first IPv6 network also\nturns on IPv6 forwarding and ${h.profile.firewall === 'nftables' ? say`writes the table ip6 docker-bridges` : say`writes the ip6tables chains, with FORWARD policy DROP, as over IPv4`}.`,
      docker: [ula.line],
      ops: ula.ops,
      checks: [forwarding, ulaPool],
      show: [...engine.ip6.fw.show(), cmd('ip', ['-6', 'addr', 'show', 'dev', ula.network.bridge], h.host)],
    },
    {
      title: say`web on v6net, with -p 8080:80`,
      why:
        say`web gets ${web.endpoint.address} and ${web6}, with a default route via ${ula6.gateway}. Its packets to the internet leave as the\nhost's ${WAN6.hostAddress}: ip6tables MASQUERADEs ${ula6.subnet.cidr} as iptables does ${ula.network.ipam.subnet.cidr}, because a ULA is not routed on\nthe internet. -p 8080:80 publishes on 0.0.0.0 and [::] (docker ps: ${v27 ? '0.0.0.0:8080->80/tcp, :::8080->80/tcp' : '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp'}), each with its own DNAT.`,
      docker: [web.line],
      ops: [...web.ops, serve(web.endpoint.ns, 'web')],
      checks: [webOut, webSource, webIn, webIn4],
      show: [cmd('ip', ['-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'global'], web.endpoint.ns), cmd('ip', ['-6', 'route'], web.endpoint.ns)],
    },
    {
      title: say`A network on the ISP's prefix ${DELEGATED}, ${MODE6}=routed, and app`,
      why:
        say`A global prefix needs no NAT66, so the network is routed: no MASQUERADE, no host port for IPv6, the container reached at its\nown address ${app6}. But the internet's router only knows ${WAN6.subnet}: app's echo request gets out, and the reply\nto ${app6} has nowhere to go. See it: \`nslab why ${ctx.name} app ${WAN6.server}\`.`,
      docker: [pub.line, app.line],
      ops: [...pub.ops, ...app.ops, serve(app.endpoint.ns, 'app')],
      checks: [appLost, appUnreached],
      diagnose: { from: 'app', to: WAN6.server },
    },
    {
      title: say`Fix: the ISP routes ${DELEGATED} to the docker host`,
      why:
        say`What routed mode asks of the network around it (Docker's docs: "the host must be the router for the prefix"): a route on the\nupstream router, here the internet namespace. Now app is answered, seen by its own address, and reachable on its published\ncontainer port${v27 ? '' : ' and by ICMPv6'}; every other port stays closed.`,
      docker: [say`(the ISP's router: ip -6 route add ${DELEGATED} via ${WAN6.hostAddress})`],
      ops: [routeAdd(h.wan, { to: DELEGATED, via: WAN6.hostAddress })],
      checks: [appOut, appSource, appIn, appClosed, appPing],
    },
  ];

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps,
    expectations: [forwarding, ulaPool, webOut, webSource, webIn, webIn4, appOut, appSource, appIn, appClosed, appPing],
    trace: { from: 'wan', to: app6, port: HTTP, look: say`the internet's connection goes to ${app6} itself: routed by the ISP's new route, no DNAT, no NAT66 on the way back` },
  };
}

export const ipv6Lab = defineLab({
  id: 'ipv6',
  number: 21,
  title: TITLE,
  summary: say`--ipv6 networks: a ULA /64 from the engine pool with NAT66 and -p on [::], then a routed global prefix that fails until the upstream router routes it`,
  article: say`moby/moby#48365, #47888 and the "IPv6 in Docker 27" release notes: ip6tables on by default, ULA pools`,
  versions: [
    { in: '27', what: say`ip6tables on by default; a ULA /64 per --ipv6 network; routed IPv6 lets no ICMP in; docker ps writes :::8080` },
    { in: '28, 29', what: say`the IPv6 DNAT skips link-local sources (! -s fe80::/10); routed lets ICMPv6 in; docker ps writes [::]:8080` },
    { in: '28', what: say`IPv6 networks get the DOCKER-ISOLATION stages in ip6tables, as IPv4 ones do` },
    { in: '29 nftables', what: say`the IPv6 half is the table ip6 docker-bridges; dockerd leaves forwarding (and FORWARD) to the admin` },
  ],
  build,
});
