import { readJournal } from '../apply/journal.js';
import { killNamespaceProcesses, teardown } from '../apply/teardown.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { NS_PREFIX } from '../model/names.js';
import { existingNamespaces } from './lifecycle.js';
import { journalPath, listInstanceNames, releaseInstance } from './state.js';

export interface CleanReport {
  readonly labs: string[];
  readonly namespaces: string[];
  readonly errors: string[];
}

/**
 * Removes every lab: first by journal where one survives, then whatever is still named
 * like nslab's (a lost or corrupt journal, a crash before the first write). With `only`,
 * just that lab: other labs running at the same time are left alone.
 */
export async function cleanAll(runner: Runner, only?: string): Promise<CleanReport> {
  const report: CleanReport = { labs: [], namespaces: [], errors: [] };
  const prefix = only === undefined ? NS_PREFIX : `${NS_PREFIX}${only}-`;
  for (const name of listInstanceNames().filter((n) => only === undefined || n === only)) {
    try {
      await teardown(readJournal(journalPath(name), { missingOk: true }), runner);
    } catch (err) {
      report.errors.push(`${name}: ${(err as Error).message}`);
    }
    releaseInstance(name);
    report.labs.push(name);
  }
  for (const ns of [...(await existingNamespaces(runner))].filter((n) => n.startsWith(prefix)).sort()) {
    await killNamespaceProcesses(ns, runner);
    const r = await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
    if (r.exitCode === 0) report.namespaces.push(ns);
    else report.errors.push(`${ns}: ${r.stderr.trim()}`);
  }
  return report;
}
