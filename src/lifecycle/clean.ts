import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { agentCmd } from '../agent/agent.js';
import { readJournal } from '../apply/journal.js';
import { killProcessesIn, runUndo, teardown } from '../apply/teardown.js';
import { undoIsGone } from '../ops/gone.js';
import { netnsEtcPath } from '../kernel/netns-fs.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseIpAddr } from '../kernel/ip-json.js';
import { listNetns } from '../kernel/netns-list.js';
import { orphanAgents } from '../kernel/orphan-agents.js';
import { NS_PREFIX } from '../model/names.js';
import { taggedLinks, taggedRules } from './leftovers.js';
import { labsWithRootJournal, undoRootJournal } from './root-journal.js';
import { listInstanceDirs, removeTree } from './state.js';
import { withLabLock } from './lock.js';

export interface CleanReport {
  readonly labs: string[];
  readonly namespaces: string[];
  /** Tagged iptables rules and links removed from the root namespace, and settings restored. */
  readonly root: string[];
  readonly errors: string[];
}

/**
 * The kernel removes a deleted namespace's links in the background, and with them the
 * root-namespace ends of their veth pairs. Waits (briefly) until those are gone, so clean
 * returns with the root namespace already as it was.
 */
async function peersGone(runner: Runner, ids: readonly number[]): Promise<void> {
  if (ids.length === 0 || runner.dryRun) return;
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = await runner.run(cmd('ip', ['-j', 'link', 'show']), { allowFail: true });
    if (!parseIpAddr(r.stdout).some((l) => l.peerNetnsId !== undefined && ids.includes(l.peerNetnsId))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Removes every lab: first by journal where one survives, then by what is named or tagged
 * like nslab's (a lost or corrupt journal, a crash before the first write): namespaces
 * `nslab-*`, the root-namespace journal kept outside the lab's record, and as a last resort
 * root-namespace rules and links tagged `nslab:<lab>`. With `only`, just that lab: others are left alone.
 */
export async function cleanAll(runner: Runner, only?: string): Promise<CleanReport> {
  // One lab waits for a command still at work on it; clean of everything is the way out of anything.
  return only === undefined ? cleanUnlocked(runner) : withLabLock(only, runner, `clean ${only}`, () => cleanUnlocked(runner, only));
}

async function cleanUnlocked(runner: Runner, only?: string): Promise<CleanReport> {
  const report: CleanReport = { labs: [], namespaces: [], root: [], errors: [] };
  for (const { name, dir } of listInstanceDirs().filter((d) => only === undefined || d.name === only)) {
    try {
      await teardown(readJournal(join(dir, 'journal.jsonl'), { missingOk: true }), runner);
    } catch (err) {
      // A corrupt journal is no error here: the names and tags below find what it described.
      if (!/is corrupt/.test((err as Error).message)) report.errors.push(`${name}: ${(err as Error).message}`);
    }
    // A dry run only records commands; the record stays, like everything else.
    if (!runner.dryRun) removeTree(dir);
    if (!report.labs.includes(name)) report.labs.push(name);
  }
  const prefix = only === undefined ? NS_PREFIX : `${NS_PREFIX}${only}-`;
  const doomed = (await listNetns(runner)).filter((n) => n.name.startsWith(prefix));
  // Processes found in one pass, every `netns del` in one `ip -batch`.
  const names = doomed.map((n) => n.name);
  killProcessesIn(names, runner);
  const errors = await runUndo(names.map((ns) => ({ summary: ns, cmd: cmd('ip', ['netns', 'del', ns]), gone: 'netns' as const })), runner);
  report.errors.push(...errors.map((e) => e.message));
  report.namespaces.push(...names.filter((ns) => !errors.some((e) => e.message.startsWith(`${ns}: `))));
  await peersGone(runner, doomed.flatMap((n) => (n.id === undefined ? [] : [n.id])));
  for (const lab of labsWithRootJournal(only)) {
    try {
      await undoRootJournal(runner, lab);
      report.root.push(`root-namespace changes of ${lab} undone`);
    } catch (err) {
      report.errors.push(`${lab}: ${(err as Error).message}`);
    }
  }
  // Last resort, when even the root journal is gone: whatever still carries a tag.
  for (const leftover of [...(await taggedRules(runner, only)), ...(await taggedLinks(runner, only))]) {
    const r = await runner.run(leftover.remove, { allowFail: true });
    // A veth whose peer's namespace was just deleted disappears on its own, a moment later.
    if (r.exitCode === 0) report.root.push(leftover.what);
    else if (!undoIsGone(leftover.gone, r.stderr)) report.errors.push(`${leftover.what}: ${r.stderr.trim()}`);
  }
  // Agent processes of a lab torn down while nslab, killed, was starting them.
  if (!runner.dryRun) {
    for (const pid of orphanAgents()) {
      try {
        process.kill(pid, 'SIGKILL');
        report.root.push(`stray nslab agent process ${pid} (its namespace was gone) stopped`);
      } catch {
        // gone meanwhile
      }
    }
  }
  // A container's resolv.conf and hosts, and the docker host's resolv.conf, outlive their namespace.
  for (const ns of netnsConfigDirs().filter((n) => n.startsWith(prefix))) {
    await runner.run(agentCmd(undefined, 'remove-file', netnsEtcPath(ns, 'resolv.conf')), { allowFail: true });
    await runner.run(agentCmd(undefined, 'remove-file', netnsEtcPath(ns, 'hosts')), { allowFail: true });
  }
  return report;
}

/** Namespaces with a directory under /etc/netns (what `ip netns exec` mounts over /etc). */
function netnsConfigDirs(): string[] {
  try {
    return readdirSync(join('/etc', 'netns'));
  } catch {
    return [];
  }
}
