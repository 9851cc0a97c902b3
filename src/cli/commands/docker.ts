import type { Argv, CommandModule } from 'yargs';
import { runWarnings, type ContainerRecord, type DockerCommand } from '../../docker/commands.js';
import { imageBase, parseServicePort } from '../../docker/images.js';
import { parseAddHost, parseDriver, parseDriverOptions, parsePublish, validateContainerName, validateNetworkName } from '../../docker/parse.js';
import { currentSandbox, dockerDo, dockerReset, sandboxName, sandboxRunning, type ProfileChoice } from '../../docker/session.js';
import { networkId } from '../../docker/user-network.js';
import { NslabError } from '../../errors.js';
import { cmd, renderCmd } from '../../exec/command.js';
import { inspectMacvlan, inspectNetworks, type NetworkInspect } from '../../inspect/network-inspect.js';
import { readLab } from '../../inspect/world.js';
import { table } from '../../view/table.js';
import type { Action, Context, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';

// `nslab docker ...`: the docker CLI's commands and options, done on nslab's sandbox engine
// (src/docker/session.ts). Each change prints the commands it ran underneath.

type Common = GlobalArgs & { quiet: boolean; docker?: string; firewall?: string; remote?: string };
type Args = Common & Record<string, unknown>;

const list = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String));
const choice = (a: Common): ProfileChoice => ({ docker: a.docker, firewall: a.firewall, remote: a.remote });

/** Applies a command, then says what it ran (unless --quiet) and what docker would print. */
async function change(ctx: Context, args: Common, c: DockerCommand, printed: (id: string) => string): Promise<number> {
  if (ctx.dryRun) throw new NslabError('nslab docker changes the sandbox engine and has no dry-run', { hint: 'see what a command does in the listing it prints, or `nslab lab <lab> --dry-run`' });
  const { step, model } = await dockerDo(c, ctx.runner, choice(args), ctx.signal);
  const id = idOf(model, c);
  if (ctx.json) printJson(ctx.io, { command: step.title, id, ran: step.ops.map((o) => renderCmd(o.cmd)) });
  else {
    // host, container: and a macvlan network create nothing: say so rather than print an empty listing.
    if (!args.quiet) ctx.io.out(`# ${step.title}\n${step.ops.length ? step.ops.map((o) => renderCmd(o.cmd)).join('\n') : '# (nothing to create in the kernel)'}\n`);
    ctx.io.out(printed(id));
  }
  return 0;
}

function idOf(model: ReturnType<typeof currentSandbox>, c: DockerCommand): string {
  if (c.kind === 'network-create') return model.engine.networks.get(c.name)?.id ?? '';
  if (c.kind === 'run') return model.engine.sandboxes.get(c.name)?.id ?? '';
  return '';
}

function requireSandbox(): ReturnType<typeof currentSandbox> {
  if (!sandboxRunning()) throw new NslabError('the sandbox engine is not running', { hint: 'the first `nslab docker network create` or `nslab docker run` creates it' });
  return currentSandbox();
}

/** `docker network inspect`, from live state, with the names and ids dockerd would give. */
async function inspectLive(ctx: Context, names: readonly string[]): Promise<NetworkInspect[]> {
  const model = requireSandbox();
  const world = await readLab(ctx.runner, sandboxName(), { rules: true });
  const live = inspectNetworks(world);
  const containerOf = new Map([...model.engine.sandboxes.values()].map((s) => [s.ns, s]));
  return names.map((name) => {
    const net = model.engine.networks.get(name);
    if (net?.macvlan) {
      const children = [...model.engine.sandboxes.values()].flatMap((s) => s.endpoints.filter((e) => e.network === name).map((e) => ({ id: s.id, name: s.container, ns: s.ns, ifname: e.ifname })));
      return inspectMacvlan({ name, id: net.id, subnet: net.ipam.subnet.cidr, ipRange: net.ipam.range === net.ipam.subnet ? undefined : net.ipam.range.cidr, gateway: net.ipam.gateway, internal: net.internal ?? false, ...net.macvlan, children }, world);
    }
    const found = net && live.find((l) => l.Options['com.docker.network.bridge.name'] === net.bridge);
    if (!net || !found) throw new NslabError(`network ${name} not found`, { hint: `\`nslab docker network ls\` lists them` });
    const containers = Object.fromEntries(
      Object.values(found.Containers).map((c) => {
        const sandbox = containerOf.get(`nslab-${sandboxName()}-${c.Name}`) ?? [...model.engine.sandboxes.values()].find((s) => s.container === c.Name);
        return [sandbox?.id ?? c.Name, { ...c, Name: sandbox?.container ?? c.Name }];
      }),
    );
    return { ...found, Name: net.name, Id: net.id, Internal: net.internal ?? false, Containers: containers };
  });
}

function ps(ctx: Context): number {
  const model = sandboxRunning() ? currentSandbox() : undefined;
  const rows = [...(model?.containers.values() ?? [])].map((r: ContainerRecord) => ({
    id: model!.engine.sandboxes.get(r.name)!.id.slice(0, 12),
    image: r.image,
    ports: r.publish.map((p) => `${p.hostIp ?? '0.0.0.0'}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ') || r.ports.map((p) => `${p.port}/${p.protocol}`).join(', '),
    names: r.name,
  }));
  if (ctx.json) printJson(ctx.io, rows);
  else ctx.io.out(`${table(['CONTAINER ID', 'IMAGE', 'STATUS', 'PORTS', 'NAMES'], rows.map((r) => [r.id, r.image, 'Up', r.ports, r.names]))}\n`);
  return 0;
}

function networkLs(ctx: Context): number {
  const model = sandboxRunning() ? currentSandbox() : undefined;
  // Docker lists its two pre-defined non-bridge networks too: the modes, not networks anyone creates.
  const modes = model ? (['host', 'none'] as const).map((name) => ({ id: networkId(sandboxName(), name, 1).slice(0, 12), name, driver: name === 'host' ? 'host' : 'null', scope: 'local' })) : [];
  const rows = [...(model?.engine.networks.values() ?? [])].map((n) => ({ id: n.id.slice(0, 12), name: n.name, driver: n.driver as string, scope: 'local' })).concat(modes)
    // The CLI sorts by name (cli/command/network/list.go).
    .sort((a, b) => a.name.localeCompare(b.name));
  if (ctx.json) printJson(ctx.io, rows);
  else ctx.io.out(`${table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], rows.map((r) => [r.id, r.name, r.driver, r.scope]))}\n`);
  return 0;
}

/** `docker inspect CTR`: its NetworkSettings.Networks, addresses and MACs as the kernel has them. */
async function inspectContainer(ctx: Context, names: readonly string[]): Promise<number> {
  const model = requireSandbox();
  const world = await readLab(ctx.runner, sandboxName());
  const out = names.map((name) => {
    const s = model.engine.sandboxes.get(name);
    if (!s) throw new NslabError(`No such object: ${name}`, { hint: '`nslab docker ps` lists the containers' });
    const live = world.find((w) => w.ns === s.ns);
    const networks = Object.fromEntries(
      s.endpoints.map((e) => {
        const net = model.engine.network(e.network);
        const iface = live?.interfaces.find((i) => i.name === e.ifname);
        const address = iface?.addresses[0] ?? '';
        return [
          e.network,
          { NetworkID: net.id, Gateway: net.ipam.gateway, IPAddress: address.split('/')[0] ?? '', IPPrefixLen: Number(address.split('/')[1] ?? 0), MacAddress: iface?.mac ?? '', DNSNames: net.isDefault ? null : [name, s.id.slice(0, 12)] },
        ];
      }),
    );
    // host and none show as their pre-defined networks, with no address; container: shows none.
    const shared = s.mode === 'host' || s.mode === 'none' ? { [s.mode]: { NetworkID: networkId(sandboxName(), s.mode, 1), Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null } } : {};
    const mode = s.mode === 'network' ? (s.endpoints[0]?.network ?? 'bridge') : s.mode === 'container' ? `container:${model.engine.sandboxes.get(s.joins!)?.id ?? s.joins}` : s.mode;
    return { Id: s.id, Name: `/${name}`, Config: { Image: model.containers.get(name)?.image ?? '' }, HostConfig: { NetworkMode: mode }, NetworkSettings: { Networks: { ...networks, ...shared } } };
  });
  printJson(ctx.io, out);
  return 0;
}

function port(ctx: Context, name: string): number {
  const model = requireSandbox();
  const r = model.containers.get(name);
  if (!r) throw new NslabError(`No such container: ${name}`, { hint: '`nslab docker ps` lists the containers' });
  const lines = r.publish.map((p) => `${p.containerPort}/${p.protocol} -> ${p.hostIp ?? '0.0.0.0'}:${p.hostPort}`);
  if (ctx.json) printJson(ctx.io, r.publish);
  else ctx.io.out(lines.length ? `${lines.join('\n')}\n` : '');
  return 0;
}

async function exec(ctx: Context, name: string, words: readonly string[]): Promise<number> {
  const model = requireSandbox();
  const s = model.engine.sandboxes.get(name);
  if (!s) throw new NslabError(`No such container: ${name}`, { hint: '`nslab docker ps` lists the containers' });
  const [file, ...rest] = words.length ? words : ['sh'];
  return ctx.runner.attach(cmd(file!, rest, s.ns));
}

export function dockerCommand(action: Action): CommandModule<GlobalArgs, Args> {
  const kernel = { kernel: true, interruptible: true };
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'do not list the commands each change ran' })
        .option('docker', { type: 'string', describe: 'the Docker version the sandbox engine is created as (27, 28, 29)' })
        .option('firewall', { type: 'string', describe: "Docker 29's firewall backend for a new sandbox engine" })
        .option('remote', { type: 'string', describe: "a new sandbox engine's remote network (CIDR) beyond the internet router, with a database at its .10:5432 that admits only the host's address" })
        .command('network <command>', 'manage networks', (n: Argv<Common>) =>
          n
            .command(
              'create <name>',
              'create a bridge or macvlan network',
              (c: Argv<Common>) =>
                c
                  .positional('name', { type: 'string', demandOption: true })
                  .option('driver', { alias: 'd', type: 'string', default: 'bridge' })
                  .option('subnet', { type: 'string' })
                  .option('gateway', { type: 'string' })
                  .option('ip-range', { type: 'string', describe: 'allocate container addresses from this sub-range' })
                  .option('internal', { type: 'boolean' })
                  .option('opt', { alias: 'o', type: 'string' }),
              action<Args>(kernel, async (ctx, a) => {
                const driver = parseDriver(a.driver as string | undefined);
                const o = parseDriverOptions(list(a.opt), driver);
                const c: DockerCommand = {
                  kind: 'network-create',
                  name: validateNetworkName(String(a.name)),
                  subnet: a.subnet as string | undefined,
                  gateway: a.gateway as string | undefined,
                  ipRange: a['ip-range'] as string | undefined,
                  internal: a.internal === true ? true : undefined,
                  ...(driver === 'macvlan' ? { driver } : {}),
                  ...o,
                };
                return change(ctx, a, c, (id) => `${id}\n`);
              }),
            )
            .command('ls', 'list networks', (c: Argv<Common>) => c, action<Args>({ kernel: false }, async (ctx) => networkLs(ctx)))
            .command(
              'inspect <names..>',
              'show networks as docker network inspect does, from live state',
              (c: Argv<Common>) => c.positional('names', { type: 'string', array: true, demandOption: true }),
              action<Args>({ kernel: true }, async (ctx, a) => {
                printJson(ctx.io, await inspectLive(ctx, list(a.names)));
                return 0;
              }),
            )
            .command(
              'rm <names..>',
              'remove networks',
              (c: Argv<Common>) => c.positional('names', { type: 'string', array: true, demandOption: true }),
              action<Args>(kernel, async (ctx, a) => {
                for (const name of list(a.names)) await change(ctx, a, { kind: 'network-rm', name }, () => `${name}\n`);
                return 0;
              }),
            )
            .command(
              'prune',
              'remove the user-defined networks no container uses',
              (c: Argv<Common>) => c,
              action<Args>(kernel, async (ctx, a) => {
                const model = requireSandbox();
                const used = new Set([...model.engine.sandboxes.values()].flatMap((s) => s.endpoints.map((e) => e.network)));
                const unused = [...model.engine.networks.values()].filter((n) => !n.isDefault && !used.has(n.name)).map((n) => n.name);
                for (const name of unused) await change(ctx, a, { kind: 'network-rm', name }, () => '');
                ctx.io.out(unused.length ? `Deleted Networks:\n${unused.join('\n')}\n` : '');
                return 0;
              }),
            )
            .command(
              'connect <network> <container>',
              'connect a container to a network',
              (c: Argv<Common>) => c.positional('network', { type: 'string', demandOption: true }).positional('container', { type: 'string', demandOption: true }).option('ip', { type: 'string' }).option('alias', { type: 'string' }),
              action<Args>(kernel, async (ctx, a) => change(ctx, a, { kind: 'network-connect', network: String(a.network), container: String(a.container), ip: a.ip as string | undefined, aliases: list(a.alias) }, () => '')),
            )
            .command(
              'disconnect <network> <container>',
              'disconnect a container from a network',
              (c: Argv<Common>) => c.positional('network', { type: 'string', demandOption: true }).positional('container', { type: 'string', demandOption: true }),
              action<Args>(kernel, async (ctx, a) => change(ctx, a, { kind: 'network-disconnect', network: String(a.network), container: String(a.container) }, () => '')),
            )
            .demandCommand(1),
        )
        .command(
          'run <image> [command..]',
          'start a container (its stand-in service answers on the image\'s ports with its name)',
          (c: Argv<Common>) =>
            c
              .positional('image', { type: 'string', demandOption: true })
              .option('detach', { alias: 'd', type: 'boolean' })
              .option('name', { type: 'string' })
              .option('network', { alias: 'net', type: 'string' })
              .option('publish', { alias: 'p', type: 'string', describe: '[ip:]hostPort:containerPort[/udp], repeatable' })
              .option('ip', { type: 'string' })
              .option('network-alias', { type: 'string', describe: 'repeatable' })
              .option('add-host', { type: 'string', describe: 'name:ip or name:host-gateway, repeatable' })
              .option('hostname', { type: 'string' })
              .option('expose', { type: 'string', describe: 'PORT[/udp] the stand-in also listens on, repeatable' }),
          action<Args>(kernel, async (ctx, a) => {
            const image = String(a.image);
            const name = validateContainerName(a.name === undefined ? autoName(image) : String(a.name));
            const c: DockerCommand = {
              kind: 'run',
              name,
              image,
              network: a.network as string | undefined,
              publish: list(a.publish).map(parsePublish),
              expose: list(a.expose).map(parseServicePort),
              ip: a.ip as string | undefined,
              aliases: list(a['network-alias']),
              hostname: a.hostname as string | undefined,
              addHosts: list(a['add-host']).map(parseAddHost),
            };
            for (const w of runWarnings(c)) ctx.io.err(`${w}\n`);
            return change(ctx, a, c, (id) => `${id}\n`);
          }),
        )
        .command('ps', 'list containers', (c: Argv<Common>) => c, action<Args>({ kernel: false }, async (ctx) => ps(ctx)))
        .command(
          'rm <names..>',
          'remove containers (always forcibly: they have nothing to stop)',
          (c: Argv<Common>) => c.positional('names', { type: 'string', array: true, demandOption: true }).option('force', { alias: 'f', type: 'boolean' }),
          action<Args>(kernel, async (ctx, a) => {
            for (const name of list(a.names)) await change(ctx, a, { kind: 'rm', name }, () => `${name}\n`);
            return 0;
          }),
        )
        .command(
          'inspect <names..>',
          "a container's NetworkSettings.Networks, from live state",
          (c: Argv<Common>) => c.positional('names', { type: 'string', array: true, demandOption: true }),
          action<Args>({ kernel: true }, async (ctx, a) => inspectContainer(ctx, list(a.names))),
        )
        .command(
          'exec <container> [command..]',
          "run a command in a container's namespace: nslab docker exec web -- ip addr",
          (c: Argv<Common>) => c.positional('container', { type: 'string', demandOption: true }).positional('command', { type: 'string', array: true, default: [] }),
          action<Args>({ kernel: true }, async (ctx, a) => exec(ctx, String(a.container), [...list(a.command), ...list(a['--'])])),
        )
        .command(
          'port <container>',
          "a container's published ports",
          (c: Argv<Common>) => c.positional('container', { type: 'string', demandOption: true }),
          action<Args>({ kernel: false }, async (ctx, a) => port(ctx, String(a.container))),
        )
        .command(
          'reset',
          'remove the sandbox engine and everything built on it',
          (c: Argv<Common>) => c,
          action<Args>({ kernel: true }, async (ctx) => {
            const removed = await dockerReset(ctx.runner);
            ctx.io.out(removed ? 'the sandbox engine and everything on it are removed\n' : 'no sandbox engine was running\n');
            return 0;
          }),
        )
        .demandCommand(1) as unknown as Argv<Args>,
    handler: () => {},
  };
}

/** Docker names an unnamed container; nslab's names are the image's, numbered. */
function autoName(image: string): string {
  const base = imageBase(image).replace(/[^a-z0-9_.-]/g, '');
  const taken = sandboxRunning() ? currentSandbox().engine.sandboxes : new Map();
  for (let i = 1; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

