import { cmd, isPlainWord, type Cmd } from './command.js';

/**
 * Many commands, one process: `ip -batch -` runs iproute2 lines, `iptables-restore
 * --noflush` runs rule lines. Only commands whose every word is plain (no quoting, no
 * `#`) are batched, so a batch line is the same argv split on spaces; the rest run alone.
 * Nothing here spawns: it turns commands into one command plus its stdin, and turns the
 * tool's answer back into an outcome per command.
 */

/** What became of each command of a batch, in order. */
export type BatchOutcome = 'done' | 'failed' | 'skipped' | 'unknown';

/** Commands that can share a process have the same key. */
export type BatchKey = string;

// iproute2 objects whose commands are safe in a batch (`netns exec` and options like -j are not).
const IP_OBJECTS = new Set(['link', 'addr', 'address', 'route', 'neigh', 'rule']);
const IPT_TABLE = /^(filter|nat|raw|mangle)$/;

function ipBatchable(c: Cmd): boolean {
  const [object, verb] = c.args;
  if (object === 'netns') return c.netns === undefined && (verb === 'add' || verb === 'del');
  return object !== undefined && IP_OBJECTS.has(object);
}

// `iptables -w -t <table> -A|-I <chain> ...`: the form every rule op builds.
function iptablesBatchable(c: Cmd): boolean {
  const [w, t, table, action] = c.args;
  return w === '-w' && t === '-t' && IPT_TABLE.test(table ?? '') && (action === '-A' || action === '-I') && c.args.length > 5;
}

/** The agent's file commands (write-file, remove-file): files outside every namespace. */
const FILE_VERBS = new Set(['write-file', 'remove-file']);
const agentFileOp = (c: Cmd): boolean => c.netns === undefined && (c.args[0]?.endsWith('/agent.mjs') ?? false) && FILE_VERBS.has(c.args[1] ?? '');

/** The batch a command can join, or undefined when it must run in a process of its own. */
export function batchKey(c: Cmd): BatchKey | undefined {
  // Their lines are JSON, so their words may be anything (a resolv.conf's comments).
  if (agentFileOp(c)) return 'files|';
  if (!c.args.every(isPlainWord)) return undefined;
  if (c.file === 'ip' && ipBatchable(c)) return `ip|${c.netns ?? ''}`;
  if (c.file === 'iptables' && iptablesBatchable(c)) return `iptables|${c.netns ?? ''}|${c.args[2]}`;
  return undefined;
}

/** The one process that runs `cmds` (all of one key), and what it reads on stdin. */
export function batchProcess(cmds: readonly Cmd[]): { cmd: Cmd; input: string } {
  const first = cmds[0];
  const key = first === undefined ? undefined : batchKey(first);
  if (first === undefined || key === undefined || cmds.some((c) => batchKey(c) !== key)) {
    throw new Error('batchProcess needs one or more commands of a single batch key');
  }
  if (first.file === 'ip') {
    return { cmd: cmd('ip', ['-batch', '-'], first.netns), input: cmds.map((c) => `${c.args.join(' ')}\n`).join('') };
  }
  // `agent files`: one command per line, as JSON ([verb, path, lines...]).
  if (key === 'files|') return { cmd: cmd(first.file, [first.args[0]!, 'files']), input: cmds.map((c) => `${JSON.stringify(c.args.slice(1))}\n`).join('') };
  const table = first.args[2]!;
  const lines = cmds.map((c) => `${c.args.slice(3).join(' ')}\n`).join('');
  return { cmd: cmd('iptables-restore', ['-w', '--noflush'], first.netns), input: `*${table}\n${lines}COMMIT\n` };
}

/**
 * Which command failed, from the tool's stderr: iproute2 stops at the first failing line
 * and says `Command failed -:N`; iptables-restore says `line N failed` (line 1 is `*table`);
 * the agent's `files` stops at the first too, and says `files: line N failed`.
 */
export function failedIndex(file: string, stderr: string, count: number): number | undefined {
  const m = file === 'ip' ? /Command failed -:(\d+)/.exec(stderr) : file === 'iptables-restore' || file === 'iptables' ? /line (\d+) failed/.exec(stderr) : /^files: line (\d+) failed/m.exec(stderr);
  if (!m) return undefined;
  const index = Number(m[1]) - (file === 'iptables' || file === 'iptables-restore' ? 2 : 1);
  return index >= 0 && index < count ? index : undefined;
}

/**
 * The outcome of each command once the batch process exited. `ip -batch` (and the agent's
 * `files`) applied every line before the failing one and none after it; an iptables-restore commit is atomic, so
 * a failure applies nothing. When the failing line cannot be told, nothing is known.
 */
export function batchOutcomes(file: string, count: number, exitCode: number, failed: number | undefined): BatchOutcome[] {
  if (exitCode === 0) return Array<BatchOutcome>(count).fill('done');
  if (failed === undefined) return Array<BatchOutcome>(count).fill('unknown');
  return Array.from({ length: count }, (_, i): BatchOutcome => {
    if (i === failed) return 'failed';
    if (i < failed && file !== 'iptables' && file !== 'iptables-restore') return 'done';
    return 'skipped';
  });
}
