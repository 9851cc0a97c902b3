import { AggregateNslabError } from '../errors.js';
import { batchKey } from '../exec/batch.js';
import { undoIsGone } from '../ops/gone.js';
import type { CmdResult, Runner } from '../exec/runner.js';
import { pidsInNamespaces } from '../kernel/netns-fs.js';
import type { UndoGuard } from '../ops/op.js';
import { undoOrder, type UndoStep } from '../plan/undo-order.js';
import { mayHaveApplied, type JournalEntry } from './journal.js';

export type { UndoStep } from '../plan/undo-order.js';

/**
 * The commands that undo a journal, in reverse order: undoOrder over what may have applied
 * (an entry that failed, was skipped or was undone already changed nothing).
 */
export function undoCommands(entries: readonly JournalEntry[]): UndoStep[] {
  return undoOrder(entries.filter(mayHaveApplied));
}

/** Namespaces the journal created: their processes must die before the namespace can. */
export function createdNamespaces(entries: readonly JournalEntry[]): string[] {
  return entries.flatMap((e) => {
    const made = mayHaveApplied(e) ? e.creates : undefined;
    return made?.kind === 'netns' ? [made.ns] : [];
  });
}

/**
 * Undoes everything a journal recorded. Keeps going past failures and reports them all
 * at the end; "not found" counts as done, so teardown can be repeated safely.
 */
export async function teardown(entries: readonly JournalEntry[], runner: Runner): Promise<void> {
  killProcessesIn(createdNamespaces(entries), runner);
  const errors = await runUndo(undoCommands(entries), runner);
  if (errors.length > 0) throw new AggregateNslabError('teardown left errors', errors, 'run `nslab clean` to retry by name');
}

/** True when the guard finds something nslab did not add, so the undo must not run. */
async function guardKeeps(guard: UndoGuard, runner: Runner): Promise<boolean> {
  const r = await runner.run(guard.cmd, { allowFail: true });
  return r.exitCode !== 0 || new RegExp(guard.keepIf, 'm').test(r.stdout);
}


/**
 * Runs undo steps in order, consecutive ones of one batch key in one process (deleting
 * 200 namespaces is one `ip -batch`). A batch stops at its failing line: that line is
 * judged like any undo and the rest resumes in a new batch. A guarded step is checked and
 * run on its own. Returns the real failures.
 */
export async function runUndo(steps: readonly UndoStep[], runner: Runner): Promise<Error[]> {
  const errors: Error[] = [];
  const judge = (step: UndoStep, r: CmdResult) => {
    if (r.exitCode !== 0 && !undoIsGone(step.gone, r.stderr)) errors.push(new Error(`${step.summary}: ${r.stderr.trim() || `exit ${r.exitCode}`}`));
  };
  const key = (step: UndoStep) => (step.guard ? undefined : batchKey(step.cmd));
  let i = 0;
  while (i < steps.length) {
    const first = key(steps[i]!);
    let end = i + 1;
    while (first !== undefined && end < steps.length && key(steps[end]!) === first) end++;
    const group = steps.slice(i, end);
    if (group.length === 1) {
      const step = group[0]!;
      if (!(step.guard && (await guardKeeps(step.guard, runner)))) judge(step, await runner.run(step.cmd, { allowFail: true }));
      i = end;
      continue;
    }
    const r = await runner.runBatch(group.map((s) => s.cmd));
    const failed = r.outcomes.findIndex((o) => o !== 'done');
    if (failed === -1) i = end;
    else if (r.outcomes[failed] === 'failed' && r.error) {
      judge(group[failed]!, r.error);
      i += failed + 1;
    } else {
      // The tool did not say which line failed: finish this group one command at a time.
      for (const step of group.slice(failed)) judge(step, await runner.run(step.cmd, { allowFail: true }));
      i = end;
    }
  }
  return errors;
}

/**
 * A namespace with a process still inside outlives `ip netns del` (and keeps its veths),
 * so servers started in it are killed first. Dry-runs touch nothing.
 */
export function killProcessesIn(namespaces: readonly string[], runner: Runner): void {
  if (runner.dryRun || namespaces.length === 0) return;
  for (const pids of pidsInNamespaces(namespaces).values()) {
    for (const pid of pids) {
      if (pid === process.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
