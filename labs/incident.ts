import { say } from '../src/text/say.js';
import { DEFAULT_POOLS } from '../src/docker/address-pools.js';
import { DOCKER0, WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { parseSubnet } from '../src/model/ipam.js';
import { nsName } from '../src/model/names.js';
import type { Step } from '../src/plan/plan.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, hostStep, internetStep, remoteNetwork } from '../src/docker/host.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"After a rename the container lost the database": source addresses and an overlapping subnet`;

// The customer's database network, behind their router (the wan namespace). A private-
// looking range, but it exists only inside this lab's namespaces.
const CUSTOMER_NET = '192.168.1.0/24';
// The host's other compose projects hold the rest of the 172.17-172.31 pools (the lab does not
// build their networks), so the renamed project's network gets the next pool in Docker's order.
const OTHER_PROJECTS = DEFAULT_POOLS.slice(1, DEFAULT_POOLS.indexOf('192.168.0.0/20')).map(parseSubnet);
const FIXED = '10.20.0.0/16';

/**
 * The host as the story has it: docker0 and web, the customer's network behind the router,
 * then the renamed project's network (the next pool, which shadows the database) and its fix.
 */
function story(ctx: LabContext) {
  const h = dockerHost(ctx, { takenPools: OTHER_PROJECTS });
  const { engine } = h;
  const customer = remoteNetwork(ctx, h, CUSTOMER_NET, { node: 'db' });
  // The service as it first ran, with network_mode: host: a process in the host's namespace.
  const hostapp = docker.runShared(engine, { name: 'hostapp', network: 'host', image: 'app' });
  const web = docker.run(engine, { name: 'web', image: 'app' });
  // The same compose network name both times; Docker gives each creation a new ID, hence a new br-.
  const clash = docker.networkCreate(engine, { name: 'renamed_default' });
  const appClash = docker.run(engine, { name: 'app', network: 'renamed_default', image: 'app' });
  const down = [docker.rm(engine, { name: 'app' }), docker.networkRm(engine, { name: 'renamed_default' })];
  const fixed = docker.networkCreate(engine, { name: 'renamed_default', subnet: FIXED });
  const appFixed = docker.run(engine, { name: 'app', network: 'renamed_default', image: 'app' });
  return { h, customer, hostapp, web, clash, appClash, down, fixed, appFixed, overlapping: clash.network.ipam.subnet.cidr };
}
type Story = ReturnType<typeof story>;

/** What the customer's db sees of each client, and who cannot reach it once it is shadowed. */
function probes({ customer, overlapping }: Story) {
  const seenAs = (from: string, what: string): Expectation => ({
    title: say`db sees ${from} (${what}) as ${WAN.hostAddress}`,
    probe: { kind: 'source', from, server: 'db', to: customer.db, port: 0, source: WAN.hostAddress },
    expect: 'reach',
  });
  const lost = (from: string, what: string): Expectation => ({
    title: say`${from} (${what}) -> db ${customer.db}: shadowed by ${overlapping}`,
    probe: { kind: 'tcp', from, server: 'db', to: customer.db, port: 0 },
    expect: 'fail',
  });
  return { seenAs, lost, healthy: [seenAs('hostapp', 'network_mode: host'), seenAs('web', 'bridge, MASQUERADE')] as const };
}

/** Before the rename: the customer's network, dockerd, and two ways the service ran that worked. */
function beforeTheRename(s: Story, p: ReturnType<typeof probes>): Step[] {
  const { h, customer, web } = s;
  return [
    hostStep(h),
    internetStep(h),
    {
      title: say`The customer's database network`,
      why:
        say`Behind the customer's router (the wan namespace) sits their network ${customer.subnet} with the database at\n${customer.db}. Its firewall admits one client address: the docker host's public ${WAN.hostAddress}.`,
      docker: [say`(the customer's network; not Docker)`],
      ops: customer.ops,
    },
    {
      title: say`dockerd starts: docker0, forwarding, MASQUERADE`,
      why: say`The default bridge ${DOCKER0.subnet}, routing on, and MASQUERADE for what leaves it.`,
      docker: [say`dockerd (on start)`],
      ops: [...h.start.bridge, ...h.start.firewall],
    },
    {
      title: say`hostapp runs with network_mode: host`,
      why:
        say`The service as it first ran: in the host's own namespace. Its connections leave from the host's address\n${WAN.hostAddress}, the one the customer allowed. (Nothing is created; the process is the host namespace.)`,
      docker: ['docker compose up   # service with network_mode: host'],
      dockerReplay: [s.hostapp.line],
      ops: s.hostapp.ops,
      checks: [p.healthy[0]],
    },
    {
      title: say`web runs in bridge mode`,
      why:
        say`A container on docker0: its own address ${web.endpoint.address}, which the customer never sees: MASQUERADE\nrewrites it to ${WAN.hostAddress} on the way out, so it is allowed too. (A port binding, -p, would only add a DNAT\nfor connections coming in; it changes nothing about the source of connections going out.)`,
      docker: [web.line],
      ops: web.ops,
      checks: [p.healthy[1]],
    },
  ];
}

/** The rename: a new network on the next pool cuts everyone off the database; then the fix. */
function theRenameAndItsFix(ctx: LabContext, s: Story, p: ReturnType<typeof probes>): Step[] {
  const { customer, clash, appClash, down, fixed, appFixed, overlapping } = s;
  return [
    {
      title: say`Rename the folder: compose creates a new network`,
      why:
        say`Compose names networks after the project (the folder): after the rename, \`up\` creates renamed_default.\nWith 172.17-172.31 held by the host's other projects, Docker's default pools hand out the next one in order,\n${overlapping}, which contains ${customer.db}: the host has no route to the customer's network, only a default\nroute, and Docker skips only pools that overlap a route the host has.\nThe host now has a connected route ${overlapping} dev ${clash.network.bridge}: more specific than its default route, so\neverything for the database, from every container and the host itself, goes into that bridge and dies there\n(see it with \`nslab exec ${ctx.name} host -- ip route get ${customer.db}\`).`,
      docker: ['mv project renamed && cd renamed && docker compose up -d'],
      // What compose asks the daemon (the lab names the container app; compose would say renamed-app-1).
      dockerReplay: [clash.line, appClash.line],
      ops: [...clash.ops, ...appClash.ops],
      checks: [p.lost('hostapp', 'host mode'), p.lost('web', 'bridge'), p.lost('app', 'renamed_default')],
    },
    {
      title: say`Fix: recreate the network on a subnet that does not overlap`,
      why:
        say`A network's subnet cannot change in place: take the project down (the container and the network go) and\nbring it up with an explicit subnet outside every network the host must reach (${FIXED}), as in\ncompose's \`networks: default: ipam: config: [{subnet: ...}]\` (or daemon.json's default-address-pools).`,
      docker: ['docker compose down', 'docker compose up -d   # networks.default.ipam.config[0].subnet: ' + FIXED],
      dockerReplay: [...down.map((d) => d.line), fixed.line, appFixed.line],
      ops: [...down.flatMap((d) => d.ops), ...fixed.ops, ...appFixed.ops],
    },
  ];
}

function build(ctx: LabContext): LabScene {
  const s = story(ctx);
  const p = probes(s);
  const { h, customer } = s;
  const expectations: Expectation[] = [
    ...p.healthy,
    p.seenAs('app', `renamed_default, ${FIXED}`),
    {
      title: say`db refuses any other source (the router ${customer.router})`,
      probe: { kind: 'tcp', from: 'wan', server: 'db', to: customer.db, port: 0 },
      expect: 'fail',
    },
  ];
  return {
    nodes: {
      host: { ns: h.host, role: 'host' },
      hostapp: { ns: h.host, role: 'container' },
      wan: { ns: h.wan, role: 'wan' },
      db: { ns: customer.ns, role: 'wan' },
      web: { ns: nsName(ctx.name, 'web'), role: 'container' },
      app: { ns: s.appFixed.endpoint.ns, role: 'container' },
    },
    steps: [...beforeTheRename(s, p), ...theRenameAndItsFix(ctx, s, p)],
    expectations,
    dockerHost: s.h.engine,
    trace: { from: 'app', to: customer.db, look: say`after the fix app's packets leave by the uplink again, masqueraded to ${WAN.hostAddress}, and reach the customer's db` },
  };
}

export const incidentLab = defineLab({
  id: 'incident',
  number: 11,
  title: TITLE,
  summary: say`the first article: which source the database allows, and how an overlapping compose subnet cut it off`,
  article:
    say`"Docker Netowrk", the incident that opens it: after a folder rename under docker compose the container\ncould no longer reach the customer's database, which allows only a specific IP:PORT`,
  build,
});
