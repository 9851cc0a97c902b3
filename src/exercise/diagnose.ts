import { say } from '../text/say.js';
import { cmd, renderCmd } from '../exec/command.js';
import type { Interface } from '../kernel/ip-json.js';
import { matchVethPairs } from '../kernel/snapshot.js';
import { ownerOf } from '../inspect/route-lookup.js';
import type { LiveNamespace } from '../inspect/world.js';
import { subnetContains, subnetOf } from '../model/ipam.js';
import { nsName } from '../model/names.js';
import { ping } from '../verify/probes.js';
import type { CheckContext, Finding } from './types.js';

// Requirement checks shared by the exercises. Each returns findings that name the mistake
// and give the exact command that fixes it, in the learner's own namespace names.

export const node = (ctx: CheckContext, n: string): LiveNamespace | undefined => ctx.world.find((w) => w.ns === nsName(ctx.name, n));
const ipCmd = (ctx: CheckContext, n: string, ...args: string[]) => renderCmd(cmd('ip', args, nsName(ctx.name, n)));
const ipOf = (a: string) => a.split('/')[0]!;

export function namespacesExist(ctx: CheckContext, nodes: readonly string[]): Finding {
  const missing = nodes.filter((n) => !node(ctx, n));
  return missing.length === 0
    ? { requirement: say`namespaces ${nodes.map((n) => nsName(ctx.name, n)).join(', ')} exist`, pass: true, detail: say`present` }
    : {
        requirement: say`namespaces ${nodes.map((n) => nsName(ctx.name, n)).join(', ')} exist`,
        pass: false,
        detail: say`missing: ${missing.map((n) => nsName(ctx.name, n)).join(', ')}`,
        mistake: 'missing-namespace',
        hint: missing.map((n) => renderCmd(cmd('ip', ['netns', 'add', nsName(ctx.name, n)]))).join(' && '),
      };
}

export function loUp(ctx: CheckContext, n: string): Finding {
  const lo = node(ctx, n)?.interfaces.find((i) => i.name === 'lo');
  const requirement = `lo is up in ${n}`;
  if (lo?.up) return { requirement, pass: true, detail: say`up` };
  return { requirement, pass: false, detail: say`lo is down: the namespace cannot reach its own addresses`, mistake: 'lo-down', hint: ipCmd(ctx, n, 'link', 'set', 'dev', 'lo', 'up') };
}

export interface EndpointSpec {
  /** Namespace node holding the address, e.g. "c1". */
  readonly node: string;
  /** Address with prefix, e.g. 10.10.1.2/24. */
  readonly address: string;
  /** The node the veth leads to. */
  readonly towards: string;
  /** The veth's far end must be a port of this bridge (in `towards`). */
  readonly bridge?: string | undefined;
  /** Also require the far end up (false when the far end is checked as an endpoint of its own). */
  readonly farEnd?: boolean | undefined;
}

/** The veth from `n` towards `other` that the learner meant for this endpoint. */
function pickVeth(ctx: CheckContext, e: EndpointSpec): { near: Interface; far: Interface } | undefined {
  const me = node(ctx, e.node);
  const them = node(ctx, e.towards);
  if (!me || !them) return undefined;
  const candidates = matchVethPairs(ctx.world)
    .map(([a, b]) => (a.node === me.node && b.node === them.node ? { near: a.iface, far: b.iface } : b.node === me.node && a.node === them.node ? { near: b.iface, far: a.iface } : undefined))
    .filter((c) => c !== undefined);
  const ip = ipOf(e.address);
  return (
    candidates.find((c) => e.bridge !== undefined && c.far.master === e.bridge) ??
    candidates.find((c) => c.near.addresses.some((a) => ipOf(a) === ip)) ??
    candidates.find((c) => c.far.master === undefined) ??
    candidates.sort((x, y) => y.near.index - x.near.index)[0]
  );
}

/** A veth from node to towards, the address on it, both ends up, and (optionally) the far end on a bridge. */
export function endpoint(ctx: CheckContext, e: EndpointSpec): Finding[] {
  const title = `${e.node}: veth to ${e.towards}${e.bridge ? ` (port of ${e.bridge})` : ''} with ${e.address}`;
  const pair = pickVeth(ctx, e);
  if (!pair) {
    const hostEnd = e.bridge ? 'veth' : 'veth0';
    return [{
      requirement: say`${title}: veth exists`,
      pass: false,
      detail: say`no veth pair joins ${e.node} and ${e.towards}`,
      mistake: 'no-veth',
      hint: say`${renderCmd(cmd('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nsName(ctx.name, e.node)], nsName(ctx.name, e.towards)))}`,
    }];
  }
  const findings: Finding[] = [];
  const me = node(ctx, e.node)!;
  const ip = ipOf(e.address);
  const subnet = subnetOf(e.address);
  const { near, far } = pair;
  const requirement = `${e.node}/${near.name} has ${e.address}`;
  if (near.addresses.includes(e.address)) findings.push({ requirement, pass: true, detail: say`assigned` });
  else {
    const elsewhere = ownerOf(me, ip);
    const wrong = near.addresses.find((a) => !subnetContains(subnet, ipOf(a)) || subnetOf(a).cidr !== subnet.cidr);
    if (elsewhere && elsewhere.index !== near.index) {
      const onIt = elsewhere.addresses.find((a) => ipOf(a) === ip)!;
      findings.push({ requirement, pass: false, detail: say`${ip} is on ${elsewhere.name}, not on the veth ${near.name}`, mistake: 'wrong-interface', hint: say`${ipCmd(ctx, e.node, 'addr', 'del', onIt, 'dev', elsewhere.name)} && ${ipCmd(ctx, e.node, 'addr', 'add', e.address, 'dev', near.name)}` });
    } else if (wrong) {
      findings.push({ requirement, pass: false, detail: say`${near.name} has ${wrong}, which is not in ${subnet.cidr}: the two ends are in different subnets`, mistake: 'different-subnets', hint: say`${ipCmd(ctx, e.node, 'addr', 'del', wrong, 'dev', near.name)} && ${ipCmd(ctx, e.node, 'addr', 'add', e.address, 'dev', near.name)}` });
    } else {
      findings.push({ requirement, pass: false, detail: say`${near.name} has no address`, mistake: 'missing-address', hint: ipCmd(ctx, e.node, 'addr', 'add', e.address, 'dev', near.name) });
    }
  }
  const checkFar = e.farEnd ?? true;
  const down = [near.up ? undefined : { n: e.node, i: near }, far.up || !checkFar ? undefined : { n: e.towards, i: far }].filter((d) => d !== undefined);
  const upReq = checkFar ? `both ends up (${e.node}/${near.name}, ${e.towards}/${far.name})` : `${e.node}/${near.name} is up`;
  findings.push(
    down.length === 0
      ? { requirement: upReq, pass: true, detail: say`up` }
      : {
          requirement: upReq,
          pass: false,
          detail: say`${down.map((d) => `${d.n}/${d.i.name}`).join(' and ')} down`,
          mistake: 'end-down',
          hint: down.map((d) => ipCmd(ctx, d.n, 'link', 'set', 'dev', d.i.name, 'up')).join(' && '),
        },
  );
  if (e.bridge) {
    const requirement = `${e.towards}/${far.name} is a port of ${e.bridge}`;
    if (far.master === e.bridge) findings.push({ requirement, pass: true, detail: say`attached` });
    else findings.push({ requirement, pass: false, detail: far.master ? say`it is a port of ${far.master}` : say`it is not attached to any bridge`, mistake: 'not-on-bridge', hint: ipCmd(ctx, e.towards, 'link', 'set', 'dev', far.name, 'master', e.bridge) });
  }
  return findings;
}

/** The bridge exists in `n`, has `address`, and is up. */
export function bridgeReady(ctx: CheckContext, n: string, name: string, address: string): Finding[] {
  const br = node(ctx, n)?.interfaces.find((i) => i.name === name);
  if (!br || br.kind !== 'bridge') {
    return [{ requirement: say`bridge ${name} in ${n}`, pass: false, detail: say`no such bridge`, mistake: 'bridge-down', hint: say`${ipCmd(ctx, n, 'link', 'add', name, 'type', 'bridge')} && ${ipCmd(ctx, n, 'link', 'set', 'dev', name, 'up')}` }];
  }
  return [
    br.addresses.includes(address)
      ? { requirement: say`bridge ${name} has ${address}`, pass: true, detail: say`assigned` }
      : { requirement: say`bridge ${name} has ${address}`, pass: false, detail: say`it has ${br.addresses.join(', ') || 'no address'}`, mistake: 'missing-address', hint: ipCmd(ctx, n, 'addr', 'add', address, 'dev', name) },
    br.up
      ? { requirement: say`bridge ${name} is up`, pass: true, detail: say`up` }
      : { requirement: say`bridge ${name} is up`, pass: false, detail: say`down: it forwards nothing`, mistake: 'bridge-down', hint: ipCmd(ctx, n, 'link', 'set', 'dev', name, 'up') },
  ];
}

export function defaultRoute(ctx: CheckContext, n: string, via: string): Finding {
  const route = node(ctx, n)?.routes.find((r) => r.dst === 'default');
  const requirement = `${n} has a default route via ${via}`;
  if (route?.gateway === via) return { requirement, pass: true, detail: say`default via ${via} dev ${route.dev}` };
  return { requirement, pass: false, detail: route ? say`default via ${route.gateway ?? route.dev}` : say`no default route`, mistake: 'no-default-route', hint: ipCmd(ctx, n, 'route', route ? 'replace' : 'add', 'default', 'via', via) };
}

export function forwarding(ctx: CheckContext, n: string): Finding {
  const requirement = `${n} forwards packets (net.ipv4.ip_forward=1)`;
  if (node(ctx, n)?.forwarding) return { requirement, pass: true, detail: say`on` };
  return { requirement, pass: false, detail: say`off: it drops what is not addressed to it`, mistake: 'ip-forward-off', hint: renderCmd(cmd('sysctl', ['-w', 'net.ipv4.ip_forward=1'], nsName(ctx.name, n))) };
}

/**
 * Pings, from inside the learner's namespace, only addresses some namespace of this
 * exercise holds: nothing is ever sent anywhere else.
 */
export async function reaches(ctx: CheckContext, from: string, to: string, label: string): Promise<Finding> {
  const requirement = `${from} reaches ${label}`;
  const src = node(ctx, from);
  if (!src) return { requirement, pass: false, detail: say`${nsName(ctx.name, from)} does not exist`, hint: renderCmd(cmd('ip', ['netns', 'add', nsName(ctx.name, from)])) };
  if (!ctx.world.some((w) => ownerOf(w, to))) {
    return { requirement, pass: false, detail: say`no namespace of this exercise has ${to}: not pinged`, hint: say`give ${to} to the interface the task names; \`nslab peers ${ctx.name}\` shows what has which address` };
  }
  // Links just brought up may drop the first packets (carrier comes up asynchronously).
  let r = await ping(ctx.runner, src.ns, to);
  for (let attempt = 1; attempt < 3 && !r.reached; attempt++) r = await ping(ctx.runner, src.ns, to);
  return r.reached
    ? { requirement, pass: true, detail: say`ping ${r.detail}` }
    : { requirement, pass: false, detail: say`ping: ${r.detail}`, hint: say`\`nslab why ${ctx.name} ${from} ${to}\` walks the path and names the broken hop` };
}
