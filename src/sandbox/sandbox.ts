import { applyCommand, dockerLine, type ContainerRecord, type DockerCommand } from '../docker/commands.js';
import { WAN } from '../model/defaults.js';
import type { LabContext, LabDefinition, LabModel, LabNode } from '../plan/lab.js';
import type { Step } from '../plan/plan.js';
import type { Expectation } from '../plan/expectation.js';
import { modePromises, publishedPromises } from '../docker/promises.js';
import { dockerHost, firewallWhy, hostStep, internetDnsStep, internetStep, remoteNetwork, type RemoteNetwork } from '../docker/host.js';

// `nslab docker ...`: a docker host of its own, kept across commands. It is a lab whose
// steps are the docker commands the user typed, in order: the record keeps the commands,
// and replaying them onto a fresh engine rebuilds every network, sandbox and rule, so
// verify, exec, why, rewind and down work on it as on any lab.

export const SANDBOX_ID = 'docker';
/** The remote network's database: a stand-in that answers with this name. */
export const REMOTE_DB = { name: 'remote-db', port: 5432 } as const;
const TITLE = 'nslab docker: a docker host of your own';

/** The commands a sandbox's record holds (one JSON option: manifests hold flat values). */
export function sandboxCommands(options: LabContext['options']): DockerCommand[] {
  return typeof options.commands === 'string' ? (JSON.parse(options.commands) as DockerCommand[]) : [];
}

export interface SandboxModel extends LabModel {
  /** The containers that exist after the last command, as `docker ps` shows them. */
  readonly containers: ReadonlyMap<string, ContainerRecord>;
  readonly engine: ReturnType<typeof dockerHost>['engine'];
  /** --remote: a network beyond the internet router, with a database (the first article's customer). */
  readonly remote?: RemoteNetwork | undefined;
  /** When a network standing now was created (its latest network create), as inspect's Created. */
  networkCreated(name: string): string | undefined;
}

export function buildSandbox(ctx: LabContext): SandboxModel {
  const h = dockerHost(ctx);
  const containers = new Map<string, ContainerRecord>();
  const remote = typeof ctx.options.remote === 'string' ? remoteNetwork(ctx, h, ctx.options.remote, { node: 'remote', service: REMOTE_DB }) : undefined;
  const steps: Step[] = [
    hostStep(h),
    internetStep(h),
    internetDnsStep(h),
    ...(remote
      ? [
          {
            title: `The remote network ${remote.subnet}`,
            why:
              `Beyond the internet router: ${remote.subnet}, with a database at ${remote.db}:${REMOTE_DB.port} whose firewall admits one\n` +
              `client, the docker host's public ${WAN.hostAddress}. The docker host reaches it by its default route only: Docker does\n` +
              'not know it is there, and will hand out an overlapping pool.',
            docker: ['(a network the docker host talks to; not Docker)'],
            ops: remote.ops,
          },
        ]
      : []),
    {
      title: 'dockerd starts',
      why: `dockerd creates the default network, bridge (${h.net.bridge}, ${h.net.ipam.subnet.cidr}), and its rules.\n${firewallWhy(h, 'docker0')}`,
      docker: ['dockerd'],
      ops: [...h.start.bridge, ...h.start.firewall],
    },
  ];
  for (const c of sandboxCommands(ctx.options)) {
    const line = dockerLine(c);
    steps.push({ title: line, why: `what \`${line}\` does on the docker host`, docker: [line], ops: applyCommand(h.engine, c, containers) });
  }
  const nodes: Record<string, LabNode> = { ...h.nodes, ...(remote ? { remote: { ns: remote.ns, role: 'wan' as const } } : {}) };
  for (const s of h.engine.sandboxes.values()) nodes[s.container] = { ns: s.ns, role: 'container' };
  const creations = sandboxCommands(ctx.options).filter((c) => c.kind === 'network-create');
  const networkCreated = (name: string) => creations.filter((c) => c.name === name).at(-1)?.created;
  return { id: SANDBOX_ID, name: ctx.name, title: TITLE, nodes, steps, expectations: expectationsOf(h.engine, containers, remote), containers, engine: h.engine, remote, networkCreated };
}

/**
 * What a docker host like this one promises: each container reaches its gateways; a published
 * port answers from the internet at the host's address, with the container's stand-in.
 */
function expectationsOf(engine: SandboxModel['engine'], containers: ReadonlyMap<string, ContainerRecord>, remote: RemoteNetwork | undefined): Expectation[] {
  const out: Expectation[] = [];
  for (const s of engine.sandboxes.values()) {
    if (remote && engine.routesOut(s.container)) out.push(remoteCheck(s.container, remote));
    out.push(...modePromises(s, containers.get(s.container)?.ports ?? [], '--network'));
    for (const e of s.endpoints) {
      const gw = engine.network(e.network).ipam.gateway;
      out.push({ title: `${s.container} -> gateway ${gw} (${e.network})`, probe: { kind: 'ping', from: s.container, to: gw }, expect: 'reach' });
      // A macvlan child is a machine on the parent's LAN: the router reaches it by its own address.
      if (engine.network(e.network).macvlan?.parent === WAN.uplink) {
        out.push({ title: `wan -> ${s.container} at ${e.address} (${e.network}, macvlan: a neighbour on the LAN, no NAT)`, probe: { kind: 'ping', from: 'wan', to: e.address }, expect: 'reach' });
      }
    }
    // Docker ignores -p on a macvlan network: there is no host port in between.
    const first = s.endpoints[0] && engine.network(s.endpoints[0].network);
    if (first && !first.macvlan) out.push(...publishedPromises(s.container, containers.get(s.container)?.publish ?? []));
  }
  return out;
}

/** A container reaches the remote database, seen as the docker host (MASQUERADE), as the customer allows. */
export function remoteCheck(container: string, remote: RemoteNetwork, label = container): Expectation {
  return {
    title: `${label} -> ${REMOTE_DB.name} ${remote.db}:${REMOTE_DB.port} (the remote network, through the host's default route)`,
    probe: { kind: 'service', from: container, to: remote.db, port: REMOTE_DB.port, answer: REMOTE_DB.name },
    expect: 'reach',
  };
}

export const sandboxLab: LabDefinition = {
  id: SANDBOX_ID,
  title: TITLE,
  summary: 'the docker host `nslab docker ...` commands build on (not a lab to run: see `nslab docker --help`)',
  options: { commands: 'the docker commands applied so far (kept by nslab docker)', remote: 'a network beyond the internet router with a database at its .10 (nslab docker --remote)' },
  build: buildSandbox,
};
