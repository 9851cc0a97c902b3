import { localize, tr } from '../../text/i18n.js';
import { padDisplay } from '../../text/width.js';
import type { Argv, CommandModule } from 'yargs';
import { detectEnv } from '../../plan/build.js';
import { findLab } from '../../plan/catalogue.js';
import { versionsOf } from '../../docker/versions.js';
import { DOCKER_VERSIONS } from '../../docker/profile.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { lab: string };

export function versionsCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) => y.positional('lab', { type: 'string', demandOption: true, describe: 'lab id (see `nslab ls`)' }) as Argv<Args>,
    handler: action<Args>({ kernel: false, readsOnly: 'renders rules' }, async (ctx, args) => {
      const report = versionsOf(findLab(args.lab), detectEnv());
      if (ctx.json) {
        printJson(ctx.io, report);
        return 0;
      }
      const mark = (row: { in: readonly string[] }) => DOCKER_VERSIONS.map((v) => (row.in.includes(v) ? ` ${v} ` : '  . ')).join('');
      const notes = report.notes.length ? [tr`What lab ${report.lab} shows by version:`, ...report.notes.map((n) => `  ${n.in}: ${localize(n.what)}`), ''] : [];
      const lines = [
        ...notes,
        tr`What dockerd writes on the docker host of lab ${report.lab}, by version (iptables; ${report.same} rules are the same in all three):`,
        '',
        ` ${DOCKER_VERSIONS.map((v) => ` ${v} `).join('')}  ${padDisplay(tr`table`, 6)}  ${tr`rule`}`,
        // A reason is printed once for the run of rows it explains.
        ...report.rows.flatMap((r, i) => [
          ` ${mark(r)}  ${r.table.padEnd(6)}  ${r.rule}`,
          ...(r.why && r.why !== report.rows[i + 1]?.why ? [`                 ${''.padEnd(6)}    ${tr`why:`} ${localize(r.why)}`] : []),
        ]),
      ];
      const macs = DOCKER_VERSIONS.map((v) => `  ${v}: ${report.macs[v].join(', ') || tr`(no bridge endpoint)`}`);
      lines.push('', tr`Container MACs (27 derives them from the IP: 02:42:ac:11:...; 28.0 made them random):`, ...macs);
      if (report.nftChains.length > 0) {
        lines.push(
          '',
          tr`Docker 29 with --firewall nftables writes no iptables rule: table ip docker-bridges, chains ${report.nftChains.join(', ')}`,
          tr`(see them: nslab up ${report.lab} --firewall nftables --dry-run).`,
        );
      }
      ctx.io.out(`${lines.join('\n')}\n`);
      return 0;
    }),
  };
}
