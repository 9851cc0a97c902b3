import { describe, expect, it } from 'vitest';
import { cmd } from '../../../src/exec/command.js';
import { CommandError, type CmdResult } from '../../../src/exec/runner.js';
import { formatError } from '../../../src/errors.js';

const failed = (file: string, args: string[], stderr: string, ns?: string): CmdResult => ({
  cmd: cmd(file, args, ns),
  argv: [file, ...args],
  exitCode: 1,
  stdout: '',
  stderr,
  durationMs: 1,
  timedOut: false,
});

describe('a failed command as the learner sees it', () => {
  it('carries the whole stderr, not just its last line', () => {
    const err = new CommandError(failed('ip', ['link', 'set', 'veth0', 'up'], '"mount --make-rslave /" failed: Invalid argument\nExit 1\n', 'nslab-a-c1'));
    expect(err.message).toContain('"mount --make-rslave /" failed: Invalid argument / Exit 1');
    expect(err.hint).toMatch(/bind-mount the root onto itself/);
  });

  it('says what "File exists" means for a lab, and how to clear it', () => {
    const err = new CommandError(failed('ip', ['link', 'add', 'docker0', 'type', 'bridge'], 'RTNETLINK answers: File exists\n'));
    expect(formatError(err)).toMatch(/^nslab: `ip link add docker0 type bridge` failed \(exit 1\): RTNETLINK answers: File exists \(something by that name .*nslab clean/);
  });

  it('says that "Operation not permitted" wants root', () => {
    expect(new CommandError(failed('sysctl', ['-w', 'net.ipv4.ip_forward=1'], 'sysctl: permission denied on key "net.ipv4.ip_forward"\n')).hint).toMatch(/root/);
  });

  it('has no hint for a failure it does not know, rather than a wrong one', () => {
    expect(new CommandError(failed('iptables', ['-A', 'X'], 'iptables: Index of insertion too big.\n')).hint).toBeUndefined();
  });
});
