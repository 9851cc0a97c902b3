import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { compareNft, compareRules, type Comparison } from '../../docker/compare.js';
import { nftListing } from '../../docker/firewall/nftables-listing.js';
import { stableNft } from '../../kernel/nft-listing.js';
import { iptablesListing } from '../../docker/firewall/iptables-listing.js';
import { parseRuleListing } from '../../kernel/iptables-save.js';
import { NslabError } from '../../errors.js';
import { planOps } from '../../plan/plan.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';
import { labPositional, resolveLab, stepOptions, type LabArgs, type StepArgs } from '../shared.js';
import { compareReal } from './compare-real.js';

type Args = GlobalArgs & LabArgs & StepArgs & { file?: string; real?: boolean; keep?: boolean };

function render(c: Comparison, lab: string, file: string): string {
  const side = (title: string, diffs: Comparison['onlyReal']) => (diffs.length === 0 ? [`${title}: nothing`] : [`${title}:`, ...diffs.map((d) => `  ${d.table.padEnd(6)}  ${d.rule}`)]);
  return [
    `${c.same} rules alike (after renaming bridges and addresses, without nslab's tags and counters).`,
    '',
    ...side(`The real host (${file}) has, lab ${lab} lacks`, c.onlyReal),
    '',
    ...side(`Lab ${lab} has, the real host lacks`, c.onlyLab),
    '',
  ].join('\n');
}

export function compareCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      stepOptions(labPositional(y))
        .positional('file', { type: 'string', describe: "what a real host printed (iptables-save, iptables -S or nft list ruleset); or --real" })
        .option('real', { type: 'boolean', describe: "build the lab, and type its docker commands into a real dockerd (Debian's docker.io) beside it; print every difference" })
        .option('keep', { type: 'boolean', describe: 'with --real: leave both running afterwards (nslab down <lab>-nslab, nslab down <lab>-real)' }) as unknown as Argv<Args>,
    handler: action<Args>({ kernel: false, interruptible: true, readsOnly: 'compares rules' }, async (ctx, args) => {
      if (args.real) {
        if (args.file !== undefined) throw new NslabError('give a file or --real, not both', { hint: `nslab compare ${args.lab} FILE holds a host's saved rules; nslab compare ${args.lab} --real builds both` });
        return compareReal(ctx, args);
      }
      if (args.file === undefined) throw new NslabError('compare needs what a real host printed, or --real', { hint: `nslab compare ${args.lab} rules.txt (from \`sudo iptables-save\`), or nslab compare ${args.lab} --real --docker 28` });
      let text: string;
      try {
        text = readFileSync(args.file, 'utf8');
      } catch (err) {
        throw new NslabError(`cannot read ${args.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'save the real host\'s `sudo iptables-save` (or `sudo nft list ruleset`) output to a file first' });
      }
      const nft = /^\s*table ip docker-bridges \{/m.test(text);
      // The lab as the profile builds it, rendered from its plan: nothing needs to run.
      const { model } = resolveLab({ ...args, ...(nft && args.firewall === undefined ? { firewall: 'nftables' } : {}) });
      const host = model.nodes.host?.ns;
      const ops = planOps(model.steps);
      let c: Comparison;
      if (nft) {
        const start = text.search(/^\s*table ip docker-bridges \{/m);
        const end = text.indexOf('\n}', start);
        c = compareNft(stableNft(text.slice(start, end < 0 ? undefined : end + 2)), stableNft(nftListing(ops, host)));
      } else {
        const real = parseRuleListing(text);
        if (Object.keys(real).length === 0) {
          throw new NslabError(`${args.file} holds no iptables rules`, { hint: 'it should hold `iptables-save`, or `iptables -S` per table, from the Docker host' });
        }
        c = compareRules(real, parseRuleListing(iptablesListing(ops, host)));
      }
      if (ctx.json) printJson(ctx.io, c);
      else ctx.io.out(render(c, model.id, args.file!));
      return c.onlyReal.length === 0 && c.onlyLab.length === 0 ? 0 : 1;
    }),
  };
}
