import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { applyOps } from '../../src/apply/apply.js';
import { MemoryJournal } from '../../src/apply/journal.js';
import { teardown } from '../../src/apply/teardown.js';
import { renderCmd } from '../../src/exec/command.js';
import { RealRunner } from '../../src/exec/real-runner.js';
import { ruleAppend } from '../../src/ops/iptables.js';
import { addrAdd, linkUp, netnsAdd } from '../../src/ops/ip.js';
import { cli, namespacesOf, requireKernel, uniqueName } from './support.js';

// The real tools' failure reports, read back into exact per-op journal marks.
describe('batched apply against the kernel', () => {
  const lab = uniqueName('b');
  const ns = (node: string) => `nslab-${lab}-${node}`;
  const runner = new RealRunner({ logger: pino({ enabled: false }) });

  beforeAll(() => requireKernel());
  afterAll(async () => {
    await cli('clean', lab);
  });

  it('a failing line in one namespace of a fan-out: before it applied, it failed, after it never ran', async () => {
    const journal = new MemoryJournal();
    const ops = [
      ...['a', 'b', 'c'].map((n) => netnsAdd(ns(n))),
      ...['a', 'b', 'c'].flatMap((n) => [linkUp(ns(n), 'lo'), addrAdd(ns(n), n === 'b' ? 'nosuch0' : 'lo', '10.9.0.1/32'), addrAdd(ns(n), 'lo', '10.9.0.2/32')]),
    ];
    await expect(applyOps(ops, runner, journal, { concurrency: 1 })).rejects.toThrow(new RegExp(`\`ip -n ${ns('b')} addr add 10.9.0.1/32 dev nosuch0\` failed \\(exit 1\\): Cannot find device "nosuch0"`));
    const status = Object.fromEntries(journal.entries().map((e) => [renderCmd(e.cmd), e.status]));
    expect(status[`ip -n ${ns('a')} addr add 10.9.0.2/32 dev lo`]).toBe('done');
    expect(status[`ip -n ${ns('b')} link set dev lo up`]).toBe('done');
    expect(status[`ip -n ${ns('b')} addr add 10.9.0.1/32 dev nosuch0`]).toBe('failed');
    expect(status[`ip -n ${ns('b')} addr add 10.9.0.2/32 dev lo`]).toBe('skipped');
    expect(status[`ip -n ${ns('c')} link set dev lo up`]).toBe('skipped');
    // What the journal says matches the kernel.
    const addrs = (n: string) => execFileSync('ip', ['-n', ns(n), '-o', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' });
    expect(addrs('a')).toContain('10.9.0.2/32');
    expect(addrs('b')).not.toContain('10.9.0.2/32');
    expect(addrs('c')).not.toContain('10.9.0.1/32');
    await teardown(journal.entries(), runner);
    expect(namespacesOf(lab)).toEqual([]);
  });

  it('iptables-restore applies a rule set all or nothing, and the journal says so', async () => {
    const journal = new MemoryJournal();
    const rule = (chain: string, s: string) => ruleAppend(ns('r'), { table: 'nat', chain, match: ['-s', s], target: ['-j', 'MASQUERADE'], tag: `nslab:${lab}` });
    await applyOps([netnsAdd(ns('r'))], runner, journal);
    await expect(applyOps([rule('POSTROUTING', '10.1.0.0/16'), rule('NOSUCHCHAIN', '10.2.0.0/16')], runner, journal)).rejects.toThrow(/NOSUCHCHAIN/);
    expect(journal.entries().map((e) => e.status)).toEqual(['done', 'skipped', 'failed']);
    expect(execFileSync('ip', ['netns', 'exec', ns('r'), 'iptables', '-t', 'nat', '-S', 'POSTROUTING'], { encoding: 'utf8' })).not.toContain('10.1.0.0/16');
    await teardown(journal.entries(), runner);
    expect(namespacesOf(lab)).toEqual([]);
  });
});
