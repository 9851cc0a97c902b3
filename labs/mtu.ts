import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import { addrAdd, linkSetMtu, linkUp, netnsAdd, routeAdd, vethAdd } from '../src/ops/ip.js';
import { ruleAppend } from '../src/ops/iptables.js';
import { daemonStart } from '../src/ops/process.js';
import { sysctlSet } from '../src/ops/sysctl.js';
import { byAdmin, type Op } from '../src/ops/op.js';
import type { Expectation } from '../src/plan/expectation.js';
import { bridgeStep, dockerdStep, dockerHost, holds, hostStep, internetStep, type DockerHost } from '../src/docker/host.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"ping works, but downloads hang": a 1400-byte uplink and a PMTU black hole`;
/** A VPN-like tunnel's MTU: what is left of 1500 after its own headers. */
const TUNNEL_MTU = 1400;
/** Enough full-size segments that a transfer needs them; a small answer never does. */
const DOWNLOAD_BYTES = 65536;
// A download server one router beyond the tunnel's far end, on a 1500-byte link of its own.
const SERVER = { subnet: '203.0.113.64/26', router: '203.0.113.65', address: '203.0.113.70', prefix: 26, port: 80 } as const;

function downloadServer(ctx: LabContext, h: DockerHost): { ns: string; ops: Op[] } {
  const ns = nsName(ctx.name, 'server');
  h.nodes.server = { ns, role: 'wan' };
  return {
    ns,
    ops: [
      netnsAdd(ns),
      linkUp(ns, 'lo'),
      vethAdd({ ns: h.wan, name: 'eth1', peerNs: ns, peerName: 'eth0' }),
      addrAdd(h.wan, 'eth1', `${SERVER.router}/${SERVER.prefix}`),
      linkUp(h.wan, 'eth1'),
      addrAdd(ns, 'eth0', `${SERVER.address}/${SERVER.prefix}`),
      linkUp(ns, 'eth0'),
      routeAdd(ns, { to: 'default', via: SERVER.router }),
      sysctlSet(h.wan, 'net.ipv4.ip_forward', '1'),
      daemonStart(ns, ctx.stateDir, 'download', ['http-server', '0.0.0.0', String(SERVER.port), 'the download server', String(DOWNLOAD_BYTES)]),
    ],
  };
}

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const server = downloadServer(ctx, h);
  const c1 = docker.run(engine, { name: 'c1', image: 'alpine', command: ['sleep', 'infinity'] });
  const vpnsafe = docker.networkCreate(engine, { name: 'vpnsafe', mtu: TUNNEL_MTU, options: { 'com.docker.network.driver.mtu': String(TUNNEL_MTU) } });
  const c2 = docker.run(engine, { name: 'c2', network: 'vpnsafe', image: 'alpine', command: ['sleep', 'infinity'] });
  h.nodes.c1 = { ns: c1.endpoint.ns, role: 'container' };
  h.nodes.c2 = { ns: c2.endpoint.ns, role: 'container' };

  const url = `http://${SERVER.address}/`;
  const download = (from: string, expect: 'reach' | 'fail', why: string): Expectation => ({ title: say`${from} downloads ${DOWNLOAD_BYTES / 1024} KiB from ${url}: ${why}`, probe: { kind: 'http', from, to: SERVER.address, port: SERVER.port, body: 'hello from the download server' }, expect });
  const pings = (from: string): Expectation => ({ title: say`${from} -> ping ${SERVER.address} (small packets)`, probe: { kind: 'ping', from, to: SERVER.address }, expect: 'reach' });
  const c1Stalls = download('c1', 'fail', say`stalls (the full-size segments vanish)`);
  const c1Downloads = download('c1', 'reach', 'done');
  const c2Downloads = download('c2', 'reach', say`done (its eth0 has MTU ${TUNNEL_MTU})`);

  const clamp: Op = { admin: true, ...ruleAppend(h.host, { table: 'mangle', chain: 'FORWARD', match: ['-p', 'tcp', '-m', 'tcp', '--tcp-flags', 'SYN,RST', 'SYN'], target: ['-j', 'TCPMSS', '--clamp-mss-to-pmtu'] }) };
  const dropFragNeeded = ruleAppend(h.wan, { table: 'filter', chain: 'OUTPUT', match: ['-p', 'icmp', '-m', 'icmp', '--icmp-type', 'fragmentation-needed'], target: ['-j', 'DROP'] });

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      hostStep(h),
      internetStep(h),
      {
        title: say`A download server beyond the internet`,
        why: say`One router further, on a 1500-byte link of its own: ${SERVER.address}, serving ${DOWNLOAD_BYTES} bytes at ${url}.`,
        docker: [say`(a server on the internet; not Docker)`],
        ops: server.ops,
      },
      bridgeStep(h),
      dockerdStep(h, 'mtu'),
      {
        title: say`docker run c1: downloads work`,
        why: say`Every link is 1500 bytes. c1's SYN offers an MSS of 1460 (1500 less 40 bytes of headers), and the server's full-size\nsegments arrive.`,
        docker: [c1.line],
        ops: c1.ops,
        checks: [pings('c1'), c1Downloads],
      },
      {
        title: say`The uplink becomes a tunnel: MTU ${TUNNEL_MTU}, and its far end filters ICMP`,
        why:
          say`The host now reaches the internet over a VPN-like tunnel whose MTU is ${TUNNEL_MTU} (both ends of the uplink), and the provider's\nrouter drops the ICMP "fragmentation needed" messages it should send back. The symptom: ping (small) still works, the\ndownload hangs. c1 still offers MSS 1460; the server's 1500-byte segments reach the tunnel's far end, which may not\nfragment them (DF is set) and whose "too big" message is dropped: the server never learns, and resends the same size\nforever. A PMTU black hole. See it: \`nslab why ${ctx.name} c1 ${SERVER.address} --port ${SERVER.port}\`.`,
        docker: [say`(the network: ip link set dev ${WAN.uplink} mtu ${TUNNEL_MTU}, on both ends of the uplink; the router drops ICMP type 3 code 4)`],
        ops: byAdmin([linkSetMtu(h.host, WAN.uplink, TUNNEL_MTU), linkSetMtu(h.wan, 'eth0', TUNNEL_MTU), dropFragNeeded]),
        // No large ping anywhere in this lab: the "too big" answer the host would give c1 teaches
        // c1 the path MTU for ten minutes, and its next SYN offers a smaller MSS, curing the stall.
        checks: [pings('c1'), c1Stalls],
        diagnose: { from: 'c1', to: SERVER.address, port: SERVER.port },
        show: [cmd('ip', ['link', 'show', 'dev', WAN.uplink], h.host)],
      },
      {
        title: say`Fix 1: a network with com.docker.network.driver.mtu=${TUNNEL_MTU}`,
        why:
          say`Docker gives the bridge and every veth on the network that MTU, so c2's eth0 is ${TUNNEL_MTU} and its SYN offers MSS ${TUNNEL_MTU - 40}:\nthe server never sends more than fits the tunnel. (daemon.json's "mtu" does the same for the default bridge.) c1, on\ndocker0, still hangs.`,
        docker: [vpnsafe.line, c2.line],
        ops: [...vpnsafe.ops, ...c2.ops],
        checks: [c2Downloads, c1Stalls],
        show: [cmd('ip', ['link', 'show', 'dev', 'eth0'], c2.endpoint.ns)],
      },
      {
        title: say`Fix 2: clamp the MSS to the path MTU on the docker host`,
        why:
          say`For containers whose MTU stays 1500: the host rewrites the MSS in every SYN it forwards to what fits the route out\n(${TUNNEL_MTU} - 40). The server then sends segments that fit, for c1 too. (nftables: tcp flags syn tcp option maxseg size set rt mtu.)`,
        docker: [say`(the admin: iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu)`],
        ops: [clamp],
        checks: [c1Downloads],
        show: [cmd('iptables', ['-t', 'mangle', '-S', 'FORWARD'], h.host)],
      },
    ],
    expectations: [
      c1Downloads,
      c2Downloads,
      pings('c1'),
      holds(say`c2's eth0 has MTU ${TUNNEL_MTU} (com.docker.network.driver.mtu)`, 'c2', ['ip', '-o', 'link', 'show', 'dev', 'eth0'], `mtu ${TUNNEL_MTU} `),
      holds(say`host: the uplink ${WAN.uplink} has MTU ${TUNNEL_MTU}`, 'host', ['ip', '-o', 'link', 'show', 'dev', WAN.uplink], `mtu ${TUNNEL_MTU} `),
    ],
    trace: { from: 'c1', to: SERVER.address, port: SERVER.port, look: say`c1's SYN leaves by the ${TUNNEL_MTU}-byte uplink; its MSS is clamped there, so the server's answers fit` },
  };
}

export const mtuLab = defineLab({
  id: 'mtu',
  number: 18,
  title: TITLE,
  summary: say`an uplink of MTU 1400 whose far end drops ICMP "fragmentation needed": ping works, a download stalls; fixed by the network's com.docker.network.driver.mtu or MSS clamping`,
  article: say`moby/moby#36659, docker/for-linux#1105: containers behind a VPN or a tunnel hang on large transfers`,
  versions: [{ in: '27, 28, 29', what: say`the same in every version: Docker sets the MTU it is given and never clamps the MSS` }],
  build,
});
