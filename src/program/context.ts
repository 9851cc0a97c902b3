import { formatError, NslabError } from '../errors.js';
import { RealRunner } from '../exec/real-runner.js';
import { RecordingRunner } from '../exec/recording-runner.js';
import type { Runner } from '../exec/runner.js';
import { preflight } from '../kernel/preflight.js';
import { withInterrupts } from '../lifecycle/interrupt.js';
import { createLogger, type CommandLog } from '../log.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Where guided mode reads Enter/q; only a TTY makes it wait. */
  readonly input?: (NodeJS.ReadableStream & { readonly isTTY?: boolean }) | undefined;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  input: process.stdin,
};

export interface GlobalArgs {
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
}

export interface Context extends GlobalArgs {
  readonly io: Io;
  readonly runner: Runner;
  readonly logger: CommandLog;
  /** Aborted by Ctrl-C (SIGINT), SIGTERM or SIGHUP in commands that build a lab. */
  readonly signal: AbortSignal | undefined;
}

export interface ActionOptions {
  /** Changes or reads the kernel: needs root, namespaces and tools, except in dry-run. */
  readonly kernel: boolean;
  /** Builds a lab: a stop signal tears it down instead of killing nslab (see withInterrupts). */
  readonly interruptible?: boolean;
  /** What a stop signal makes the command do, in its words (default: tear the lab down). */
  readonly onStop?: string;
  /**
   * What the command does instead of changing anything ("sends packets to check a running
   * lab"): it has nothing to dry-run, and says so when asked for --dry-run.
   */
  readonly readsOnly?: string;
}

/** The words of a command that changes nothing, asked for --dry-run. */
export function noDryRun(command: string, does: string): NslabError {
  return new NslabError(`nslab ${command} ${does} and changes nothing, so it has no --dry-run`, { hint: 'run it without --dry-run; --dry-run is for the commands that change the kernel (run, up, lab, down, clean, docker and compose changes, exercise start and reset, doctor --fix)' });
}

/**
 * Wraps a command handler: preflight, a context, and one place that turns errors into a
 * one-line message and an exit code. Handlers return their exit code; none calls exit().
 */
/** The runner a command gets: a recorder in dry-run, else the real one (echoing with --verbose). */
export function runnerFor(io: Io): (dryRun: boolean, verbose: boolean) => Runner {
  return (dryRun, verbose) => (dryRun ? new RecordingRunner({ dryRun: true }) : new RealRunner({ logger: createLogger(), echo: verbose ? (line) => io.err(`${line}\n`) : undefined }));
}

export function makeAction(io: Io, setExit: (code: number) => void) {
  return <A extends GlobalArgs>(options: ActionOptions, handler: (ctx: Context, args: A) => Promise<number>) =>
    async (args: A): Promise<void> => {
      try {
        if (options.readsOnly && args.dryRun) throw noDryRun(String((args as unknown as { _?: unknown[] })._?.[0] ?? 'this command'), options.readsOnly);
        if (options.kernel && !args.dryRun) preflight();
        const logger = createLogger();
        const runner: Runner = runnerFor(io)(args.dryRun, args.verbose);
        const run = (signal: AbortSignal | undefined) =>
          handler({ io, runner, logger, signal, dryRun: args.dryRun, json: args.json, verbose: args.verbose }, args);
        setExit(options.interruptible && !args.dryRun ? await withInterrupts((line) => io.err(`\n${line}\n`), run, options.onStop) : await run(undefined));
      } catch (err) {
        io.err(`${formatError(err)}\n`);
        setExit(err instanceof NslabError ? err.exitCode : 1);
      }
    };
}

export type Action = ReturnType<typeof makeAction>;

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
