import { formatError, NslabError } from '../errors.js';
import { resolveProfile } from '../docker/profile.js';
import { sandboxName, sandboxRunning, type ProfileChoice } from '../sandbox/session.js';
import { readManifest } from '../lifecycle/state.js';
import { preflight } from '../kernel/preflight.js';
import { withInterrupts } from '../lifecycle/interrupt.js';
import type { Runner } from '../exec/runner.js';
import { noDryRun, type Io } from '../program/context.js';
import { FlagError, flagBool, flagString, parseFlags, type FlagSpec, type Parsed } from './flags.js';
import { TemplateError } from './template.js';
import { argCountError, dialectOf, failure, unknownCommand, UsageError, type CommandUsage, type Dialect } from './words.js';
import { CONTAINER_COMMANDS } from './containers.js';
import { NETWORK_COMMANDS } from './networks.js';

// `nslab docker ...`: the docker CLI, its grammar, its words and its exit codes, on nslab's
// sandbox engine. Everything after `docker` is read as docker reads it (flags.ts); nslab's
// own options go between `docker` and the command, where docker's global options go.

export interface DockerCliContext {
  readonly io: Io;
  readonly runner: Runner;
  readonly signal: AbortSignal | undefined;
  /** nslab's --json: what a change ran, as JSON. */
  readonly json: boolean;
  readonly dryRun: boolean;
  /** nslab's --quiet: do not list the commands a change ran. */
  readonly quiet: boolean;
  readonly choice: ProfileChoice;
  readonly dialect: Dialect;
}

export interface DockerCommandDef extends CommandUsage {
  readonly flags: readonly FlagSpec[];
  /** false: flags end at the first argument (run, exec: the rest is the container's command). */
  readonly interspersed: boolean;
  readonly args: { readonly min: number; readonly max?: number | undefined };
  /** Changes the engine: needs root, and Ctrl-C tears down what it was building. */
  readonly changes: boolean;
  /** Reads the kernel (inspect, exec): needs root. */
  readonly reads?: boolean | undefined;
  run(ctx: DockerCliContext, p: Parsed): Promise<number>;
}

/** nslab's own options, given before the docker command: `nslab docker --docker 28 run ...`. */
const NSLAB_FLAGS: readonly FlagSpec[] = [
  { name: 'docker', kind: 'string', help: 'the Docker version a new sandbox engine is created as (27, 28, 29)' },
  { name: 'firewall', kind: 'string', help: "Docker 29's firewall backend for a new sandbox engine (iptables, nftables)" },
  { name: 'remote', kind: 'string', help: "a new sandbox engine's remote network (CIDR) beyond the internet router, with a database at its .10:5432" },
  { name: 'quiet', short: 'q', kind: 'bool', help: 'do not list the commands each change ran' },
  { name: 'json', kind: 'bool', help: 'what each change ran, as JSON' },
  { name: 'dry-run', kind: 'bool', help: 'print what a change would run, and run nothing' },
  { name: 'verbose', kind: 'bool', help: 'print every command as it runs' },
  { name: 'real', kind: 'bool', help: "run it on nslab's engine and on a real dockerd (Docker 27: 26.1.5, 28: 28.5.2) side by side, and print every difference" },
  { name: 'help', short: 'h', kind: 'bool', help: 'print usage' },
];

const HELP: FlagSpec = { name: 'help', kind: 'bool', help: 'Print usage' };

export const COMMANDS: readonly DockerCommandDef[] = [...CONTAINER_COMMANDS, ...NETWORK_COMMANDS];

/** Management commands and the words that name each subcommand. */
const MANAGEMENT: Readonly<Record<string, { readonly summary: string; readonly sub: Readonly<Record<string, string>> }>> = {
  network: {
    summary: 'Manage networks',
    sub: { create: 'network create', ls: 'network ls', list: 'network ls', inspect: 'network inspect', rm: 'network rm', remove: 'network rm', prune: 'network prune', connect: 'network connect', disconnect: 'network disconnect' },
  },
  container: {
    summary: 'Manage containers',
    sub: { run: 'run', exec: 'exec', ls: 'ps', ps: 'ps', list: 'ps', rm: 'rm', remove: 'rm', inspect: 'inspect', port: 'port', attach: 'attach', prune: 'container prune' },
  },
};

const byPath = (path: string) => COMMANDS.find((c) => c.path === path);

/** The dialect of the CLI that goes with the engine: the running one's version, or the one asked for. */
function dialectFor(choice: ProfileChoice): Dialect {
  if (sandboxRunning()) {
    const o = readManifest(sandboxName()).options;
    return dialectOf(resolveProfile({ docker: o.docker as string | undefined, firewall: o.firewall as string | undefined }).docker);
  }
  try {
    return dialectOf(resolveProfile(choice).docker);
  } catch {
    return dialectOf(resolveProfile({}).docker);
  }
}

export interface DockerGlobals {
  readonly json: boolean;
  readonly dryRun: boolean;
  readonly verbose: boolean;
  /**
   * `--real`: the command on nslab's engine and on a real dockerd side by side. Handed in by
   * the CLI (realdocker/pair.ts lives floors above, and runs this program for nslab's half).
   */
  readonly real?: RealPair | undefined;
}

export type RealPair = (argv: readonly string[], io: Io, runner: Runner, runnerFor: (dryRun: boolean, verbose: boolean) => Runner, choice: ProfileChoice, run: (argv: readonly string[], io: Io) => Promise<number>) => Promise<number>;

/** Runs one docker command line (the words after `docker`); returns its exit code. */
export async function dockerProgram(argv: readonly string[], io: Io, runnerFor: (dryRun: boolean, verbose: boolean) => Runner, globals: DockerGlobals): Promise<number> {
  let own: Parsed;
  try {
    own = parseFlags(argv, NSLAB_FLAGS, { interspersed: false });
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.err(`nslab docker: ${err.message}\nSee 'nslab docker --help'.\n`);
    return 125;
  }
  const choice: ProfileChoice = { docker: flagString(own.flags, 'docker'), firewall: flagString(own.flags, 'firewall'), remote: flagString(own.flags, 'remote') };
  if (flagBool(own.flags, 'real')) {
    const runner = runnerFor(false, globals.verbose);
    if (!globals.real) {
      io.err('nslab docker: --real is not offered here\n');
      return 125;
    }
    try {
      return await globals.real(own.args, io, runner, runnerFor, choice, (words, captured) => dockerProgram(words, captured, runnerFor, globals));
    } catch (err) {
      if (!(err instanceof NslabError)) throw err;
      io.err(`${formatError(err)}\n`);
      return err.exitCode;
    }
  }
  const dialect = dialectFor(choice);
  const [word, ...rest] = own.args;
  if (word === undefined || flagBool(own.flags, 'help') || word === 'help') {
    io.out(topHelp());
    return 0;
  }
  // A management command names its subcommand next: `docker network ls`, `docker container exec`.
  let path: string | undefined;
  let args = rest;
  const m = MANAGEMENT[word];
  if (m) {
    const [sub, ...after] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.out(managementHelp(word));
      return 0;
    }
    path = m.sub[sub];
    if (path === undefined) {
      io.err(unknownCommand(dialect, [word, sub], managementHelp(word)).stderr);
      return 1;
    }
    args = after;
  } else if (byPath(word)) path = word;
  else {
    io.err(unknownCommand(dialect, [word]).stderr);
    return 1;
  }
  const def = byPath(path)!;
  const shown: DockerCommandDef = m ? { ...def, path: `${word} ${rest[0]}` } : def;
  const dryRun = globals.dryRun || flagBool(own.flags, 'dry-run');
  const ctxBase = {
    io,
    runner: runnerFor(dryRun, globals.verbose || flagBool(own.flags, 'verbose')),
    json: globals.json || flagBool(own.flags, 'json'),
    dryRun,
    quiet: flagBool(own.flags, 'quiet'),
    choice,
    dialect,
  };
  try {
    const parsed = parseFlags(args, [...def.flags, HELP], { interspersed: def.interspersed });
    if (flagBool(parsed.flags, 'help')) {
      io.out(commandHelp(shown));
      return 0;
    }
    const wrongCount = argCountError(dialect, def.args.min, def.args.max, parsed.args.length);
    if (wrongCount) throw wrongCount;
    if (dryRun && !def.changes) {
      io.err(`${formatError(noDryRun(`docker ${shown.path}`, 'reads the engine'))}\n`);
      return 2;
    }
    if ((def.changes || def.reads) && !dryRun) preflight();
    const run = (signal: AbortSignal | undefined) => def.run({ ...ctxBase, signal }, parsed);
    return def.changes && !dryRun ? await withInterrupts((line) => io.err(`\n${line}\n`), run) : await run(undefined);
  } catch (err) {
    if (err instanceof FlagError) return print(io, failure(dialect, shown, new UsageError(err.message, 'flag')));
    if (err instanceof TemplateError) {
      io.err(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof NslabError && err.exitCode !== 130) return print(io, failure(dialect, shown, err));
    throw err;
  }
}

function print(io: Io, p: { stderr: string; code: number }): number {
  io.err(p.stderr);
  return p.code;
}

function flagLines(flags: readonly FlagSpec[]): string {
  const rows = flags.map((f) => [`${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.kind === 'bool' ? '' : f.kind === 'list' ? ' list' : ' string'}`, `${f.help}${f.inert ? ' (accepted; nothing to do in nslab)' : ''}`] as const);
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}   ${b}`).join('\n');
}

function commandHelp(c: DockerCommandDef): string {
  return `\nUsage:  docker ${c.path} ${c.usage}\n\n${c.summary}\n\nOptions:\n${flagLines(c.flags)}\n`;
}

function managementHelp(word: string): string {
  const m = MANAGEMENT[word]!;
  const subs = Object.entries(m.sub).filter(([sub, path], i, all) => all.findIndex(([, p]) => p === path) === i && sub);
  return `\nUsage:  docker ${word} COMMAND\n\n${m.summary}\n\nCommands:\n${subs.map(([sub, path]) => `  ${sub.padEnd(12)}${byPath(path)?.summary ?? ''}`).join('\n')}\n\nRun 'docker ${word} COMMAND --help' for more information on a command.\n`;
}

function topHelp(): string {
  const top = COMMANDS.filter((c) => !c.path.includes(' '));
  return [
    '',
    'Usage:  nslab docker [NSLAB OPTIONS] COMMAND',
    '',
    "The docker CLI's network and container commands, on a sandbox docker host of nslab's own",
    '(namespaces nslab-docker-*), created by the first command and kept until `nslab docker reset`.',
    'Each change prints the ip, iptables and nft commands it ran.',
    '',
    'Management Commands:',
    ...Object.entries(MANAGEMENT).map(([w, m]) => `  ${w.padEnd(12)}${m.summary}`),
    '',
    'Commands:',
    ...top.map((c) => `  ${c.path.padEnd(12)}${c.summary}`),
    '',
    'nslab options (before the command):',
    flagLines(NSLAB_FLAGS),
    '',
  ].join('\n');
}
