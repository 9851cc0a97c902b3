import type { Argv, CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { preflight } from '../../kernel/preflight.js';
import { detectEnv } from '../../plan/build.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import { startWeb } from '../../web/server.js';
import { labOptions, type LabOptionArgs } from '../lab-options.js';
import { resolveLab } from '../shared.js';

type Args = GlobalArgs & LabOptionArgs & { lab: string; name?: string; host: string; port: number };

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

export function webCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      labOptions(
        y
          .positional('lab', { type: 'string', default: 'docker0', describe: 'the lab the page opens on (another can be chosen in the page while nothing is built)' })
          .option('name', { type: 'string', describe: 'instance name: namespaces become nslab-<name>-<node> (default: the lab id)' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on; anything but loopback lets other machines try the door (the token still guards it)' })
          .option('port', { type: 'number', default: 7420, describe: 'port to listen on (0: any free one)' }),
      ) as unknown as Argv<Args>,
    handler: action<Args>({ kernel: false, interruptible: true, onStop: 'closing the page; the lab stays as it stands' }, async (ctx, args) => {
      if (ctx.dryRun) throw new NslabError('nslab web has no --dry-run: its page shows every step\'s commands before they run', { hint: `\`nslab up ${args.lab} --dry-run\` prints them all as a shell script` });
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new NslabError(`--port ${String(args.port)} is not a port (0 to 65535)`, { hint: 'e.g. --port 7420, or --port 0 for any free one' });
      preflight();
      const choose = (lab: string) => resolveLab({ ...args, lab, name: lab === args.lab ? args.name : undefined });
      const host = args.host === 'localhost' ? '127.0.0.1' : args.host;
      if (!LOOPBACK.includes(args.host)) ctx.io.err(`nslab web: WARNING: listening on ${host}, not loopback: anyone who can reach it may knock; only the token printed below lets them in\n`);
      let web;
      try {
        web = await startWeb({ lab: args.lab, host, port: args.port, runner: ctx.runner, choose, env: detectEnv, signal: ctx.signal });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new NslabError(`port ${args.port} on ${host} is taken`, { hint: 'another nslab web may be running; pick another with --port N (or --port 0)' });
        throw err;
      }
      if (ctx.json) printJson(ctx.io, { url: web.url, lab: web.session.model.id, name: web.session.name });
      else ctx.io.out(`nslab web: lab ${web.session.model.id} (${web.session.model.title})\n  open ${web.url}\n  Ctrl-C stops the page; the lab stays as it stands (\`nslab down ${web.session.name}\` removes it)\n`);
      await new Promise<void>((resolve) => {
        if (ctx.signal?.aborted) resolve();
        ctx.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      // A change the signal interrupted rolls itself back first; then the page goes.
      await web.session.idle();
      await web.close();
      const at = web.session.view().at;
      ctx.io.err(at > 0 ? `nslab web: stopped; lab ${web.session.name} stands at step ${at}: \`nslab down ${web.session.name}\` removes it\n` : 'nslab web: stopped; nothing is built\n');
      return 0;
    }),
  };
}
