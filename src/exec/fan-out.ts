import { join } from 'node:path';
import { batchKey, type BatchOutcome } from './batch.js';
import { cmd, type Cmd } from './command.js';

/**
 * Several namespaces' `ip` batches in one process: an `ip -batch -` in the root namespace
 * whose lines are `netns exec NS ip -batch FILE`, one per namespace. Each inner `ip` is
 * forked by the small `ip` process instead of by nslab, which costs far less per
 * namespace than a spawn from Node, and the outer batch still stops at the first failure
 * and says where: `Command failed -:K` for the K-th namespace, `Command failed FILE:N`
 * for its N-th line. Nothing here writes the files: the runner does, in `dir`.
 */
export interface FanOut {
  readonly cmd: Cmd;
  readonly input: string;
  readonly files: readonly { readonly path: string; readonly content: string; readonly start: number; readonly count: number }[];
}

/** Whether `cmds` are ip batches of two or more lab namespaces, each namespace's lines together. */
export function isFanOut(cmds: readonly Cmd[]): boolean {
  const keys = cmds.map(batchKey);
  if (keys.some((k) => k === undefined || !k.startsWith('ip|') || k === 'ip|')) return false;
  const seen = new Set<string>();
  for (const [i, k] of keys.entries()) {
    if (i > 0 && k === keys[i - 1]) continue;
    if (seen.has(k!)) return false;
    seen.add(k!);
  }
  return seen.size > 1;
}

export function fanOutProcess(cmds: readonly Cmd[], dir: string): FanOut {
  if (!isFanOut(cmds)) throw new Error('fanOutProcess needs ip batches of two or more namespaces, grouped by namespace');
  const files: { path: string; content: string; start: number; count: number }[] = [];
  for (const [i, c] of cmds.entries()) {
    if (i === 0 || c.netns !== cmds[i - 1]!.netns) files.push({ path: join(dir, `${files.length + 1}.batch`), content: '', start: i, count: 0 });
    const f = files[files.length - 1]!;
    f.content += `${c.args.join(' ')}\n`;
    f.count++;
  }
  const input = files.map((f) => `netns exec ${cmds[f.start]!.netns} ip -batch ${f.path}\n`).join('');
  return { cmd: cmd('ip', ['-batch', '-']), input, files };
}

/**
 * Outcome per command, and the failing one if it can be told. Namespaces before the
 * failing one applied everything, those after it nothing; inside it, the lines before the
 * failing line applied. If the inner `ip` said nothing (the namespace could not be
 * entered), that namespace's lines are unknown.
 */
export function fanOutOutcomes(fan: FanOut, total: number, exitCode: number, stderr: string): { outcomes: BatchOutcome[]; failed: number | undefined } {
  const outcomes = Array<BatchOutcome>(total).fill(exitCode === 0 ? 'done' : 'unknown');
  if (exitCode === 0) return { outcomes, failed: undefined };
  const outer = /Command failed -:(\d+)/.exec(stderr);
  const group = outer ? fan.files[Number(outer[1]) - 1] : undefined;
  if (!group) return { outcomes, failed: undefined };
  const inner = new RegExp(`Command failed ${group.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(stderr);
  const line = inner ? Number(inner[1]) - 1 : undefined;
  const failed = line !== undefined && line < group.count ? group.start + line : undefined;
  for (let i = 0; i < total; i++) {
    if (i < group.start) outcomes[i] = 'done';
    else if (i >= group.start + group.count) outcomes[i] = 'skipped';
    else if (failed !== undefined) outcomes[i] = i < failed ? 'done' : i === failed ? 'failed' : 'skipped';
  }
  return { outcomes, failed };
}
