import yargs, { type Argv, type CommandModule } from 'yargs';
import { loadLabs } from '../plan/catalogue.js';
import { formatError, NslabError } from '../errors.js';
import { chooseLanguage, languages } from '../text/language.js';
import { useLanguage } from '../text/i18n.js';
import { makeAction, processIo, type Action, type GlobalArgs, type Io } from '../program/context.js';

// Every command's line for `nslab --help`, and where it lives. Only the command asked for is
// loaded (with what it imports): `nslab --help` and `nslab ls` do not pay for the Docker
// model, the diagrams or compose's YAML and schema.
// Each module gives its builder and handler (typed for its own arguments); the line is here.
/** A command with a grammar of its own (docker's), handed the words after its name. */
type Raw = (argv: readonly string[], io: Io, globals: { json: boolean; dryRun: boolean; verbose: boolean }) => Promise<number>;

const COMMANDS: readonly { command: string; describe: string; load: () => Promise<(action: Action) => unknown>; raw?: () => Promise<Raw> }[] = [
  { command: 'run <lab>', describe: 'Build a lab, verify it by sending packets, show the topology, and tear it down', load: async () => (await import('./commands/run.js')).runCommand },
  { command: 'up <lab>', describe: 'Build a lab (all of it, or through --step N / --until <title>) and leave it running', load: async () => (await import('./commands/up.js')).upCommand },
  { command: 'down <name>', describe: 'Remove everything a running lab created, exactly as its journal recorded it', load: async () => (await import('./commands/down.js')).downCommand },
  { command: 'verify <name>', describe: "Re-check a running lab's expectations by sending packets", load: async () => (await import('./commands/verify.js')).verifyCommand },
  { command: 'exec <name> <node> [command..]', describe: 'Run a command inside a node of a running lab, e.g. `nslab exec docker0 c1 -- ip addr`', load: async () => (await import('./commands/exec.js')).execCommand },
  { command: 'lab <lab>', describe: 'Walk through a lab step by step (`nslab lab list` lists them; `nslab lab 3` works too)', load: async () => (await import('./commands/lab.js')).labCommand },
  {
    command: 'docker <command>',
    describe: "Docker's CLI on a sandbox docker host of your own: run, exec, ps, rm, inspect, port, attach, network create/ls/inspect/rm/prune/connect/disconnect, reset (nslab docker --help)",
    load: async () => () => undefined,
    raw: async () => (await import('./commands/docker.js')).dockerCommand,
  },
  {
    command: 'compose <command>',
    describe: "A compose file's networks and services on the sandbox docker host: [-f FILE] up | down | ps | config | verify | exec SERVICE CMD...",
    load: async () => () => undefined,
    raw: async () => (await import('./commands/compose.js')).composeCommand,
  },
  { command: 'ls', describe: 'List the labs, the running ones, and stray nslab namespaces', load: async () => (await import('./commands/ls.js')).lsCommand },
  { command: 'clean [name]', describe: 'Remove every lab (or only lab <name>) and leftover nslab- namespaces, even without a journal', load: async () => (await import('./commands/clean.js')).cleanCommand },
  { command: 'doctor', describe: 'Check tools, privileges, kernel link types and neighbour table limits for a lab size', load: async () => (await import('./commands/doctor.js')).doctorCommand },
  { command: 'inspect <lab> [network]', describe: "A lab's bridge networks as `docker network inspect` shows them, read from the kernel", load: async () => (await import('./commands/inspect.js')).inspectCommand },
  { command: 'peers [lab]', describe: 'Every veth pair and where its two ends are: one lab, or every `ip netns` namespace and the root one', load: async () => (await import('./commands/peers.js')).peersCommand },
  { command: 'diagram <lab>', describe: "Draw a lab's live topology in the terminal, and as SVG with --svg <file>", load: async () => (await import('./commands/diagram.js')).diagramCommand },
  { command: 'why <lab> <from> <to>', describe: 'Walk the path a packet from <from> to <to> (a node or an address) would take, and name the first broken hop', load: async () => (await import('./commands/why.js')).whyCommand },
  { command: 'trace <lab> <from> <to>', describe: 'Send one marked packet from <from> to <to> and show, hop by hop from captures in every namespace, where it went and which rule rewrote it', load: async () => (await import('./commands/trace.js')).traceCommand },
  { command: 'web [lab]', describe: 'Open a lab in the browser: its steps, live picture, checks, trace and a terminal per node, on 127.0.0.1 with a token', load: async () => (await import('./commands/web.js')).webCommand },
  { command: 'exercise <action> [id]', describe: 'Build it yourself, nslab checks: list | start <id> | shell <id> | check <id> | hint <id> | reset <id>', load: async () => (await import('./commands/exercise.js')).exerciseCommand },
  { command: 'versions <lab>', describe: "What changes between Docker 27, 28 and 29 for a lab: the rules and objects that differ, and why", load: async () => (await import('./commands/versions.js')).versionsCommand },
  { command: 'compare <lab> [file]', describe: "Hold a lab against a real Docker: a host's saved rules (iptables-save, iptables -S, nft list ruleset), or --real: a real dockerd beside it", load: async () => (await import('./commands/compare.js')).compareCommand },
];

/** The command a command line names: its first word that is not an option. */
const named = (argv: readonly string[]) => COMMANDS.find((c) => c.command.split(' ')[0] === argv.find((a) => !a.startsWith('-')));

/**
 * yargs renders a command's whole help text as soon as its handler has started, to show it
 * should the handler's promise reject: 20 ms of string widths for `up`, on every command.
 * Every handler here settles its own errors (makeAction), so that text is never shown and
 * is not rendered. `--help` and usage errors render help as before. (An internal of yargs:
 * where it is missing, nothing changes.)
 */
function skipHelpCache(parser: Argv<GlobalArgs>): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * A command with its own grammar: nslab's --json, --dry-run and --verbose may come before
 * its name; everything after the name is the command's.
 */
async function rawCommand(load: () => Promise<Raw>, argv: readonly string[], io: Io): Promise<number> {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const before = argv.slice(0, at);
  const unknown = before.filter((a) => !['--json', '--dry-run', '--verbose', '-v'].includes(a));
  if (unknown.length) {
    io.err(`nslab: unknown option ${unknown[0]} before ${argv[at]} (nslab takes --json, --dry-run and --verbose there)\n`);
    return 2;
  }
  await loadLabs();
  try {
    return await (await load())(argv.slice(at + 1), io, { json: before.includes('--json'), dryRun: before.includes('--dry-run'), verbose: before.includes('--verbose') || before.includes('-v') });
  } catch (err) {
    io.err(`${formatError(err)}\n`);
    return err instanceof NslabError ? err.exitCode : 1;
  }
}

/** --lang's value, read before yargs: the words of help and errors depend on it too. */
function langFlag(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (at < 0) return undefined;
  return argv[at]!.includes('=') ? argv[at]!.slice('--lang='.length) : (argv[at + 1] ?? '');
}

/** The CLI as a function: tests call it in-process; bin/nslab.ts calls it with process.argv. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = 0;
  try {
    useLanguage(chooseLanguage(langFlag(argv)));
  } catch (err) {
    io.err(`${formatError(err)}\n`);
    return 2;
  }
  const action = makeAction(io, (c) => (code = c));
  const base = yargs([...argv])
    .scriptName('nslab')
    .usage('$0 <command>\n\nRebuild Docker networking by hand out of namespaces, veth pairs, bridges and iptables, and prove it with packets.')
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the commands as a shell script instead of running them' })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'print every command as it runs' })
    .option('lang', { type: 'string', describe: `the language of the labs' text: ${languages().join(' or ')} (default: from LC_ALL, LC_MESSAGES or LANG; ko_KR.* is Korean)` }) as unknown as Argv<GlobalArgs>;
  // yargs also exposes --dry-run as dryRun (camel-case expansion); the cast above says so.
  const asked = named(argv);
  if (asked?.raw) return rawCommand(asked.raw, argv, io);
  if (asked) await loadLabs();
  let parser = base;
  for (const c of COMMANDS) {
    // Listed for --help; only the one asked for has a builder and a handler.
    const spec = c === asked ? ((await c.load())(action) as CommandModule<GlobalArgs, GlobalArgs>) : undefined;
    parser = spec ? parser.command({ ...spec, command: c.command, describe: c.describe }) : parser.command(c.command, c.describe);
  }
  parser = parser
    .demandCommand(1, 'name a command, e.g. `nslab run docker0`')
    .strict()
    .parserConfiguration({ 'populate--': true })
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false);
  skipHelpCache(parser);
  await parser.parseAsync([...argv], {}, (err, _args, output) => {
    if (output) (err ? io.err : io.out)(`${output}\n`);
    if (err) code = 2;
  });
  return code;
}
