import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOps } from '../../../src/apply/apply.js';
import { FileJournal, MemoryJournal, readJournal } from '../../../src/apply/journal.js';
import { teardown, undoCommands } from '../../../src/apply/teardown.js';
import { renderCmd } from '../../../src/exec/command.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { addrAdd, bridgeAdd, linkUp, netnsAdd } from '../../../src/ops/ip.js';
import { sysctlSet } from '../../../src/ops/sysctl.js';
import { ruleAppend } from '../../../src/ops/iptables.js';

const rootModeOps = [
  bridgeAdd(undefined, 'docker0', { brctl: false }),
  addrAdd(undefined, 'docker0', '172.17.0.1/16'),
  linkUp(undefined, 'docker0'),
  sysctlSet(undefined, 'net.ipv4.ip_forward', '1'),
  ruleAppend(undefined, { table: 'nat', chain: 'POSTROUTING', match: ['-s', '172.17.0.0/16'], target: ['-j', 'MASQUERADE'], tag: 'nslab:t' }),
];

describe('apply and teardown', () => {
  it('journals each op and undoes root-namespace changes explicitly, in reverse', async () => {
    const runner = new RecordingRunner({ dryRun: false, responder: (c) => (c.args[0] === '-n' ? { stdout: '0\n' } : undefined) });
    const journal = new MemoryJournal();
    await applyOps(rootModeOps, runner, journal);
    expect(journal.entries().map((e) => e.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    // The sysctl's previous value (0) was read before it was changed, and is what undo restores.
    expect(undoCommands(journal.entries()).map((u) => renderCmd(u.cmd))).toEqual([
      'iptables -w -t nat -D POSTROUTING -s 172.17.0.0/16 -m comment --comment nslab:t -j MASQUERADE',
      'sysctl -w net.ipv4.ip_forward=0',
      'ip link del dev docker0',
    ]);
  });

  it('stops at the first failure; rollback undoes only what was applied', async () => {
    const runner = new RecordingRunner({
      dryRun: false,
      responder: (c) => (renderCmd(c).includes('addr add') ? { exitCode: 2, stderr: 'RTNETLINK answers: File exists' } : undefined),
    });
    const journal = new MemoryJournal();
    await expect(applyOps([netnsAdd('nslab-t-host'), linkUp('nslab-t-host', 'lo'), addrAdd('nslab-t-host', 'lo', '10.0.0.1/8'), linkUp('nslab-t-host', 'x')], runner, journal)).rejects.toThrow(/File exists/);
    // The three ops in nslab-t-host share one `ip -batch`: all journaled before it ran, and
    // the line after the failing one never ran.
    expect(journal.entries().map((e) => e.status)).toEqual(['done', 'done', 'failed', 'skipped']);
    const undo = new RecordingRunner({ dryRun: false });
    await teardown(journal.entries(), undo);
    expect(undo.lines()).toEqual(['ip netns del nslab-t-host']);
  });

  it('treats "already gone" as done and reports other undo failures together', async () => {
    const entries = new MemoryJournal();
    await applyOps(rootModeOps.slice(0, 3), new RecordingRunner({ dryRun: false }), entries);
    const gone = new RecordingRunner({ dryRun: false, responder: () => ({ exitCode: 1, stderr: 'Cannot find device "docker0"' }) });
    await expect(teardown(entries.entries(), gone)).resolves.toBeUndefined();
    const broken = new RecordingRunner({ dryRun: false, responder: () => ({ exitCode: 1, stderr: 'Operation not permitted' }) });
    await expect(teardown(entries.entries(), broken)).rejects.toThrow(/teardown left errors.*Operation not permitted/);
  });
});

describe('FileJournal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-journal-'));

  it('survives a new process: another reader sees every entry and status', async () => {
    const path = join(dir, 'a.jsonl');
    await applyOps([netnsAdd('nslab-j-a'), linkUp('nslab-j-a', 'lo')], new RecordingRunner({ dryRun: false }), new FileJournal(path));
    const entries = readJournal(path);
    expect(entries.map((e) => [e.seq, e.status, renderCmd(e.undo!)])).toEqual([
      [1, 'done', 'ip netns del nslab-j-a'],
      [2, 'done', 'ip -n nslab-j-a link set dev lo down'],
    ]);
  });

  it('records the ops of one process together, numbered in order, and what became of each', () => {
    const path = join(dir, 'c.jsonl');
    const j = new FileJournal(path);
    const ops = ['nslab-j-c1', 'nslab-j-c2', 'nslab-j-c3'].map((ns) => netnsAdd(ns));
    const seqs = j.intend(ops.map((op) => ({ summary: op.summary, cmd: op.cmd, undo: op.undo, creates: op.creates, within: [] })));
    expect(seqs).toEqual([1, 2, 3]);
    // All three are on file before anything runs: a crash now still undoes each.
    expect(readJournal(path).map((e) => [e.seq, e.status])).toEqual([[1, 'intent'], [2, 'intent'], [3, 'intent']]);
    j.mark([{ seq: 1, status: 'done' }, { seq: 2, status: 'failed' }]);
    j.close();
    expect(readJournal(path).map((e) => e.status)).toEqual(['done', 'failed', 'intent']);
    expect(undoCommands(readJournal(path)).map((u) => renderCmd(u.cmd))).toEqual(['ip netns del nslab-j-c3', 'ip netns del nslab-j-c1']);
  });

  it('keeps an intent with no outcome (a crash mid-command) so teardown still undoes it', () => {
    const path = join(dir, 'b.jsonl');
    const j = new FileJournal(path);
    j.intend([{ summary: 'x', cmd: netnsAdd('nslab-j-b').cmd, undo: netnsAdd('nslab-j-b').undo, creates: netnsAdd('nslab-j-b').creates, within: [] }]);
    expect(readJournal(path)[0]!.status).toBe('intent');
    expect(undoCommands(readJournal(path)).map((u) => renderCmd(u.cmd))).toEqual(['ip netns del nslab-j-b']);
  });

  it("reads an older nslab's journal, whose object keys were strings, and tears it down the same", () => {
    const old = join(dir, 'old.jsonl');
    const line = (seq: number, o: object) => JSON.stringify({ t: 'op', e: { seq, summary: 's', ...o } });
    writeFileSync(
      old,
      [
        line(1, { cmd: netnsAdd('nslab-j-o').cmd, undo: netnsAdd('nslab-j-o').undo, creates: 'netns:nslab-j-o', within: [] }),
        line(2, { cmd: linkUp('nslab-j-o', 'lo').cmd, undo: linkUp('nslab-j-o', 'lo').undo, creates: 'link:nslab-j-o/lo', within: ['netns:nslab-j-o'] }),
        line(3, { cmd: linkUp(undefined, 'x').cmd, creates: 'link:/x', deletes: 'file:/tmp/f', within: [] }),
      ].join('\n') + '\n',
    );
    const entries = readJournal(old);
    expect(entries.map((e) => e.creates)).toEqual([{ kind: 'netns', ns: 'nslab-j-o' }, { kind: 'link', ns: 'nslab-j-o', dev: 'lo' }, { kind: 'link', ns: '', dev: 'x' }]);
    expect(entries[2]!.deletes).toEqual({ kind: 'file', path: '/tmp/f' });
    // Deleting the namespace takes lo's setting with it, as with a journal written today.
    expect(undoCommands(entries).map((u) => renderCmd(u.cmd))).toEqual(['ip netns del nslab-j-o']);
  });

  it('ignores a torn last line but rejects corruption in the middle', () => {
    const torn = join(dir, 'c.jsonl');
    writeFileSync(torn, '{"t":"op","e":{"seq":1,"summary":"s","cmd":{"file":"ip","args":[]},"within":[]}}\n{"t":"sta');
    expect(readJournal(torn)).toHaveLength(1);
    const bad = join(dir, 'd.jsonl');
    writeFileSync(bad, 'garbage\n{"t":"status","seq":1,"status":"done"}\n');
    expect(() => readJournal(bad)).toThrow(/journal .* is corrupt at line 1/);
  });
});
