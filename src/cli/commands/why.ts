import type { Argv, CommandModule } from 'yargs';
import { asksIpv6, resolveEnds } from '../../inspect/endpoints.js';
import { ownerOf } from '../../inspect/route-lookup.js';
import { renderWhy } from '../../guide/looks.js';
import { localize, tr } from '../../text/i18n.js';
import { why } from '../../inspect/why.js';
import { ipv6View, readLab } from '../../inspect/world.js';
import { isIpv6 } from '../../model/ipam6.js';
import { validateLabName } from '../../model/names.js';
import { ping, tcpConnect } from '../../verify/probes.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { lab: string; from: string; to: string; port?: number };

export function whyCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('lab', { type: 'string', demandOption: true })
        .positional('from', { type: 'string', demandOption: true, describe: 'node the packet starts in (c1, host, ...)' })
        .positional('to', { type: 'string', demandOption: true, describe: 'node, or IPv4 or IPv6 address' })
        .option('port', { type: 'number', describe: 'a TCP port: for rules that match on it, and a real connection to it at the end' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'reads the kernel' }, async (ctx, args) => {
      const world = await readLab(ctx.runner, validateLabName(args.lab), { ipv6: asksIpv6(args.to) });
      const { from, dst } = resolveEnds(world, args.lab, args.from, args.to);
      const hops = why(world, from, dst, args.port === undefined ? 'icmp' : 'tcp', args.port);
      const broken = hops.find((h) => !h.ok);
      // Confirm by a real packet, but only to an address one of the lab's namespaces holds:
      // a ping, or with --port a real TCP connection (a ping says nothing about a port).
      const inLab = world.some((w) => ownerOf(isIpv6(dst) ? ipv6View(w) : w, dst));
      const probe = inLab && args.port === undefined ? await ping(ctx.runner, from.ns, dst) : undefined;
      const connect = inLab && args.port !== undefined ? await tcpConnect(ctx.runner, from.ns, dst, args.port) : undefined;
      if (ctx.json) printJson(ctx.io, { lab: args.lab, from: args.from, to: dst, hops, broken: broken ?? null, ping: probe ?? null, connect: connect ?? null });
      else {
        ctx.io.out(`${args.from} -> ${dst}${args.port === undefined ? '' : `:${args.port}`}:\n${renderWhy(hops)}`);
        if (probe) ctx.io.out(`${probe.reached ? tr`ping ${dst} from ${args.from}: reached (${localize(probe.detail)})` : tr`ping ${dst} from ${args.from}: not reached (${localize(probe.detail)})`}\n`);
        if (connect) ctx.io.out(`${connect.reached ? tr`TCP connection to ${dst}:${args.port} from ${args.from}: ${localize(connect.detail)}` : tr`TCP connection to ${dst}:${args.port} from ${args.from}: failed (${localize(connect.detail)})`}\n`);
      }
      return broken ? 1 : 0;
    }),
  };
}
