import { say } from '../text/say.js';
import { join } from 'node:path';
import { EXAMPLE_ZONE, WAN } from '../model/defaults.js';
import { netnsEtcPath } from '../kernel/netns-fs.js';
import { fileReplace, fileWrite } from '../ops/file.js';
import { daemonStart } from '../ops/process.js';
import type { Endpoint, Tools } from './cnm.js';
import type { EngineSpec, Network } from './cnm.js';
import { Engine } from './engine.js';
import * as scene from './scene.js';
import { connectInternet } from './internet.js';
import { enableForwarding, masqueradeRule } from './firewall/root-ns.js';
import { profileLabel, resolveProfile, type Profile } from './profile.js';
import { cmd, type Cmd } from '../exec/command.js';
import type { LabContext, LabNode } from '../plan/lab.js';
import { NslabError } from '../errors.js';
import { assertNoOverlap, intToAddress, parseSubnet } from '../model/ipam.js';
import { nsName, ruleTag } from '../model/names.js';
import { addrAdd, linkTag, linkUp, netnsAdd, routeAdd, vethAdd } from '../ops/ip.js';
import { sysctlSet } from '../ops/sysctl.js';
import { ruleAppend } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';
import type { Step } from '../plan/plan.js';
import type { Expectation } from '../plan/expectation.js';

// The pieces the docker0-based labs (docker0, egress, ports) share: a docker host in a
// namespace, its uplink to the sandbox internet, the docker0 bridge, NAT, and containers.

export interface DockerHost {
  readonly lab: string;
  /** The instance's own files (LabContext.stateDir). */
  readonly stateDir: string;
  /** The docker host's namespace; undefined in root-namespace mode (the machine itself). */
  readonly host: string | undefined;
  readonly wan: string;
  /** dockerd on that host, of the version `--docker` names. */
  readonly engine: Engine;
  readonly profile: Profile;
  /** The default network, "bridge" (docker0). */
  readonly net: Network;
  /** What dockerd creates on start: the docker0 bridge, then its firewall skeleton and rules. */
  readonly start: { readonly bridge: Op[]; readonly firewall: Op[] };
  readonly tools: Tools;
  readonly nodes: Record<string, LabNode>;
  /** The server the docker host's /etc/resolv.conf names (hostStep writes it); undefined: none. */
  readonly nameserver: string | undefined;
}

/** The Docker version and firewall backend a lab's --docker and --firewall ask for. */
export const labProfile = (ctx: LabContext): Profile =>
  resolveProfile({
    docker: ctx.options.docker as string | undefined,
    firewall: ctx.options.firewall as string | undefined,
    userlandProxy: ctx.options.userlandProxy === false ? false : undefined,
  });

/** The docker host a lab's options describe: --subnet, --bridge, --root-ns and --docker where the lab takes them. */
export function dockerHost(ctx: LabContext, more: Pick<EngineSpec, 'takenPools' | 'nameserver' | 'uplink'> = {}): DockerHost {
  // In root-namespace mode (a throwaway VM) the machine itself is the docker host.
  const host = ctx.options.rootNs === true ? undefined : nsName(ctx.name, 'host');
  const wan = nsName(ctx.name, 'wan');
  const profile = labProfile(ctx);
  const tools = { brctl: ctx.env.brctl };
  const engine = new Engine({
    lab: ctx.name,
    hostNs: host,
    profile,
    tools,
    stateDir: ctx.stateDir,
    // In the machine's own namespace nslab writes only a few tagged rules, no chains.
    firewall: host === undefined ? 'root-ns' : 'profile',
    // The uplink's subnet is a route the host has: Docker never hands out a pool overlapping it.
    hostRoutes: [parseSubnet(WAN.subnet)],
    // The host's resolver (hostStep writes it); in the machine's own namespace, none: the
    // embedded DNS then forwards nothing, so no query leaves the machine.
    nameserver: host === undefined ? undefined : WAN.dns,
    ...more,
  });
  const started = engine.start({ bridge: ctx.options.bridge as string | undefined, subnet: ctx.options.subnet as string | undefined });
  const net = started.network;
  assertNoOverlap([
    { name: 'the sandbox internet', subnet: parseSubnet(WAN.subnet) },
    { name: 'the internet server', subnet: parseSubnet(`${WAN.server}/32`) },
    { name: `bridge ${net.bridge}`, subnet: net.ipam.subnet },
  ]);
  return {
    lab: ctx.name,
    stateDir: ctx.stateDir,
    host,
    wan,
    engine,
    profile,
    net,
    start: started,
    tools,
    nodes: { host: { ns: host, role: 'host' }, wan: { ns: wan, role: 'wan' } },
    nameserver: engine.spec.nameserver,
  };
}

export function hostStep(h: DockerHost): Step {
  return {
    title: say`Create the docker host`,
    why:
      h.host === undefined
        ? say`Root-namespace mode: the machine nslab runs on is the docker host, as on a real\nDocker machine. Everything nslab adds to it is tagged and removed on teardown.`
        : say`The "docker host" is itself a network namespace, so its docker0 bridge, routes and\niptables rules are its own and the machine's real network is never touched.`,
    docker: [say`(a machine running dockerd)`],
    // Its resolver is the internet's DNS server (which internetDnsStep runs), never the
    // machine's: containers get it in their resolv.conf, and the embedded DNS forwards to it.
    ops: h.host === undefined ? [] : [netnsAdd(h.host), linkUp(h.host, 'lo'), fileWrite(netnsEtcPath(h.host, 'resolv.conf'), [`nameserver ${h.nameserver ?? WAN.dns}`], `write the docker host's resolv.conf (nameserver ${h.nameserver ?? WAN.dns})`)],
  };
}

export function internetStep(h: DockerHost): Step {
  return {
    title: say`Connect the host to "the internet"`,
    why: say`The host's uplink is a veth to a namespace playing the internet (${WAN.subnet}), which also\nholds an "internet server" at ${WAN.server}. It has no route back to ${h.net.ipam.subnet.cidr}, like a real ISP.`,
    docker: [say`(the host's uplink; Docker does not create it)`],
    ops: connectInternet(h.host, h.wan, h.lab),
  };
}

/**
 * The internet's DNS server, answering for example.net: the resolver the docker host's
 * resolv.conf names (hostStep). Without this step that resolver does not answer, as an
 * unreachable one does not, and nothing a container asks leaves the lab either way.
 */
export function internetDnsStep(h: DockerHost): Step {
  const zone = join(h.stateDir, 'dns', 'example.net');
  return {
    title: say`A DNS server on "the internet"`,
    why: say`The internet namespace also runs a DNS server, ${WAN.dns}, for the zone example.net: ${EXAMPLE_ZONE.name} is\n${EXAMPLE_ZONE.address}. The docker host's resolv.conf names it, as a real host names its provider's resolver.`,
    docker: [say`(the host's resolver; Docker does not create it)`],
    ops: [
      addrAdd(h.wan, 'lo', `${WAN.dns}/32`),
      fileWrite(join(zone, 'server'), [EXAMPLE_ZONE.address, EXAMPLE_ZONE.name], `put ${EXAMPLE_ZONE.name} = ${EXAMPLE_ZONE.address} in the example.net zone`),
      daemonStart(h.wan, join(h.stateDir, 'pids'), 'dns-internet', ['dns-server', WAN.dns, '53', '53', '-', zone]),
    ],
    show: [cmd('cat', ['/etc/resolv.conf'], h.host)],
  };
}

/** `brctl show <bridge>` where bridge-utils is installed (as the articles use), else iproute2's view. */
export function bridgeShow(h: DockerHost): Cmd {
  return h.tools.brctl ? cmd('brctl', ['show', h.net.bridge], h.host) : cmd('ip', ['-o', 'link', 'show', 'master', h.net.bridge], h.host);
}

export function bridgeStep(h: DockerHost, extra: Pick<Step, 'checks' | 'show'> = {}): Step {
  const [bridgeAdd, ...bridgeConfig] = h.start.bridge;
  return {
    title: say`Create the ${h.net.bridge} bridge`,
    why: say`dockerd creates the bridge ${h.net.bridge} with gateway ${h.net.ipam.gateway} on ${h.net.ipam.subnet.cidr}: a virtual\nswitch that every container on the default network plugs into.`,
    docker: [say`dockerd (on start)`, 'docker network inspect bridge'],
    // In the root namespace the bridge is tagged so `nslab clean` finds it without a journal.
    ops: [bridgeAdd!, ...(h.host === undefined ? [linkTag(h.host, h.net.bridge, ruleTag(h.lab))] : []), ...bridgeConfig],
    ...extra,
  };
}

export const forwardingOp = (h: DockerHost): Op => enableForwarding(h.host);
export const masqueradeOp = (h: DockerHost): Op => ruleAppend(h.host, masqueradeRule(ruleTag(h.lab), h.net.ipam.subnet.cidr, h.net.bridge));

/** What the step that writes dockerd's rules says they are. */
export function firewallWhy(h: DockerHost, labId: string): string {
  return h.host === undefined
    ? say`Root-namespace mode: only forwarding, MASQUERADE and two FORWARD accepts, tagged ${ruleTag(h.lab)}.`
    : say`These are the rules ${profileLabel(h.profile)} writes; \`nslab versions ${labId}\` shows how the others differ.`;
}

/** dockerd's start: forwarding and its firewall skeleton, as the profile writes them. */
export function dockerdStep(h: DockerHost, labId: string): Step {
  return { title: say`dockerd's forwarding and rules`, why: firewallWhy(h, labId), docker: [say`dockerd (on start)`], ops: h.start.firewall, show: h.engine.fw.show() };
}

/** Starts a container on docker0 (`docker run -d --name NAME busybox sleep infinity`) and records it as a node. */
export function containerStep(h: DockerHost, name: string, extra: (ep: Endpoint) => Pick<Step, 'checks' | 'show' | 'docker'> = () => ({})): { step: Step; endpoint: Endpoint } {
  const { endpoint, ops, line } = scene.run(h.engine, { name, image: 'busybox', command: ['sleep', 'infinity'] });
  h.nodes[name] = { ns: endpoint.ns, role: 'container' };
  const mac =
    h.profile.endpointMac === 'from-ip'
      ? say`its MAC, ${endpoint.mac}, is 02:42 and the address (Docker 27 and older)`
      : say`its MAC, ${endpoint.mac}, is random (Docker 28 and later; the articles' 02:42:ac:11:... is Docker 27's)`;
  const step: Step = {
    title: say`Start container ${name}`,
    why: say`A container is a network namespace. Its eth0 is one end of a veth pair; the other end,\n${endpoint.hostIf}, is plugged into ${h.net.bridge}. It gets the next free address (${endpoint.address}) and a\ndefault route via the gateway; ${mac}.`,
    docker: [line],
    ops,
    ...extra(endpoint),
  };
  return { step, endpoint };
}

export const ping = (title: string, from: string, to: string, expect: 'reach' | 'fail' = 'reach'): Expectation => ({ title, probe: { kind: 'ping', from, to }, expect });

/** An HTTP GET of http://to:port/ from a node; with `body`, the answer must contain it. */
export const httpGet = (title: string, from: string, to: string, port: number, expect: 'reach' | 'fail', body?: string): Expectation => ({ title, probe: { kind: 'http', from, to, port, body }, expect });

/**
 * The four steps every problem lab opens with: the docker host, its uplink, docker0, and the
 * rules dockerd writes on start.
 */
export const dockerHostSteps = (h: DockerHost, labId: string): Step[] => [hostStep(h), internetStep(h), bridgeStep(h), dockerdStep(h, labId)];

/** A state check: `argv` run inside `node` prints something matching `match`. */
export const holds = (title: string, node: string, argv: readonly string[], match: string, after?: { from: string; to: string }): Expectation => ({
  title,
  probe: { kind: 'output', node, argv, match, after },
  expect: 'reach',
});

/**
 * The first article's customer: a network behind their router (the wan namespace), with a
 * database whose firewall admits one client address, the docker host's public one. It exists
 * only inside the lab's namespaces, whatever range it is given. With `service`, the database
 * is a stand-in listening on that port that answers with its name.
 */
export interface RemoteNetwork {
  readonly subnet: string;
  readonly router: string;
  readonly db: string;
  readonly ns: string;
  readonly ops: Op[];
}

export function remoteNetwork(ctx: LabContext, h: DockerHost, cidr: string, opts: { readonly node: string; readonly service?: { readonly name: string; readonly port: number } }): RemoteNetwork {
  const { service } = opts;
  const s = parseSubnet(cidr);
  if (s.prefix > 29) throw new NslabError(`remote network ${cidr} is too small`, { hint: say`give it a /29 or larger: it holds a router and a database at .10` });
  const at = (n: number) => intToAddress(s.first + n);
  const ns = nsName(ctx.name, opts.node);
  const router = at(1);
  const db = at(Math.min(10, s.last - s.first - 1));
  assertNoOverlap([
    { name: 'the sandbox internet', subnet: parseSubnet(WAN.subnet) },
    { name: 'the internet server', subnet: parseSubnet(`${WAN.server}/32`) },
    { name: `the remote network ${s.cidr}`, subnet: s },
  ]);
  return {
    subnet: s.cidr,
    router,
    db,
    ns,
    ops: [
      netnsAdd(ns),
      linkUp(ns, 'lo'),
      vethAdd({ ns: h.wan, name: 'eth1', peerNs: ns, peerName: 'eth0' }),
      addrAdd(h.wan, 'eth1', `${router}/${s.prefix}`),
      linkUp(h.wan, 'eth1'),
      addrAdd(ns, 'eth0', `${db}/${s.prefix}`),
      linkUp(ns, 'eth0'),
      routeAdd(ns, { to: 'default', via: router }),
      sysctlSet(h.wan, 'net.ipv4.ip_forward', '1'),
      ruleAppend(ns, { table: 'filter', chain: 'INPUT', match: ['-p', 'tcp', '!', '-s', `${WAN.hostAddress}/32`], target: ['-j', 'DROP'], tag: ruleTag(ctx.name) }),
      ...(service ? [daemonStart(ns, join(ctx.stateDir, 'pids'), `service-${service.name}`, ['standin', service.name, `${service.port}/tcp`])] : []),
    ],
  };
}

/**
 * A machine on the docker host's LAN (TEST-NET-1, 192.0.2.0/24): a namespace joined to the
 * host by a second link, eth1. It is one hop from the host, so it can send the host packets
 * for any address, 127.0.0.1 included, which is what moby#45610 is about.
 */
export interface LanNeighbour {
  readonly node: string;
  readonly ns: string;
  /** The host's address on the LAN, and the neighbour's. */
  readonly hostAddress: string;
  readonly address: string;
  readonly ops: Op[];
}

export const LAN = { subnet: '192.0.2.0/24', host: '192.0.2.1', neighbour: '192.0.2.10', prefix: 24, hostIf: 'eth1' } as const;

export function lanNeighbour(ctx: LabContext, h: DockerHost, node = 'neighbour'): LanNeighbour {
  const ns = nsName(ctx.name, node);
  h.nodes[node] = { ns, role: 'wan' };
  return {
    node,
    ns,
    hostAddress: LAN.host,
    address: LAN.neighbour,
    ops: [
      netnsAdd(ns),
      vethAdd({ ns: h.host, name: LAN.hostIf, peerNs: ns, peerName: 'eth0' }),
      addrAdd(h.host, LAN.hostIf, `${LAN.host}/${LAN.prefix}`),
      linkUp(h.host, LAN.hostIf),
      addrAdd(ns, 'eth0', `${LAN.neighbour}/${LAN.prefix}`),
      linkUp(ns, 'eth0'),
      routeAdd(ns, { to: 'default', via: LAN.host }),
    ],
  };
}

/**
 * The admin points the docker host's /etc/resolv.conf at another server: the file, and the
 * engine, whose containers created from now on are given that server.
 */
export function hostResolverChange(h: DockerHost, nameserver: string): Op[] {
  if (h.host === undefined) throw new NslabError('a lab that changes the host\'s resolver runs in a sandbox docker host only', { hint: say`drop --root-ns` });
  const before = h.engine.hostResolv.nameserver;
  // Only containers created from now on see the new server; running ones keep theirs.
  h.engine.hostResolv.nameserver = nameserver;
  return [fileReplace(netnsEtcPath(h.host, 'resolv.conf'), [`nameserver ${nameserver}`], before === undefined ? [] : [`nameserver ${before}`], `point the docker host's resolv.conf at ${nameserver}`, h.host)];
}
