import type { Argv, CommandModule } from 'yargs';
import { peerRows, renderPeers } from '../../inspect/peers.js';
import { labNamespaces, readNamespace } from '../../inspect/world.js';
import { namespaceNames } from '../../kernel/netns-fs.js';
import { validateLabName } from '../../model/names.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { lab?: string };

export function peersCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) => y.positional('lab', { type: 'string', describe: 'only the namespaces nslab-<lab>-*' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'reads the kernel' }, async (ctx, args) => {
      const names: (string | undefined)[] = args.lab === undefined ? [undefined, ...namespaceNames()] : await labNamespaces(ctx.runner, validateLabName(args.lab));
      // A namespace can vanish between the listing and the read (another tool deleting it):
      // it then has nothing to show, which is not an error.
      const read = await Promise.all(names.map((ns) => readNamespace(ctx.runner, ns, { rules: false }).catch(() => undefined)));
      const world = read.filter((w) => w !== undefined);
      const rows = peerRows(world);
      if (ctx.json) printJson(ctx.io, rows);
      else ctx.io.out(renderPeers(rows));
      return 0;
    }),
  };
}
