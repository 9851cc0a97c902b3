import type { Runner } from '../exec/runner.js';
import type { Op } from '../ops/op.js';
import type { Journal } from './journal.js';

/**
 * Applies ops in order, journaling each before it runs. Stops at the first failure and
 * rethrows it; the caller rolls back from the journal (see teardown).
 */
export async function applyOps(ops: readonly Op[], runner: Runner, journal: Journal): Promise<void> {
  for (const op of ops) {
    let undo = op.undo;
    if (op.capture && !runner.dryRun) {
      const previous = await runner.run(op.capture.read);
      undo = op.capture.undo(previous.stdout);
    }
    const seq = journal.intend({ summary: op.summary, cmd: op.cmd, undo, guard: op.guard, creates: op.creates, within: op.within });
    try {
      await runner.run(op.cmd);
    } catch (err) {
      journal.mark(seq, 'failed');
      throw err;
    }
    journal.mark(seq, 'done');
  }
}
