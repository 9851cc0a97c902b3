import type { CommandModule } from 'yargs';
import { NslabError } from '../../errors.js';
import { namespaceNames } from '../../kernel/netns-fs.js';
import { allLabs } from '../../plan/catalogue.js';
import { listInstanceNames, readManifest, staleClaim } from '../../lifecycle/state.js';
import { NS_PREFIX, parseNsName } from '../../model/names.js';
import { table } from '../../text/table.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

export function lsCommand(action: Action): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    handler: action<GlobalArgs>({ kernel: false, readsOnly: 'reads the records and the kernel' }, async (ctx) => {
      const labs = allLabs().map((l) => ({ id: l.id, title: l.title, summary: l.summary }));
      const running = listInstanceNames().map((name) => {
        try {
          const m = readManifest(name);
          const state = staleClaim(name) ? 'crashed while building (`nslab down` undoes it)' : `${m.state ?? 'up'}${m.step === undefined ? '' : ` at step ${m.step}`}`;
          return { name, lab: m.id, since: m.createdAt, state, ...(m.step === undefined ? {} : { step: m.step }) };
        } catch (err) {
          // A directory without a manifest: a server's pid file from a lab's dry-run script run by hand.
          const missing = err instanceof NslabError && err.message.endsWith('is not up');
          return { name, lab: '?', since: missing ? `no record (built outside nslab? \`nslab clean ${name}\`)` : 'unreadable record', state: 'unknown (`nslab clean <name>` removes it)' };
        }
      });
      const namespaces = namespaceNames().filter((n) => n.startsWith(NS_PREFIX));
      const stray = namespaces.filter((n) => !running.some((r) => parseNsName(n)?.lab === r.name)).sort();
      if (ctx.json) {
        printJson(ctx.io, { labs, running, stray });
        return 0;
      }
      ctx.io.out(`Labs:\n${table(['id', 'summary'], labs.map((l) => [l.id, l.summary]))}\n\n`);
      ctx.io.out(running.length ? `Running:\n${table(['name', 'lab', 'since', 'state'], running.map((r) => [r.name, r.lab, r.since, r.state]))}\n` : 'Running: none\n');
      if (stray.length) ctx.io.out(`\nNamespaces no lab record owns (remove with \`nslab clean\`): ${stray.join(', ')}\n`);
      return 0;
    }),
  };
}
