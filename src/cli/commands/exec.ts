import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { cmd } from '../../exec/command.js';
import { runningModel } from '../../lifecycle/lifecycle.js';
import type { Action, GlobalArgs } from '../../program/context.js';

type Args = GlobalArgs & { name: string; node: string; command: string[]; '--'?: string[] };

export function execCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('name', { type: 'string', demandOption: true, describe: 'lab instance name' })
        .positional('node', { type: 'string', demandOption: true, describe: 'node: c1, c2, host, wan, ...' })
        .positional('command', { type: 'string', array: true, default: [], describe: 'command and arguments (after --)' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'runs a command in a running lab' }, async (ctx, args) => {
      const { model } = runningModel(args.name);
      const node = model.nodes[args.node];
      if (!node) {
        throw new NslabError(`lab ${args.name} has no node ${JSON.stringify(args.node)}`, { hint: `its nodes: ${Object.keys(model.nodes).join(', ')}` });
      }
      // `nslab exec lab c1 -- ip addr`: what follows -- is the command, untouched by yargs.
      const words = [...args.command, ...(args['--'] ?? [])].map(String);
      const [file, ...rest] = words.length > 0 ? words : ['bash'];
      return ctx.runner.attach(cmd(file!, rest, node.ns));
    }),
  };
}
