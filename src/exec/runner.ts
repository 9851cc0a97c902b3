import type { BatchOutcome } from './batch.js';
import type { Cmd } from './command.js';
import { renderCmd } from './command.js';
import { NslabError } from '../errors.js';
import { failureHint, stderrOneLine } from './failure-hints.js';

export interface CmdResult {
  readonly cmd: Cmd;
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
}

export interface RunOptions {
  /** Return a failed result instead of throwing. */
  readonly allowFail?: boolean;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export interface StartOptions {
  /** Resolve once a line of stdout matches; reject if the process exits first. */
  readonly ready?: RegExp;
  /** Where `ready` is looked for: tcpdump says "listening on" on stderr. */
  readonly readyOn?: 'stdout' | 'stderr';
  readonly timeoutMs?: number;
  /**
   * Give it a standard input that nslab holds open and never writes: it reads EOF the moment
   * nslab exits, however nslab exits (SIGKILL included). A lock's holder lives exactly that long.
   */
  readonly tiedToUs?: boolean;
}

/** A process left running in the background (a server a probe talks to). */
export interface Background {
  readonly pid: number | undefined;
  /** The stdout line that matched `ready`, if one was asked for. */
  readonly readyLine: string | undefined;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Kill it and wait for it to exit. */
  stop(): Promise<void>;
}

/** A shell on a pseudo-terminal (the web page's terminal into a node). */
export interface Terminal {
  readonly pid: number;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  onData(listener: (data: string) => void): void;
  onExit(listener: (exitCode: number) => void): void;
  /** Hang up on it (SIGHUP, as a closed terminal does). */
  kill(): void;
}

/** Commands run as one process (see batch.ts). */
export interface BatchResult {
  /** One per command, in order. */
  readonly outcomes: readonly BatchOutcome[];
  /**
   * Why the batch failed, as if the failing command had run alone (its cmd, exit code and
   * stderr); the batch process's own result when the failing line cannot be told.
   */
  readonly error: CmdResult | undefined;
}

/**
 * The only door to process execution. The real runner spawns; the recording runner
 * (dry-run, unit tests) writes down what would run and answers from a script.
 */
export interface Runner {
  readonly dryRun: boolean;
  run(cmd: Cmd, options?: RunOptions): Promise<CmdResult>;
  /**
   * Runs commands that share a batch key (see batch.ts), or `ip` commands of several lab
   * namespaces grouped by namespace (see fan-out.ts), in one process, stopping at the
   * first failure. Never throws for a failing command: the outcomes say what applied.
   */
  runBatch(cmds: readonly Cmd[]): Promise<BatchResult>;
  /**
   * Runs independent commands, `parallel` at a time, from one spawn of nslab's (through
   * xargs): a hundred probes cost one spawn instead of a hundred. Never throws for a failing
   * command: each result says how it ended.
   */
  runEach(cmds: readonly Cmd[], options?: { readonly timeoutMs?: number; readonly parallel?: number }): Promise<CmdResult[]>;
  start(cmd: Cmd, options?: StartOptions): Promise<Background>;
  /** Runs with the terminal attached (`nslab exec`); resolves to the exit code. */
  attach(cmd: Cmd): Promise<number>;
  /** Runs on a pseudo-terminal of its own, which the caller reads and writes (`nslab web`). */
  terminal(cmd: Cmd, size: { readonly cols: number; readonly rows: number }): Promise<Terminal>;
}

/**
 * A command that failed: its whole stderr (the real cause is often not the last line, as
 * with `ip netns exec`'s "mount --make-rslave / failed" before its exit), and where one is
 * known, what it means for the lab (failure-hints.ts).
 */
export class CommandError extends NslabError {
  readonly result: CmdResult;

  constructor(result: CmdResult) {
    const why = result.timedOut ? 'timed out' : `exit ${result.exitCode}`;
    const stderr = stderrOneLine(result.stderr);
    const hint = failureHint(result);
    super(`\`${renderCmd(result.cmd)}\` failed (${why})${stderr ? `: ${stderr}` : ''}`, hint === undefined ? {} : { hint });
    this.name = 'CommandError';
    this.result = result;
  }
}
