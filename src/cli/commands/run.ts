import type { Argv, CommandModule } from 'yargs';
import { InterruptedError, signalsDelivered, stopSignalOf, untilAborted } from '../../lab/interrupt.js';
import { labDown, labUp } from '../../lab/lifecycle.js';
import type { Outcome } from '../../verify/expectation.js';
import type { Action, GlobalArgs } from '../context.js';
import { printJson } from '../context.js';
import { labPositional, outcomeExit, printDryRun, printOutcomes, resolveLab, topologyPicture, verifyModel, type LabArgs } from '../shared.js';

export function runCommand(action: Action): CommandModule<GlobalArgs, GlobalArgs & LabArgs> {
  return {
    command: 'run <lab>',
    describe: 'Build a lab, verify it by sending packets, show the topology, and tear it down',
    builder: (y: Argv<GlobalArgs>) => labPositional(y) as Argv<GlobalArgs & LabArgs>,
    handler: action<GlobalArgs & LabArgs>({ kernel: true, interruptible: true }, async (ctx, args) => {
      const { model, env, options } = resolveLab(args);
      if (ctx.dryRun) {
        printDryRun(ctx, model, `nslab run ${args.lab}`);
        return 0;
      }
      const started = performance.now();
      // Step checks are labelled with their step: they describe the lab mid-way, not at the end.
      const stepOutcomes: Outcome[] = [];
      await labUp(model, env, options, ctx.runner, {
        signal: ctx.signal,
        afterStep: async (step, i) => {
          if (!step.checks?.length) return;
          const got = await verifyModel(ctx, model, step.checks);
          stepOutcomes.push(...got.map((o) => ({ ...o, title: `[step ${i + 1}] ${o.title}` })));
        },
      });
      let outcomes: Outcome[] = [];
      let picture = '';
      try {
        // Ctrl-C stops waiting for probes at once; the lab is torn down below either way.
        outcomes = [...stepOutcomes, ...(await untilAborted(verifyModel(ctx, model), ctx.signal))];
        picture = await untilAborted(topologyPicture(ctx, model), ctx.signal);
      } catch (err) {
        if (!ctx.signal?.aborted) throw err;
      } finally {
        await labDown(model.name, ctx.runner);
      }
      await signalsDelivered();
      const sig = stopSignalOf(ctx.signal);
      if (sig) throw new InterruptedError(sig, `lab ${model.name} was built and is now torn down; verification did not finish`);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (ctx.json) {
        printJson(ctx.io, { lab: model.id, name: model.name, pass: outcomeExit(outcomes) === 0, outcomes, seconds: Number(seconds) });
      } else {
        ctx.io.out(`${model.title}: built ${model.steps.length} steps, verified, torn down in ${seconds} s\n\n${picture}`);
        printOutcomes(ctx, model, outcomes);
      }
      return outcomeExit(outcomes);
    }),
  };
}
