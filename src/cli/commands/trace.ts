import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { asksIpv6, resolveEnds } from '../../inspect/endpoints.js';
import { readLab } from '../../inspect/world.js';
import { validateLabName } from '../../model/names.js';
import { renderTrace, traceHighlight } from '../../trace/render.js';
import { protocolOf, trace } from '../../trace/trace.js';
import { renderSvg } from '../../view/diagram-svg.js';
import { layOut } from '../../view/layout.js';
import { buildPicture } from '../../view/picture.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { lab: string; from: string; to: string; port?: number; udp?: boolean; dns?: string; svg?: string };

export function traceCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('lab', { type: 'string', demandOption: true, describe: 'lab, compose project or docker engine name (namespaces nslab-<name>-*)' })
        .positional('from', { type: 'string', demandOption: true, describe: 'node the packet starts in (c1, host, wan, a container name)' })
        .positional('to', { type: 'string', demandOption: true, describe: 'node, container name or IPv4 address' })
        .option('port', { type: 'number', describe: 'send a TCP connection (or with --udp a datagram) to this port instead of a ping' })
        .option('udp', { type: 'boolean', describe: 'with --port: one UDP datagram' })
        .option('dns', { type: 'string', describe: 'with --udp --port 53: a real DNS query for this name (e.g. db)' })
        .option('svg', { type: 'string', describe: 'also write the lab picture with the path drawn and the hops numbered' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'sends one packet and watches it' }, async (ctx, args) => {
      if (args.dns !== undefined && !args.udp) throw new NslabError('--dns sends a DNS query, which needs --udp and --port', { hint: 'e.g. --udp --port 53 --dns db' });
      if (args.udp && args.port === undefined) throw new NslabError('--udp sends one datagram to a port, and no port was given', { hint: 'add --port N (e.g. --port 53)' });
      const world = await readLab(ctx.runner, validateLabName(args.lab), { ipv6: asksIpv6(args.to) });
      const { from, dst } = resolveEnds(world, args.lab, args.from, args.to);
      const result = await trace(ctx.runner, world, { from, to: dst, protocol: protocolOf(args.port, args.udp), port: args.port, dnsName: args.dns });
      if (args.svg) {
        const picture = buildPicture(world);
        const highlight = traceHighlight(picture, [...result.request, ...result.reply]);
        writeFileSync(args.svg, renderSvg(picture, await layOut(picture), `nslab trace ${args.lab}: ${args.from} -> ${dst}${args.port ? `:${args.port}` : ''}`, highlight));
      }
      if (ctx.json) printJson(ctx.io, { lab: args.lab, ...result });
      else ctx.io.out(`${renderTrace(result)}${args.svg ? `wrote ${args.svg}\n` : ''}`);
      return result.arrived ? 0 : 1;
    }),
  };
}
