import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import type { PortBinding } from '../src/docker/firewall/firewaller.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart } from '../src/ops/process.js';
import { routeAdd } from '../src/ops/ip.js';
import type { Op } from '../src/ops/op.js';
import type { Expectation } from '../src/plan/expectation.js';
import type { Step } from '../src/plan/plan.js';
import { bridgeStep, dockerdStep, dockerHost, holds, hostStep, internetStep, type DockerHost } from '../src/docker/host.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"Since Docker 28 my LAN cannot reach containers by their IP": gateway_mode_ipv4 nat, routed, nat-unprotected, isolated`;
/** What the LAN's router sends to the docker host: every network of this lab. */
const ROUTED_TO_HOST = '10.10.0.0/16';
const MODE = 'com.docker.network.bridge.gateway_mode_ipv4';
const HTTP = 80;
const SSH = 22;
const publish = (hostPort: number): PortBinding => ({ protocol: 'tcp', hostPort, containerPort: HTTP });

// A LAN that routes the containers' subnets to the docker host (a VPN, a static route on the
// office router) is the case people hit (moby#49792, moby#51015): Docker 27 let published
// container ports be reached directly; 28 drops in raw PREROUTING whatever reaches a container
// from outside its bridge, unless the network says otherwise with its gateway mode.
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const v27 = h.profile.docker === '27';

  /** A network of the given mode, and a container on it serving HTTP on 80 and "ssh" on 22. */
  const serving = (net: string, subnet: string, name: string, mode: string | undefined, hostPort: number) => {
    const created = docker.networkCreate(engine, { name: net, subnet, ...(mode ? { gatewayMode: mode, options: { [MODE]: mode } } : {}) });
    const run = docker.run(engine, { name, network: net, image: 'nginx', publish: [publish(hostPort)] });
    h.nodes[name] = { ns: run.endpoint.ns, role: 'container' };
    const ops: Op[] = [
      ...created.ops,
      ...run.ops,
      daemonStart(run.endpoint.ns, ctx.stateDir, `${name}-http`, ['http-server', '0.0.0.0', String(HTTP), name]),
      daemonStart(run.endpoint.ns, ctx.stateDir, `${name}-ssh`, ['standin', name, `${SSH}/tcp`]),
    ];
    return { ops, lines: [created.line, run.line], address: run.endpoint.address, bridge: created.network.bridge };
  };
  const nat = serving('natnet', '10.10.1.0/24', 'web1', undefined, 8081);
  const routed = serving('routednet', '10.10.2.0/24', 'web2', 'routed', 8082);

  const http = (title: string, to: string, port: number, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'http', from: 'wan', to, port }, expect });
  const ssh = (title: string, to: string, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'service', from: 'wan', to, port: SSH }, expect });
  const ping = (title: string, from: string, to: string, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'ping', from, to }, expect });

  const natPublished = http(say`wan -> http://${WAN.hostAddress}:8081: nat, the host port DNATed to web1`, WAN.hostAddress, 8081, 'reach');
  const natDirect = v27
    ? http(say`wan -> http://${nat.address}:80 directly: Docker 27 lets a published container port be routed to`, nat.address, HTTP, 'reach')
    : http(say`wan -> http://${nat.address}:80 directly: dropped (raw PREROUTING, direct access)`, nat.address, HTTP, 'fail');
  const routedDirect = http(say`wan -> http://${routed.address}:80 directly: routed, the container's port let in`, routed.address, HTTP, 'reach');
  const routedClosed = ssh(say`wan -> ${routed.address}:22 directly: routed lets in published ports only`, routed.address, 'fail');
  const routedPing = v27 ? ping(say`wan -> ping ${routed.address}: Docker 27 lets no ICMP in`, 'wan', routed.address, 'fail') : ping(say`wan -> ping ${routed.address}: routed lets ICMP in`, 'wan', routed.address, 'reach');
  const routedNoHostPort = http(say`wan -> http://${WAN.hostAddress}:8082: routed maps no host port`, WAN.hostAddress, 8082, 'fail');
  const routedSource: Expectation = { title: say`web2 -> the internet server: seen as ${routed.address} (no MASQUERADE)`, probe: { kind: 'source', from: 'web2', server: 'wan', to: WAN.server, port: 0, source: routed.address }, expect: 'reach' };
  const natSource: Expectation = { title: say`web1 -> the internet server: seen as ${WAN.hostAddress} (MASQUERADE)`, probe: { kind: 'source', from: 'web1', server: 'wan', to: WAN.server, port: 0, source: WAN.hostAddress }, expect: 'reach' };

  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    bridgeStep(h),
    dockerdStep(h, 'gateway-modes'),
    {
      title: say`The LAN's router sends ${ROUTED_TO_HOST} to the docker host`,
      why:
        say`A static route on the router (the wan namespace): ${ROUTED_TO_HOST} via ${WAN.hostAddress}, where this host's container networks\nlive. Machines on the LAN can now address a container directly, without a published host port.`,
      docker: [say`(the LAN's router: ip route add ${ROUTED_TO_HOST} via ${WAN.hostAddress})`],
      ops: [routeAdd(h.wan, { to: ROUTED_TO_HOST, via: WAN.hostAddress })],
    },
    {
      title: say`A network in the default mode, nat, and web1 with -p 8081:80`,
      why:
        say`nat: MASQUERADE for what leaves, DNAT for the published host port. ` +
        (v27
          ? say`Docker 27 also accepts the container port itself when\nrouted to from outside (filter DOCKER), so the LAN reaches web1 at its own address too.`
          : say`Since 28 it also drops, in raw PREROUTING, any packet for\n${nat.address} that did not come in by its bridge: the symptom, the LAN's direct route to web1 goes nowhere.\nSee it: \`nslab why ${ctx.name} wan ${nat.address} --port ${HTTP}\`.`),
      docker: nat.lines,
      ops: nat.ops,
      checks: [natPublished, natDirect],
      diagnose: { from: 'wan', to: nat.address, port: HTTP },
      show: [cmd('iptables', ['-t', 'raw', '-S', 'PREROUTING'], h.host)],
    },
    {
      title: say`Fix: a network with ${MODE}=routed, and web2`,
      why:
        say`routed: no MASQUERADE, no host port, no direct-access DROP. The container is reached at its own address, but only on\nits published container ports (filter DOCKER accepts ${routed.address}:${HTTP})${v27 ? '' : say` and by ICMP (\`-o br -p icmp -j ACCEPT\`)`}; its own connections\nleave with their real source, so the LAN must route back to it (it does: ${ROUTED_TO_HOST}).`,
      docker: routed.lines,
      ops: routed.ops,
      checks: [routedDirect, routedClosed, routedPing, routedNoHostPort, routedSource],
    },
  ];
  const expectations: Expectation[] = [natPublished, natDirect, natSource, routedDirect, routedClosed, routedPing, routedNoHostPort, routedSource];

  if (v27) {
    steps.push({
      title: say`Docker 27 has no nat-unprotected and no isolated mode`,
      why: say`Its bridge driver knows nat and routed only: \`docker network create -o ${MODE}=nat-unprotected\` is refused with\n"failed to parse ${MODE} value: nat-unprotected (unknown gateway mode nat-unprotected)". Rebuild with --docker 28 or 29 to see them.`,
      docker: [say`(refused by Docker 27: docker network create -o ${MODE}=nat-unprotected opennet)`],
      ops: [],
    });
  } else {
    const open = serving('opennet', '10.10.3.0/24', 'web3', 'nat-unprotected', 8083);
    const vaultNet = docker.networkCreate(engine, { name: 'vault', subnet: '10.10.4.0/24', internal: true, gatewayMode: 'isolated', options: { [MODE]: 'isolated' } });
    const db1 = docker.run(engine, { name: 'db1', network: 'vault', image: 'redis' });
    const db2 = docker.run(engine, { name: 'db2', network: 'vault', image: 'redis' });
    h.nodes.db1 = { ns: db1.endpoint.ns, role: 'container' };
    h.nodes.db2 = { ns: db2.endpoint.ns, role: 'container' };
    const openSsh = ssh(say`wan -> ${open.address}:22 directly: nat-unprotected lets everything in`, open.address, 'reach');
    const openPublished = http(say`wan -> http://${WAN.hostAddress}:8083: nat-unprotected still maps the host port`, WAN.hostAddress, 8083, 'reach');
    const peers = ping(say`db1 -> db2 (${db2.endpoint.address}) inside the isolated network`, 'db1', db2.endpoint.address, 'reach');
    const noGateway = ping(say`db1 -> the host (${h.net.ipam.gateway}): no way to it at all`, 'db1', h.net.ipam.gateway, 'fail');
    const bare = holds(say`host: ${vaultNet.network.bridge} has no IPv4 address (isolated)`, 'host', ['sh', '-c', `ip -4 -o addr show dev ${vaultNet.network.bridge} | wc -l`], '^0$');
    steps.push(
      {
        title: say`${MODE}=nat-unprotected, and web3`,
        why:
          say`nat-unprotected: MASQUERADE and the host port as in nat, but no direct-access DROP and \`DOCKER ! -i br -o br -j ACCEPT\`\nwhere nat drops: anything routed to the network gets in, on any port. The "fix" that opens more than it meant to.`,
        docker: open.lines,
        ops: open.ops,
        checks: [openSsh, openPublished],
      },
      {
        title: say`--internal with ${MODE}=isolated: db1 and db2`,
        why:
          say`isolated (28.0, --internal only): not even the host is on the network. The bridge ${vaultNet.network.bridge} gets no address, and the\npool's first address, ${db1.endpoint.address}, goes to a container: they reach each other and nothing else, the host included.`,
        docker: [vaultNet.line, db1.line, db2.line],
        ops: [...vaultNet.ops, ...db1.ops, ...db2.ops],
        checks: [peers, noGateway, bare],
        show: [cmd('ip', ['-4', 'addr', 'show', 'dev', vaultNet.network.bridge], h.host)],
      },
    );
    expectations.push(openSsh, openPublished, peers, noGateway, bare);
  }

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps,
    expectations,
    trace: { from: 'wan', to: routed.address, port: HTTP, look: say`the LAN's connection goes to ${routed.address} itself: no DNAT on the way, no MASQUERADE on the way back` },
  };
}

export const gatewayModesLab = defineLab({
  id: 'gateway-modes',
  number: 19,
  title: TITLE,
  summary: say`a LAN routing container subnets to the docker host: nat drops direct access from 28, routed lets in published container ports and ICMP, nat-unprotected everything, isolated nothing`,
  article: say`moby/moby#49792 and #51015: direct routing to container IPs stopped working in Docker 28`,
  versions: [
    { in: '27', what: say`nat and routed only; nat lets a published container port be routed to, routed lets no ICMP in` },
    { in: '28, 29', what: say`nat drops direct access in raw PREROUTING; routed accepts the container ports and ICMP; nat-unprotected accepts everything; isolated gives the bridge no address` },
    { in: '28', what: say`a routed network also gets DOCKER-ISOLATION-STAGE-1 accepts, so other networks reach it too` },
    { in: '29 nftables', what: say`the same modes: "ICMP" and "UNPROTECTED" rules in the bridge's filter-forward-in chain` },
  ],
  build,
});
