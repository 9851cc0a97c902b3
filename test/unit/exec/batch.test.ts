import { describe, expect, it } from 'vitest';
import { batchKey, batchOutcomes, batchProcess, failedIndex } from '../../../src/exec/batch.js';
import { cmd } from '../../../src/exec/command.js';
import { fanOutOutcomes, fanOutProcess, isFanOut } from '../../../src/exec/fan-out.js';
import { ruleAppend } from '../../../src/ops/iptables.js';
import { addrAdd, linkUp, netnsAdd } from '../../../src/ops/ip.js';
import { sysctlSet } from '../../../src/ops/sysctl.js';

describe('batch: many commands in one process', () => {
  it('keys commands by tool and namespace, and leaves out what cannot share a process', () => {
    expect(batchKey(addrAdd('nslab-t-c1', 'eth0', '172.17.0.2/16').cmd)).toBe('ip|nslab-t-c1');
    expect(batchKey(netnsAdd('nslab-t-c1').cmd)).toBe('ip|');
    expect(batchKey(cmd('ip', ['-j', 'link', 'show']))).toBeUndefined();
    expect(batchKey(cmd('ip', ['netns', 'exec', 'x', 'true']))).toBeUndefined();
    expect(batchKey(cmd('ip', ['link', 'set', 'dev', 'a b', 'up']))).toBeUndefined();
    expect(batchKey(sysctlSet('nslab-t-h', 'net.ipv4.ip_forward', '1').cmd)).toBeUndefined();
    const rule = ruleAppend('nslab-t-h', { table: 'nat', chain: 'POSTROUTING', match: ['-s', '172.17.0.0/16'], target: ['-j', 'MASQUERADE'], tag: 'nslab:t' });
    expect(batchKey(rule.cmd)).toBe('iptables|nslab-t-h|nat');
    expect(batchKey(rule.undo!)).toBeUndefined();
  });

  it('feeds ip -batch one line per command, in the namespace the commands share', () => {
    const p = batchProcess([linkUp('nslab-t-c1', 'lo').cmd, addrAdd('nslab-t-c1', 'eth0', '172.17.0.2/16').cmd]);
    expect(p.cmd).toEqual({ file: 'ip', args: ['-batch', '-'], netns: 'nslab-t-c1' });
    expect(p.input).toBe('link set dev lo up\naddr add 172.17.0.2/16 dev eth0\n');
    expect(() => batchProcess([linkUp('nslab-t-c1', 'lo').cmd, linkUp('nslab-t-c2', 'lo').cmd])).toThrow(/single batch key/);
  });

  it('feeds iptables-restore --noflush the rules of one table, committed together', () => {
    const rule = (s: string) => ruleAppend('nslab-t-h', { table: 'nat', chain: 'POSTROUTING', match: ['-s', s], target: ['-j', 'MASQUERADE'], tag: 'nslab:t' }).cmd;
    const p = batchProcess([rule('172.17.0.0/16'), rule('172.18.0.0/16')]);
    expect(p.cmd).toEqual({ file: 'iptables-restore', args: ['-w', '--noflush'], netns: 'nslab-t-h' });
    expect(p.input).toBe(
      '*nat\n-A POSTROUTING -s 172.17.0.0/16 -m comment --comment nslab:t -j MASQUERADE\n-A POSTROUTING -s 172.18.0.0/16 -m comment --comment nslab:t -j MASQUERADE\nCOMMIT\n',
    );
  });

  it('tells which line failed, and what that means for the others', () => {
    expect(failedIndex('ip', 'RTNETLINK answers: File exists\nCommand failed -:3\n', 5)).toBe(2);
    expect(failedIndex('iptables', 'iptables-restore: line 3 failed\n', 4)).toBe(1);
    expect(failedIndex('ip', 'Segmentation fault\n', 5)).toBeUndefined();
    // ip -batch applied the lines before the failing one; iptables-restore's commit is all or nothing.
    expect(batchOutcomes('ip', 4, 1, 1)).toEqual(['done', 'failed', 'skipped', 'skipped']);
    expect(batchOutcomes('iptables', 3, 1, 1)).toEqual(['skipped', 'failed', 'skipped']);
    expect(batchOutcomes('ip', 2, 1, undefined)).toEqual(['unknown', 'unknown']);
    expect(batchOutcomes('ip', 2, 0, undefined)).toEqual(['done', 'done']);
  });

  it('fans several namespaces out from one ip process, and still knows which line failed', () => {
    const cmds = [linkUp('nslab-t-c1', 'lo').cmd, addrAdd('nslab-t-c1', 'eth0', '172.17.0.2/16').cmd, linkUp('nslab-t-c2', 'lo').cmd, addrAdd('nslab-t-c2', 'eth0', '172.17.0.3/16').cmd, linkUp('nslab-t-c3', 'lo').cmd];
    expect(isFanOut(cmds)).toBe(true);
    expect(isFanOut([cmds[0]!, cmds[2]!, cmds[1]!])).toBe(false);
    expect(isFanOut([netnsAdd('nslab-t-c9').cmd, cmds[0]!])).toBe(false);
    const fan = fanOutProcess(cmds, '/tmp/b');
    expect(fan.cmd).toEqual({ file: 'ip', args: ['-batch', '-'] });
    expect(fan.input).toBe('netns exec nslab-t-c1 ip -batch /tmp/b/1.batch\nnetns exec nslab-t-c2 ip -batch /tmp/b/2.batch\nnetns exec nslab-t-c3 ip -batch /tmp/b/3.batch\n');
    expect(fan.files[1]).toEqual({ path: '/tmp/b/2.batch', content: 'link set dev lo up\naddr add 172.17.0.3/16 dev eth0\n', start: 2, count: 2 });
    const failed = fanOutOutcomes(fan, 5, 1, 'RTNETLINK answers: File exists\nCommand failed /tmp/b/2.batch:2\nCommand failed -:2\n');
    expect(failed).toEqual({ outcomes: ['done', 'done', 'done', 'failed', 'skipped'], failed: 3 });
    // The namespace could not be entered: its lines are unknown, the ones after never ran.
    const unentered = fanOutOutcomes(fan, 5, 1, 'Cannot open network namespace "nslab-t-c2"\nCommand failed -:2\n');
    expect(unentered).toEqual({ outcomes: ['done', 'done', 'unknown', 'unknown', 'skipped'], failed: undefined });
  });
});
