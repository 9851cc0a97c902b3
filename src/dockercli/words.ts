import { NslabError } from '../errors.js';

// How the docker CLI words a failure, and its exit code, per CLI generation. The words were
// read off real CLIs (test/fixtures/real-docker/): 26.1.5 for the CLI nslab's Docker 27
// speaks (27's CLI words its errors as 26 does), 28.5.2 for 28 and 29. A hint of nslab's
// own follows on a line of its own, after Docker's words.

export type Dialect = 'docker-26' | 'docker-28';

export function dialectOf(docker: '27' | '28' | '29'): Dialect {
  return docker === '27' ? 'docker-26' : 'docker-28';
}

/** What a command is called and how its usage reads, for the words of its errors. */
export interface CommandUsage {
  /** `run`, `network create`: the words after `docker`. */
  readonly path: string;
  /** `[OPTIONS] IMAGE [COMMAND] [ARG...]` */
  readonly usage: string;
  readonly summary: string;
}

/** The daemon refused (Docker: "Error response from daemon: ..."), as every nslab Engine refusal is. */
export class DaemonError extends NslabError {}

/** The CLI itself refused before asking the daemon (a bad -p, an alias on the default bridge). */
export class ClientError extends NslabError {
  constructor(message: string, options: { hint?: string } = {}) {
    super(message, { ...options, exitCode: 125 });
  }
}

/** A flag or argument the command does not take: a usage error. */
export class UsageError extends NslabError {
  constructor(
    message: string,
    readonly kind: 'flag' | 'args',
    /** Which argument count cobra checked: 28 words the minimum apart from the others. */
    readonly check?: 'min' | 'exact' | 'range' | 'none',
  ) {
    super(message, { exitCode: kind === 'flag' ? 125 : 1 });
  }
}

/** cobra's argument-count checks, in each CLI generation's words. */
export function argCountError(d: Dialect, min: number, max: number | undefined, given: number): UsageError | undefined {
  const n = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  if (max === 0 && given > 0) return new UsageError('accepts no arguments', 'args', 'none');
  if (max === min && given !== min) return new UsageError(`requires ${d === 'docker-26' ? 'exactly ' : ''}${n(min)}`, 'args', 'exact');
  if (max !== undefined && max !== min && (given < min || given > max)) return new UsageError(`requires at least ${min} and at most ${n(max)}`, 'args', 'range');
  if (given < min) return new UsageError(`requires at least ${n(min)}`, 'args', 'min');
  return undefined;
}

export interface Printed {
  readonly stderr: string;
  readonly code: number;
}

const withHint = (text: string, hint: string | undefined): string => `${text}\n${hint ? `hint: ${hint}\n` : ''}`;

/** `docker run`'s errors begin with "docker: " and end with where to get help; they exit 125. */
const RUNS = new Set(['run', 'container run', 'create', 'container create']);

/** The words and exit code of a failed command. */
/** The container was created and could not start (docker run's second half). */
export class StartFailure extends NslabError {}

export function failure(d: Dialect, c: CommandUsage, err: NslabError): Printed {
  const name = `docker ${c.path}`;
  if (err instanceof UsageError && err.kind === 'flag') {
    const text = d === 'docker-26' ? `${err.message}\nSee '${name} --help'.` : `${err.message}\n\nUsage:  ${name} ${c.usage}\n\nRun '${name} --help' for more information`;
    return { stderr: withHint(text, err.hint), code: 125 };
  }
  if (err instanceof UsageError) {
    const text =
      d === 'docker-26'
        ? `"${name}" ${err.message}.\nSee '${name} --help'.\n\nUsage:  ${name} ${c.usage}\n\n${c.summary}`
        : `docker: '${name}' ${err.message}\n\nUsage:  ${name} ${c.usage}\n\n${err.check === 'min' ? 'See' : 'Run'} '${name} --help' for more information`;
    return { stderr: withHint(text, err.hint), code: 1 };
  }
  const fromDaemon = !(err instanceof ClientError);
  const words = `${fromDaemon ? 'Error response from daemon: ' : ''}${err.message}`;
  if (RUNS.has(c.path)) {
    // 26's CLI sends the reader to --help for what the daemon refused at create, not at start.
    const text =
      d === 'docker-26' ? `docker: ${words}${/[.!?]$/.test(words) ? '' : '.'}${err instanceof StartFailure ? '' : `\nSee '${name} --help'.`}` : `docker: ${words}\n\nRun '${name} --help' for more information`;
    return { stderr: withHint(text, err.hint), code: 125 };
  }
  // 28's `network rm` says how it ended once more (cli/command/network/remove.go returns a StatusError).
  const tail = d === 'docker-28' && (c.path === 'network rm' || c.path === 'network remove') ? '\nexit status 1' : '';
  return { stderr: withHint(`${words}${tail}`, err.hint), code: err.exitCode === 2 ? 1 : err.exitCode };
}

/**
 * `docker netork ls`: not a docker command. Under a management command (`docker network
 * nope`) 26 prints that command's usage, `listing`; 28 says which command it did not know.
 */
export function unknownCommand(d: Dialect, words: readonly string[], listing?: string): Printed {
  const [head, sub] = words;
  if (sub === undefined) {
    const text = d === 'docker-26' ? `docker: '${head}' is not a docker command.\nSee 'docker --help'` : `docker: unknown command: docker ${head}\n\nRun 'docker --help' for more information`;
    return { stderr: `${text}\n`, code: 1 };
  }
  if (d === 'docker-26') return { stderr: listing ?? '', code: 1 };
  return { stderr: `docker: unknown command: docker ${head} ${sub}\n\nUsage:  docker ${head}\n\nRun 'docker ${head} --help' for more information\n`, code: 1 };
}
