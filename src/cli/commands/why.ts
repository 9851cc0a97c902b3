import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { ownerOf } from '../../inspect/route-lookup.js';
import { renderHops, why } from '../../inspect/why.js';
import { readLab, type LiveNamespace } from '../../inspect/world.js';
import { validateLabName } from '../../model/names.js';
import { ping } from '../../verify/probes.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';

type Args = GlobalArgs & { lab: string; from: string; to: string; port?: number };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A node's address to aim at: the first on a veth or bridge, else any that is not loopback. */
function addressOf(n: LiveNamespace): string | undefined {
  const all = n.interfaces.filter((i) => i.kind === 'veth' || i.kind === 'bridge').concat(n.interfaces);
  return all.flatMap((i) => i.addresses).find((a) => !a.startsWith('127.'))?.split('/')[0];
}

export function whyCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    command: 'why <lab> <from> <to>',
    describe: 'Walk the path a packet from <from> to <to> (a node or an address) would take, and name the first broken hop',
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('lab', { type: 'string', demandOption: true })
        .positional('from', { type: 'string', demandOption: true, describe: 'node the packet starts in (c1, host, ...)' })
        .positional('to', { type: 'string', demandOption: true, describe: 'node or IPv4 address' })
        .option('port', { type: 'number', describe: 'a TCP port, for iptables rules that match on it' }) as Argv<Args>,
    handler: action<Args>({ kernel: true }, async (ctx, args) => {
      const world = await readLab(ctx.runner, validateLabName(args.lab));
      const nodes = world.map((w) => w.node).join(', ');
      const from = world.find((w) => w.node === args.from);
      if (!from) throw new NslabError(`lab ${args.lab} has no node ${JSON.stringify(args.from)}`, { hint: `nodes: ${nodes}` });
      const target = world.find((w) => w.node === args.to);
      const dst = IPV4.test(args.to) ? args.to : target && addressOf(target);
      if (!dst) throw new NslabError(`cannot tell which address ${JSON.stringify(args.to)} is`, { hint: `give a node (${nodes}) with an address, or an IPv4 address` });
      const hops = why(world, from, dst, args.port === undefined ? 'icmp' : 'tcp', args.port);
      const broken = hops.find((h) => !h.ok);
      // Confirm by a real packet, but only to an address one of the lab's namespaces holds.
      // A ping says nothing about a TCP port, so with --port the walk stands alone.
      const inLab = world.some((w) => ownerOf(w, dst));
      const probe = inLab && args.port === undefined ? await ping(ctx.runner, from.ns, dst) : undefined;
      if (ctx.json) printJson(ctx.io, { lab: args.lab, from: args.from, to: dst, hops, broken: broken ?? null, ping: probe ?? null });
      else {
        ctx.io.out(`${args.from} -> ${dst}:\n${renderHops(hops)}`);
        ctx.io.out(broken ? `\nFirst broken hop: ${broken.at}: ${broken.what}\n` : '\nNo broken hop found.\n');
        if (probe) ctx.io.out(`ping ${dst} from ${args.from}: ${probe.reached ? `reached (${probe.detail})` : `not reached (${probe.detail})`}\n`);
      }
      return broken ? 1 : 0;
    }),
  };
}
