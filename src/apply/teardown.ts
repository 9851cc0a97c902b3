import { AggregateNslabError } from '../errors.js';
import { cmd, type Cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { UndoGuard } from '../ops/op.js';
import type { JournalEntry } from './journal.js';

// Messages that mean the object is already gone: undo treats them as success.
const GONE = [
  /Cannot find device/i,
  /No such file or directory/i,
  /Cannot open network namespace/i,
  /does a matching rule exist/i,
  /No such process/i,
  /RTNETLINK answers: No such/i,
  /Cannot assign requested address/i,
  /not a bridge/i,
  /does not exist/i,
  /is not a member/i,
];

export function isGone(stderr: string): boolean {
  return GONE.some((re) => re.test(stderr));
}

/**
 * The commands that undo a journal, in reverse order. An entry is skipped when it
 * failed, or when an object it lives in is itself removed by this teardown: deleting a
 * namespace takes its links, addresses, routes, sysctls and rules with it.
 */
export function undoCommands(entries: readonly JournalEntry[]): { summary: string; cmd: Cmd; guard?: UndoGuard | undefined }[] {
  const removed = new Set(entries.filter((e) => e.status !== 'failed' && e.creates && e.undo).map((e) => e.creates!));
  return [...entries]
    .reverse()
    .filter((e) => e.status !== 'failed' && e.undo !== undefined)
    .filter((e) => !e.within.some((key) => removed.has(key)))
    .map((e) => ({ summary: `undo: ${e.summary}`, cmd: e.undo!, ...(e.guard ? { guard: e.guard } : {}) }));
}

/** Namespaces the journal created: their processes must die before the namespace can. */
export function createdNamespaces(entries: readonly JournalEntry[]): string[] {
  return entries.filter((e) => e.status !== 'failed' && e.creates?.startsWith('netns:')).map((e) => e.creates!.slice('netns:'.length));
}

/**
 * Undoes everything a journal recorded. Keeps going past failures and reports them all
 * at the end; "not found" counts as done, so teardown can be repeated safely.
 */
export async function teardown(entries: readonly JournalEntry[], runner: Runner): Promise<void> {
  const errors: Error[] = [];
  for (const ns of createdNamespaces(entries)) await killNamespaceProcesses(ns, runner);
  for (const step of undoCommands(entries)) {
    if (step.guard && (await guardKeeps(step.guard, runner))) continue;
    const r = await runner.run(step.cmd, { allowFail: true });
    if (r.exitCode !== 0 && !isGone(r.stderr)) errors.push(new Error(`${step.summary}: ${r.stderr.trim() || `exit ${r.exitCode}`}`));
  }
  if (errors.length > 0) throw new AggregateNslabError('teardown left errors', errors, 'run `nslab clean` to retry by name');
}

/** True when the guard finds something nslab did not add, so the undo must not run. */
async function guardKeeps(guard: UndoGuard, runner: Runner): Promise<boolean> {
  const r = await runner.run(guard.cmd, { allowFail: true });
  return r.exitCode !== 0 || new RegExp(guard.keepIf, 'm').test(r.stdout);
}

/**
 * A namespace with a process still inside outlives `ip netns del` (and keeps its veths),
 * so servers started in it are killed first.
 */
export async function killNamespaceProcesses(ns: string, runner: Runner): Promise<void> {
  const r = await runner.run(cmd('ip', ['netns', 'pids', ns]), { allowFail: true });
  if (r.exitCode !== 0) return;
  for (const pid of r.stdout.split(/\s+/).filter(Boolean).map(Number)) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
