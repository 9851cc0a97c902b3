import { batchOutcomes, batchProcess } from './batch.js';
import { isFanOut } from './fan-out.js';
import { renderCmd, type Cmd } from './command.js';
import { NslabError } from '../errors.js';
import { CommandError, type Background, type BatchResult, type CmdResult, type RunOptions, type Runner, type Terminal } from './runner.js';

export type Reply = Partial<Pick<CmdResult, 'exitCode' | 'stdout' | 'stderr'>>;
export type Responder = (c: Cmd) => Reply | undefined;

/**
 * Runs nothing. Records every command in order; answers from `responder` (unit tests
 * script failures and outputs with it) or with success and empty output (dry-run).
 */
export class RecordingRunner implements Runner {
  readonly dryRun: boolean;
  readonly commands: Cmd[] = [];
  readonly #responder: Responder;

  constructor(options: { dryRun?: boolean; responder?: Responder } = {}) {
    this.dryRun = options.dryRun ?? true;
    this.#responder = options.responder ?? (() => undefined);
  }

  async run(c: Cmd, options: RunOptions = {}): Promise<CmdResult> {
    this.commands.push(c);
    const reply = this.#responder(c) ?? {};
    const result: CmdResult = {
      cmd: c,
      argv: [],
      exitCode: reply.exitCode ?? 0,
      stdout: reply.stdout ?? '',
      stderr: reply.stderr ?? '',
      durationMs: 0,
      timedOut: false,
    };
    if (result.exitCode !== 0 && !options.allowFail) throw new CommandError(result);
    return result;
  }

  /**
   * Records each command of the batch as if it ran alone (dry-run shows one line per op),
   * stopping at the first failure with the real tools' semantics (see batchOutcomes).
   */
  async runBatch(cmds: readonly Cmd[]): Promise<BatchResult> {
    if (cmds.length > 0 && !isFanOut(cmds)) batchProcess(cmds);
    for (const [i, c] of cmds.entries()) {
      const r = await this.run(c, { allowFail: true });
      if (r.exitCode !== 0) return { outcomes: batchOutcomes(c.file, cmds.length, r.exitCode, i), error: r };
    }
    return { outcomes: batchOutcomes('ip', cmds.length, 0, undefined), error: undefined };
  }

  async runEach(cmds: readonly Cmd[]): Promise<CmdResult[]> {
    const out: CmdResult[] = [];
    for (const c of cmds) out.push(await this.run(c, { allowFail: true }));
    return out;
  }

  async start(c: Cmd): Promise<Background> {
    this.commands.push(c);
    return { pid: undefined, readyLine: undefined, output: () => '', stop: async () => {} };
  }

  async attach(c: Cmd): Promise<number> {
    this.commands.push(c);
    return this.#responder(c)?.exitCode ?? 0;
  }

  async terminal(c: Cmd): Promise<Terminal> {
    this.commands.push(c);
    throw new NslabError(`a terminal cannot be dry-run: \`${renderCmd(c)}\` would open one`, { hint: 'run it without --dry-run' });
  }

  /** The recorded commands as shell lines, for assertions. */
  lines(): string[] {
    return this.commands.map(renderCmd);
  }
}
