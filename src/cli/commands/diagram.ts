import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { readLab } from '../../inspect/world.js';
import { validateLabName } from '../../model/names.js';
import { renderSvg } from '../../view/diagram-svg.js';
import { renderTopology } from '../../view/diagram-text.js';
import { layOut } from '../../view/layout.js';
import { buildPicture } from '../../view/picture.js';
import type { Action, GlobalArgs } from '../../program/context.js';
import { printJson } from '../../program/context.js';

type Args = GlobalArgs & { lab: string; svg?: string };

export function diagramCommand(action: Action): CommandModule<GlobalArgs, Args> {
  return {
    builder: (y: Argv<GlobalArgs>) =>
      y
        .positional('lab', { type: 'string', demandOption: true, describe: 'lab instance name (namespaces nslab-<lab>-*)' })
        .option('svg', { type: 'string', describe: 'also write the picture as an SVG file here' }) as Argv<Args>,
    handler: action<Args>({ kernel: true, readsOnly: 'reads the kernel' }, async (ctx, args) => {
      const world = await readLab(ctx.runner, validateLabName(args.lab));
      const picture = buildPicture(world);
      const text = renderTopology(picture);
      // Only a picture on paper pays for the layout engine.
      if (args.svg) writeFileSync(args.svg, renderSvg(picture, await layOut(picture), `nslab lab ${args.lab}, read from the kernel`));
      if (ctx.json) printJson(ctx.io, { lab: args.lab, text, svg: args.svg ?? null });
      else ctx.io.out(`${text}${args.svg ? `\nwrote ${args.svg}\n` : ''}`);
      return 0;
    }),
  };
}
