import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { inspectNetworks, selectNetwork } from '../../inspect/network-inspect.js';
import { readLab } from '../../inspect/world.js';
import { validateLabName } from '../../model/names.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { lab: string; network?: string };

export function inspectCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('lab', { type: 'string', demandOption: true, describe: 'lab instance name (namespaces nslab-<lab>-*)' })
        .positional('network', { type: 'string', describe: 'network name ("bridge" is docker0), bridge name, or id prefix' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'reads the kernel' }, async (ctx, args) => {
      const networks = inspectNetworks(await readLab(ctx.runner, validateLabName(args.lab)));
      const chosen = args.network === undefined ? networks : selectNetwork(networks, args.network);
      if (chosen.length === 0) {
        throw new NslabError(`no network ${JSON.stringify(args.network)} in lab ${args.lab}`, { hint: `networks: ${networks.map((n) => n.Name).join(', ') || 'none (no bridge in its namespaces)'}` });
      }
      // Like docker, the answer is always a JSON array, --json or not.
      printJson(ctx.io, chosen);
      return 0;
    }),
  };
}
