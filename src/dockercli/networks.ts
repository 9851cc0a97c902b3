import { networkId } from '../docker/user-network.js';
import { unusedNetworks } from '../docker/commands.js';
import { parseDriver, parseDriverOptions, validateNetworkName } from '../docker/parse.js';
import { currentSandbox, sandboxName } from '../sandbox/session.js';
import type { SandboxModel } from '../sandbox/sandbox.js';
import { networkInspect } from '../inspect/docker-inspect.js';
import { NslabError } from '../errors.js';
import { printJson } from '../program/context.js';
import { flagBool, flagList, flagString, type FlagSpec, type Parsed } from './flags.js';
import { change, clientSide, say, standing } from './changes.js';
import { gwPriorityFlag, inspectSource, printInspected } from './containers.js';
import { anyContainer, findNetwork, network } from './lookup.js';
import { renderListing } from './table.js';
import { parseTemplate } from './template.js';
import { ClientError } from './words.js';
import type { DockerCliContext, DockerCommandDef } from './program.js';

// docker network create, ls, inspect, rm, prune, connect and disconnect on the sandbox engine.

/** -o KEY=VALUE and --label KEY=VALUE, as Docker takes them (a key with no = has an empty value). */
function keyValues(specs: readonly string[]): Record<string, string> {
  return Object.fromEntries(specs.map((s) => (s.includes('=') ? [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)] : [s, ''])));
}

const NOT_REBUILT: Readonly<Record<string, string>> = {
  'ipam-driver': 'the default IPAM is the one rebuilt',
  'ipam-opt': 'the default IPAM is the one rebuilt',
  'config-only': 'configuration-only networks are not rebuilt',
  'config-from': 'configuration-only networks are not rebuilt',
  ingress: 'swarm is not rebuilt',
};

function refuse(p: Parsed): void {
  for (const [name, why] of Object.entries(NOT_REBUILT)) {
    if (p.flags[name] !== undefined) throw new ClientError(`--${name} is a docker flag nslab does not rebuild: ${why}`, { hint: 'leave it out' });
  }
}

const one = (p: Parsed, name: string): string | undefined => {
  const all = flagList(p.flags, name);
  if (all.length > 1) throw new ClientError(`nslab networks take one --${name}`, { hint: 'IPv4 networks have one subnet in Docker too' });
  return all[0];
};

/**
 * --subnet and --gateway, one of each family: an IPv4 one and, for a network with --ipv6, an
 * IPv6 one (written with colons). Docker pairs each gateway with the subnet of its family.
 */
function byFamily(p: Parsed, name: string): { v4: string | undefined; v6: string | undefined } {
  const all = flagList(p.flags, name);
  const v6 = all.filter((s) => s.includes(':'));
  const v4 = all.filter((s) => !s.includes(':'));
  if (v4.length > 1 || v6.length > 1) throw new ClientError(`nslab networks take one --${name} per address family`, { hint: `give one IPv4 --${name} and, with --ipv6, one IPv6 --${name}` });
  return { v4: v4[0], v6: v6[0] };
}

async function create(ctx: DockerCliContext, p: Parsed): Promise<number> {
  refuse(p);
  const [name] = p.args as [string];
  const options = keyValues(flagList(p.flags, 'opt'));
  const labels = keyValues(flagList(p.flags, 'label'));
  const driverName = flagString(p.flags, 'driver');
  const subnets = clientSide(() => byFamily(p, 'subnet'));
  const gateways = clientSide(() => byFamily(p, 'gateway'));
  const ipv6 = flagBool(p.flags, 'ipv6');
  if (!ipv6 && (subnets.v6 ?? gateways.v6)) throw new ClientError('an IPv6 --subnet or --gateway needs --ipv6', { hint: 'add --ipv6' });
  const [subnet, gateway] = [subnets.v4, gateways.v4];
  const ipRange = clientSide(() => one(p, 'ip-range'));
  // --aux-address NAME=IP: held back from the pool (a router, a host's shim).
  const aux = keyValues(flagList(p.flags, 'aux-address'));
  const auxAddresses = Object.keys(aux).length ? aux : undefined;
  if (flagString(p.flags, 'ipv4') === 'false' || p.flags.ipv4 === false) throw new ClientError('--ipv4=false is a docker flag nslab does not rebuild: nslab networks are IPv4', { hint: 'leave it out' });
  const created = new Date().toISOString();
  const done = await change(ctx, () => {
    const driver = parseDriver(driverName);
    return [
      {
        kind: 'network-create',
        name: validateNetworkName(name),
        subnet,
        gateway,
        ...(ipv6 ? { ipv6: true, ...(subnets.v6 ? { subnet6: subnets.v6 } : {}), ...(gateways.v6 ? { gateway6: gateways.v6 } : {}) } : {}),
        ipRange,
        ...(auxAddresses ? { auxAddresses } : {}),
        internal: flagBool(p.flags, 'internal') ? true : undefined,
        ...(driver === 'macvlan' ? { driver } : {}),
        ...parseDriverOptions(Object.entries(options).map(([k, v]) => `${k}=${v}`), driver),
        ...(Object.keys(options).length ? { options } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
        created,
      },
    ];
  });
  if (!ctx.dryRun) say(ctx, `${done.model.engine.networks.get(name)?.id ?? ''}\n`);
  return 0;
}

interface NetworkRow extends Record<string, unknown> {
  readonly ID: string;
  readonly Name: string;
  readonly Driver: string;
  readonly Scope: string;
  readonly IPv6: string;
  readonly Internal: string;
  readonly CreatedAt: string;
  readonly Labels: string;
}

const LS_HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', CreatedAt: 'CREATED', Labels: 'LABELS' };

function lsRows(model: SandboxModel, noTrunc: boolean): NetworkRow[] {
  const cut = (id: string) => (noTrunc ? id : id.slice(0, 12));
  const row = (id: string, name: string, driver: string, internal: boolean, created: string | undefined, labels: Readonly<Record<string, string>>, ipv6 = false): NetworkRow => ({
    ID: cut(id),
    Name: name,
    Driver: driver,
    Scope: 'local',
    IPv6: String(ipv6),
    Internal: String(internal),
    CreatedAt: created ? `${created.slice(0, 10)} ${created.slice(11, 19)} +0000 UTC` : '',
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
  });
  // Docker lists its two pre-defined non-bridge networks too: the modes, not networks anyone creates.
  const modes = (['host', 'none'] as const).map((name) => row(networkId(sandboxName(), name, 1), name, name === 'host' ? 'host' : 'null', false, undefined, {}));
  const nets = [...model.engine.networks.values()].map((n) => row(n.id, n.name, n.driver, n.internal ?? false, model.networkCreated(n.name), n.asked.labels, n.ipam6 !== undefined));
  // The CLI sorts by name (cli/command/network/list.go).
  return [...nets, ...modes].sort((a, b) => a.Name.localeCompare(b.Name));
}

function lsFilter(filters: readonly string[]): (r: NetworkRow) => boolean {
  const tests = filters.map((spec) => {
    const key = spec.slice(0, spec.indexOf('='));
    const value = spec.slice(spec.indexOf('=') + 1);
    if (key === 'name') return (r: NetworkRow) => r.Name.includes(value);
    if (key === 'id') return (r: NetworkRow) => r.ID.startsWith(value);
    if (key === 'driver') return (r: NetworkRow) => r.Driver === value;
    if (key === 'type') return (r: NetworkRow) => (value === 'builtin') === ['bridge', 'host', 'none'].includes(r.Name);
    throw new ClientError(`invalid filter '${key}'`, { hint: "nslab's network ls filters by name, id, driver and type" });
  });
  return (r) => tests.every((t) => t(r));
}

async function ls(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const format = flagString(p.flags, 'format');
  if (format) clientSide(() => parseTemplate(format.replace(/^table /, '')));
  // Before the first command the engine would start with its pre-defined networks: list those.
  const rows = lsRows(currentSandbox(), flagBool(p.flags, 'no-trunc')).filter(lsFilter(flagList(p.flags, 'filter')));
  if (ctx.json) {
    printJson(ctx.io, rows);
    return 0;
  }
  ctx.io.out(renderListing({ columns: [['ID', 'NETWORK ID'], ['Name', 'NAME'], ['Driver', 'DRIVER'], ['Scope', 'SCOPE']], headers: LS_HEADERS, rows, idField: 'ID' }, { quiet: flagBool(p.flags, 'quiet'), format }));
  return 0;
}

async function inspect(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const format = flagString(p.flags, 'format');
  if (format) clientSide(() => parseTemplate(format));
  const model = standing();
  const src = model && (await inspectSource(ctx, model));
  const found = [];
  for (const ref of p.args) {
    const n = findNetwork(model, ref);
    if (!n || !src) {
      printInspected(ctx, found, format);
      throw new NslabError(`network ${ref} not found`, { hint: '`nslab docker network ls` lists them' });
    }
    found.push(networkInspect(src, n, model!.networkCreated(n.name)));
  }
  printInspected(ctx, found, format);
  return 0;
}

async function rm(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const errors: NslabError[] = [];
  for (const ref of p.args) {
    try {
      await change(ctx, (current) => [{ kind: 'network-rm', name: network(current, ref).name }]);
      if (!ctx.dryRun) say(ctx, `${ref}\n`);
    } catch (err) {
      if (!(err instanceof NslabError) || err instanceof ClientError) throw err;
      errors.push(err);
    }
  }
  if (errors.length === 0) return 0;
  // Docker goes on to the next name, then reports every failure (28: and how it exited).
  for (const e of errors) ctx.io.err(`Error response from daemon: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
  if (ctx.dialect === 'docker-28') ctx.io.err('exit status 1\n');
  return 1;
}

const PRUNE_WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';

/** Reads one line of the answer from standard input (none: no). */
function answer(ctx: DockerCliContext): Promise<string> {
  const input = ctx.io.input;
  if (!input) return Promise.resolve('');
  return new Promise((resolve) => {
    let got = '';
    const done = () => {
      input.removeListener('data', onData);
      input.removeListener('end', done);
      input.pause?.();
      resolve(got.split('\n')[0]!.trim());
    };
    const onData = (chunk: Buffer | string) => {
      got += chunk.toString();
      if (got.includes('\n')) done();
    };
    input.on('data', onData);
    input.on('end', done);
    input.resume?.();
  });
}

async function prune(ctx: DockerCliContext, p: Parsed): Promise<number> {
  if (!flagBool(p.flags, 'force') && !ctx.dryRun) {
    ctx.io.out(PRUNE_WARNING);
    if (!/^y(es)?$/i.test(await answer(ctx))) return 0;
  }
  const model = standing();
  if (!model || unusedNetworks(model.engine).length === 0) return 0;
  let unused: string[] = [];
  await change(ctx, (current) => {
    unused = unusedNetworks(current.engine);
    return unused.length ? [{ kind: 'network-prune' }] : [];
  });
  if (unused.length) say(ctx, `Deleted Networks:\n${unused.join('\n')}\n\n`);
  return 0;
}

async function connect(ctx: DockerCliContext, p: Parsed): Promise<number> {
  if (flagList(p.flags, 'ip6').length || flagList(p.flags, 'link').length || flagList(p.flags, 'link-local-ip').length) throw new ClientError('--ip6, --link and --link-local-ip are docker flags nslab does not rebuild', { hint: 'leave them out' });
  const [net, ref] = p.args as [string, string];
  const gwPriority = gwPriorityFlag(ctx, p);
  await change(ctx, (current) => {
    // dockerd finds the container before the network.
    const s = anyContainer(current, ref);
    return [{ kind: 'network-connect', network: network(current, net).name, container: s.name, ip: flagString(p.flags, 'ip'), aliases: flagList(p.flags, 'alias'), ...(gwPriority === undefined ? {} : { gwPriority }) }];
  });
  return 0;
}

async function disconnect(ctx: DockerCliContext, p: Parsed): Promise<number> {
  const [net, ref] = p.args as [string, string];
  await change(ctx, (current) => {
    const s = anyContainer(current, ref);
    const n = network(current, net);
    const on = s.sandbox ? s.sandbox.endpoints.some((e) => e.network === n.name) : current.containers.get(s.name)?.networks.includes(n.name);
    if (!on) throw new NslabError(`container ${s.id} is not connected to network ${n.name}`, { hint: `docker network connect ${n.name} ${ref} first` });
    return [{ kind: 'network-disconnect', network: n.name, container: s.name }];
  });
  return 0;
}

const FORMAT: FlagSpec = { name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' };
const list = (name: string, help: string, short?: string): FlagSpec => ({ name, kind: 'list', help, ...(short ? { short } : {}) });

export const NETWORK_COMMANDS: readonly DockerCommandDef[] = [
  {
    path: 'network create',
    usage: '[OPTIONS] NETWORK',
    summary: 'Create a network',
    flags: [
      { name: 'driver', short: 'd', kind: 'string', help: 'Driver to manage the Network (bridge, macvlan)' },
      list('subnet', 'Subnet in CIDR format that represents a network segment'),
      list('gateway', 'IPv4 Gateway for the master subnet'),
      list('ip-range', 'Allocate container ip from a sub-range'),
      { name: 'internal', kind: 'bool', help: 'Restrict external access to the network' },
      list('opt', 'Set driver specific options', 'o'),
      list('label', 'Set metadata on a network'),
      { name: 'attachable', kind: 'bool', help: 'Enable manual container attachment', inert: true },
      { name: 'scope', kind: 'string', help: "Control the network's scope", inert: true },
      { name: 'ipv4', kind: 'bool', help: 'Enable or disable IPv4 address assignment' },
      { name: 'ipv6', kind: 'bool', help: 'Enable or disable IPv6 address assignment' },
      list('aux-address', 'Auxiliary IPv4 or IPv6 addresses used by Network driver'),
      { name: 'ipam-driver', kind: 'string', help: '(not rebuilt)' },
      list('ipam-opt', '(not rebuilt)'),
      { name: 'config-only', kind: 'bool', help: '(not rebuilt)' },
      { name: 'config-from', kind: 'string', help: '(not rebuilt)' },
      { name: 'ingress', kind: 'bool', help: '(not rebuilt)' },
    ],
    interspersed: true,
    args: { min: 1, max: 1 },
    changes: true,
    run: create,
  },
  {
    path: 'network ls',
    usage: '[OPTIONS]',
    summary: 'List networks',
    flags: [{ name: 'quiet', short: 'q', kind: 'bool', help: 'Only display network IDs' }, { ...FORMAT, short: undefined }, list('filter', 'Provide filter values (e.g. "driver=bridge")', 'f'), { name: 'no-trunc', kind: 'bool', help: 'Do not truncate the output' }],
    interspersed: true,
    args: { min: 0, max: 0 },
    changes: false,
    run: ls,
  },
  { path: 'network inspect', usage: '[OPTIONS] NETWORK [NETWORK...]', summary: 'Display detailed information on one or more networks', flags: [FORMAT, { name: 'verbose', short: 'v', kind: 'bool', help: 'Verbose output for diagnostics', inert: true }], interspersed: true, args: { min: 1 }, changes: false, reads: true, run: inspect },
  { path: 'network rm', usage: 'NETWORK [NETWORK...]', summary: 'Remove one or more networks', flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'Do not error if the network does not exist', inert: true }], interspersed: true, args: { min: 1 }, changes: true, run: rm },
  { path: 'network prune', usage: '[OPTIONS]', summary: 'Remove all unused networks', flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' }, list('filter', 'Provide filter values (e.g. "until=<timestamp>")')], interspersed: true, args: { min: 0, max: 0 }, changes: true, run: prune },
  {
    path: 'network connect',
    usage: '[OPTIONS] NETWORK CONTAINER',
    summary: 'Connect a container to a network',
    flags: [
      { name: 'ip', kind: 'string', help: 'IPv4 address (e.g., "172.30.100.104")' },
      list('alias', 'Add network-scoped alias for the container'),
      list('ip6', '(not rebuilt)'),
      list('link', '(not rebuilt)'),
      list('link-local-ip', '(not rebuilt)'),
      { name: 'gw-priority', kind: 'string', help: 'Highest gw-priority provides the default gateway (Docker 28 and later)' },
    ],
    interspersed: true,
    args: { min: 2, max: 2 },
    changes: true,
    run: connect,
  },
  { path: 'network disconnect', usage: '[OPTIONS] NETWORK CONTAINER', summary: 'Disconnect a container from a network', flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'Force the container to disconnect from a network', inert: true }], interspersed: true, args: { min: 2, max: 2 }, changes: true, run: disconnect },
];
