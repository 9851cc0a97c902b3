import { say } from '../src/text/say.js';
import { join } from 'node:path';
import { EXAMPLE_ZONE, WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { addrAdd, linkUp } from '../src/ops/ip.js';
import { ruleAppend } from '../src/ops/iptables.js';
import { fileWrite } from '../src/ops/file.js';
import { daemonStart } from '../src/ops/process.js';
import type { Expectation } from '../src/plan/expectation.js';
import { bridgeStep, dockerdStep, dockerHost, holds, hostResolverChange, hostStep, internetStep, LAN, lanNeighbour } from '../src/docker/host.js';
import { adminForward, adminPlace } from '../src/docker/host-firewall.js';
import { DEFAULT_NAMESERVERS } from '../src/docker/container-files.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"Names outside the project do not resolve": 127.0.0.53, Docker's fallback, and where the embedded DNS asks from`;
/** systemd-resolved's stub, what Ubuntu and Debian hosts have in /etc/resolv.conf. */
const STUB = '127.0.0.53';
/** The office's resolver on the host's LAN: what the stub asks, and later the host itself. */
const OFFICE_DNS = '192.0.2.53';
const NAME = EXAMPLE_ZONE.name;
/** Long enough to see the embedded DNS's own SERVFAIL once its upstream has timed out (2 s here). */
const PATIENT_MS = 3500;

// The most asked DNS question about Docker (moby#41003, docker/for-linux#1208): on a host whose
// resolv.conf says 127.0.0.53 a container on the default bridge cannot use it, so Docker gives
// it Google's servers instead, which a corporate network often blocks: a timeout. On a user
// network the embedded DNS asks the host's servers for it, from the host's namespace where the
// server is on its loopback; and from 28 for every server: so a firewall between containers
// and the resolver breaks 27's lookups (SERVFAIL), not 28's.
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx, { nameserver: STUB });
  const { engine } = h;
  const v27 = h.profile.docker === '27';
  const office = lanNeighbour(ctx, h, 'office');
  const zone = join(ctx.stateDir, 'dns', 'office');

  const c1 = docker.run(engine, { name: 'c1', image: 'alpine', command: ['sleep', 'infinity'] });
  const app = docker.networkCreate(engine, { name: 'appnet' });
  const c2 = docker.run(engine, { name: 'c2', network: 'appnet', image: 'alpine', command: ['sleep', 'infinity'] });
  // The admin's change of resolver comes before c3 is created: dockerd reads the file per container.
  const resolverChange = hostResolverChange(h, OFFICE_DNS);
  const c3 = docker.run(engine, { name: 'c3', network: 'appnet', image: 'alpine', command: ['sleep', 'infinity'] });
  for (const c of [c1, c2, c3]) h.nodes[c.endpoint.container] = { ns: c.endpoint.ns, role: 'container' };

  const lookup = (title: string, from: string, expect: 'reach' | 'fail', resolver?: string, waitMs?: number): Expectation => ({ title, probe: { kind: 'dns', from, name: NAME, ...(resolver ? { resolver } : {}), answer: expect === 'reach' ? EXAMPLE_ZONE.address : undefined, ...(waitMs ? { waitMs } : {}) }, expect });
  const hostResolves = lookup(say`host -> ${NAME} through the stub ${STUB}`, 'host', 'reach', STUB);
  const c1Times = lookup(say`c1 (default bridge) -> ${NAME} via ${DEFAULT_NAMESERVERS[0]}: no answer, a timeout`, 'c1', 'fail', DEFAULT_NAMESERVERS[0]);
  const c1Conf = holds(say`c1's resolv.conf: Docker's fallback, Google's servers`, 'c1', ['cat', '/etc/resolv.conf'], `^nameserver ${DEFAULT_NAMESERVERS[0]}\\nnameserver ${DEFAULT_NAMESERVERS[1]}\\n[\\s\\S]*# Used default nameservers\\.`);
  const c2Resolves = lookup(say`c2 (appnet) -> ${NAME}: the embedded DNS asks ${STUB} from the host's namespace`, 'c2', 'reach');
  const c2Conf = holds(say`c2's resolv.conf: 127.0.0.11, ExtServers [host(${STUB})]`, 'c2', ['cat', '/etc/resolv.conf'], `^nameserver 127\\.0\\.0\\.11$[\\s\\S]*^# ExtServers: \\[host\\(${STUB.replaceAll('.', '\\.')}\\)\\]$`);
  const c3Broken = v27
    ? lookup(say`c3 (appnet) -> ${NAME}: SERVFAIL, once 27's query from c3's namespace to ${OFFICE_DNS} is dropped`, 'c3', 'fail', undefined, PATIENT_MS)
    : lookup(say`c3 (appnet) -> ${NAME}: Docker ${h.profile.docker} asks ${OFFICE_DNS} from the host's namespace, past the firewall`, 'c3', 'reach');
  const c3Resolves = lookup(say`c3 (appnet) -> ${NAME} through ${OFFICE_DNS}`, 'c3', 'reach');

  const containersOffLan = { iptables: { match: ['-o', LAN.hostIf], target: 'DROP' as const }, nft: `oifname "${LAN.hostIf}" drop` };
  const dnsThrough = { iptables: { match: ['-o', LAN.hostIf, '-d', `${OFFICE_DNS}/32`, '-p', 'udp', '-m', 'udp', '--dport', '53'], target: 'ACCEPT' as const }, nft: `oifname "${LAN.hostIf}" ip daddr ${OFFICE_DNS} udp dport 53 accept` };

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      hostStep(h),
      internetStep(h),
      {
        title: say`Public resolvers on the internet, blocked by the network`,
        why:
          say`The sandbox internet holds ${DEFAULT_NAMESERVERS.join(' and ')} (Google's public resolvers), and the network drops DNS to them, as many\ncorporate and hotel networks do: a query gets no answer at all.`,
        docker: [say`(the network: outbound DNS to public resolvers dropped)`],
        ops: [
          ...DEFAULT_NAMESERVERS.map((a) => addrAdd(h.wan, 'lo', `${a}/32`)),
          ruleAppend(h.wan, { table: 'filter', chain: 'INPUT', match: ['-p', 'udp', '-m', 'udp', '--dport', '53'], target: ['-j', 'DROP'] }),
          ruleAppend(h.wan, { table: 'filter', chain: 'INPUT', match: ['-p', 'tcp', '-m', 'tcp', '--dport', '53'], target: ['-j', 'DROP'] }),
        ],
      },
      {
        title: say`The office resolver, ${OFFICE_DNS}, on the host's LAN; systemd-resolved's stub on ${STUB}`,
        why:
          say`The host's LAN (${LAN.subnet}, on eth1) has the office's resolver at ${OFFICE_DNS}, which knows ${NAME}. On the host,\nsystemd-resolved listens on ${STUB}, asks ${OFFICE_DNS}, and is what /etc/resolv.conf names: nameserver ${STUB}.`,
        docker: [say`(the host: systemd-resolved; the office: its DNS server)`],
        ops: [
          ...office.ops,
          addrAdd(office.ns, 'eth0', `${OFFICE_DNS}/${LAN.prefix}`),
          linkUp(office.ns, 'lo'),
          fileWrite(join(zone, 'office'), [EXAMPLE_ZONE.address, NAME], `put ${NAME} = ${EXAMPLE_ZONE.address} in the office resolver's zone`),
          daemonStart(office.ns, join(ctx.stateDir, 'pids'), 'dns-office', ['dns-server', OFFICE_DNS, '53', '53', '-', zone]),
          daemonStart(h.host, join(ctx.stateDir, 'pids'), 'systemd-resolved', ['dns-server', STUB, '53', '53', OFFICE_DNS]),
        ],
        checks: [hostResolves],
        show: [cmd('cat', ['/etc/resolv.conf'], h.host)],
      },
      bridgeStep(h),
      dockerdStep(h, 'dns-upstream'),
      {
        title: say`docker run c1 on the default bridge: Docker's fallback, and a timeout`,
        why:
          say`${STUB} is on the host's loopback, which a container cannot reach: Docker drops loopback servers from the default bridge's\nresolv.conf, and with none left writes its defaults, ${DEFAULT_NAMESERVERS.join(' and ')} ("# Used default nameservers."). The network\ndrops DNS to those: c1's lookups time out. See it: \`nslab why ${ctx.name} c1 ${DEFAULT_NAMESERVERS[0]} --port 53\`.`,
        docker: [c1.line],
        ops: c1.ops,
        checks: [c1Conf, c1Times],
        diagnose: { from: 'c1', to: DEFAULT_NAMESERVERS[0], port: 53 },
        show: [cmd('cat', ['/etc/resolv.conf'], c1.endpoint.ns)],
      },
      {
        title: say`Fix 1: a user-defined network, appnet, and c2`,
        why:
          say`On a user network the container asks the embedded DNS, 127.0.0.11, which forwards what it does not know to the host's\nservers. ${STUB} is on the host's loopback, so dockerd asks it from the host's namespace (HostLoopback: "host(${STUB})" in the\nExtServers comment), in every version. (nslab's resolver hands those queries to a relay in the host's namespace.)`,
        docker: [app.line, c2.line],
        ops: [...app.ops, ...c2.ops],
        checks: [c2Conf, c2Resolves],
        show: [cmd('cat', ['/etc/resolv.conf'], c2.endpoint.ns)],
      },
      {
        title: say`The admin points the host at ${OFFICE_DNS} and keeps containers off the LAN`,
        why:
          say`resolv.conf now names the office resolver itself, and ${adminPlace(h)} drops what containers send to the LAN (eth1).\ndockerd reads resolv.conf per container: c3, created now, gets ${OFFICE_DNS}. ` +
          (v27
            ? say`Docker 27 asks a non-loopback server from the container's\nnamespace: c3's query is forwarded, hits the drop, and the embedded DNS answers SERVFAIL once it gives up (not a timeout:\nfollow 27's upstream query with \`nslab trace ${ctx.name} c3 ${OFFICE_DNS} --port 53 --udp --dns ${NAME}\`).`
            : say`Docker ${h.profile.docker} asks every server from the host's\nnamespace: the query leaves by OUTPUT, not FORWARD, and the drop never sees it.`),
        docker: [say`(the admin: echo "nameserver ${OFFICE_DNS}" > /etc/resolv.conf; ${h.profile.firewall === 'nftables' ? `nft add rule ip host-firewall forward ${containersOffLan.nft}` : `iptables -I DOCKER-USER -o ${LAN.hostIf} -j DROP`})`, c3.line],
        ops: [...resolverChange, ...adminForward(h, [containersOffLan]), ...c3.ops],
        checks: [c3Broken, c2Resolves],
        ...(v27 ? { diagnose: { from: 'c3', to: OFFICE_DNS, port: 53 } } : {}),
      },
      {
        title: v27 ? say`Fix 2: let the containers' DNS to ${OFFICE_DNS} through` : say`Nothing to fix under this Docker`,
        why: v27
          ? say`An accept above the drop in DOCKER-USER, for UDP 53 to ${OFFICE_DNS} only (or upgrade: 28 asks from the host's namespace).`
          : say`Docker ${h.profile.docker} asked from the host's namespace all along. Under 27 this step adds an accept for UDP 53 to ${OFFICE_DNS} above the drop.`,
        docker: v27 ? [say`(the admin: iptables -I DOCKER-USER ${dnsThrough.iptables.match.join(' ')} -j ACCEPT)`] : ['(nothing)'],
        ops: v27 ? adminForward(h, [dnsThrough]) : [],
        checks: [c3Resolves],
      },
    ],
    expectations: [hostResolves, c1Conf, c1Times, c2Conf, c2Resolves, c3Resolves],
    trace: { from: 'c3', to: '127.0.0.11', port: 53, udp: true, dns: NAME, look: say`c3's query to the embedded DNS, answered with ${EXAMPLE_ZONE.address}` },
  };
}

export const dnsUpstreamLab = defineLab({
  id: 'dns-upstream',
  number: 20,
  title: TITLE,
  summary: say`a host resolver on 127.0.0.53: the default bridge falls back to 8.8.8.8 (a timeout where it is blocked); user networks ask it from the host's namespace; 27 asks other servers from the container's (SERVFAIL behind a firewall), 28 from the host's`,
  article: say`moby/moby#41003, docker/for-linux#1208: DNS resolution fails in containers on hosts with systemd-resolved`,
  versions: [
    { in: '27, 28, 29', what: say`the default bridge drops loopback servers and falls back to ${DEFAULT_NAMESERVERS.join(', ')}; a loopback server is asked from the host's namespace (host(...) in ExtServers)` },
    { in: '27', what: say`other servers are asked from the container's namespace: a firewall between containers and the resolver gives SERVFAIL` },
    { in: '28, 29', what: say`every server is asked from the host's namespace (ExtServers: [host(...)])` },
  ],
  breaksUnder: ['--docker', '27'],
  build,
});
