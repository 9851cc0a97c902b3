import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileJournal, readJournal, type Journal } from '../apply/journal.js';
import { teardown } from '../apply/teardown.js';
import { changesRoot } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { stateDir } from './state.js';

/**
 * A second, root-namespace-only copy of a lab's journal, kept outside the lab's record:
 * what a root-namespace lab changed that no namespace deletion takes back (sysctls, tables,
 * rules, links). `nslab clean` undoes it when the lab's own journal is lost or corrupt.
 * Namespaced labs never write here.
 */
function rootJournalDir(): string {
  return join(stateDir(), 'root');
}

const rootJournalPath = (lab: string): string => join(rootJournalDir(), `${lab}.jsonl`);

/** Copies each root-namespace intent to the side journal before the main one records it. */
export function mirroringRootOps(journal: Journal, lab: string): Journal {
  let side: FileJournal | undefined;
  return {
    intend: (entries) => {
      const root = entries.filter((e) => changesRoot(e.cmd) && e.undo !== undefined);
      if (root.length > 0) {
        mkdirSync(rootJournalDir(), { recursive: true });
        side ??= new FileJournal(rootJournalPath(lab));
        side.intend(root);
      }
      return journal.intend(entries);
    },
    mark: (marks) => journal.mark(marks),
    entries: () => journal.entries(),
  };
}

/** Labs with a root-namespace journal (all of them, or just `only`). */
export function labsWithRootJournal(only?: string): string[] {
  try {
    return readdirSync(rootJournalDir())
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -'.jsonl'.length))
      .filter((lab) => only === undefined || lab === only);
  } catch {
    return [];
  }
}

/** Undoes the root-namespace changes of `lab` (idempotent), then forgets them. */
export async function undoRootJournal(runner: Runner, lab: string): Promise<void> {
  await teardown(readJournal(rootJournalPath(lab), { missingOk: true }), runner);
  forgetRootJournal(lab);
}

/** Forgets the copy once the lab's own journal has undone everything. */
export function forgetRootJournal(lab: string): void {
  rmSync(rootJournalPath(lab), { force: true });
}
