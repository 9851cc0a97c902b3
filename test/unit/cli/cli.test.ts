import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support.js';

export { cli };

beforeAll(() => {
  process.env.NSLAB_STATE_DIR = mkdtempSync(join(tmpdir(), 'nslab-cli-'));
});

describe('nslab CLI (in-process)', () => {
  it('has --help for every command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const c of ['run', 'up', 'down', 'verify', 'exec', 'ls', 'clean', 'doctor', 'inspect', 'peers', 'diagram', 'why', 'exercise']) {
      expect(top.out).toContain(`nslab ${c}`);
      const sub = await cli(c, '--help');
      expect(sub.code, c).toBe(0);
      expect(sub.out).toContain('--dry-run');
    }
  });

  it('up --dry-run prints the plan as a script and changes nothing', async () => {
    const r = await cli('up', 'docker0', '--name', 'dry1', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ip netns add nslab-dry1-host');
    expect(r.out).toContain('-j MASQUERADE');
    const ls = await cli('ls', '--json');
    expect(JSON.parse(ls.out).running).toEqual([]);
  });

  it('run --dry-run --json wraps the script', async () => {
    const r = await cli('run', 'docker0', '--dry-run', '--json');
    expect(JSON.parse(r.out)).toMatchObject({ lab: 'docker0', name: 'docker0' });
  });

  it('names an unknown lab and lists the known ones, exit 2', async () => {
    const r = await cli('up', 'nosuch', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nslab: unknown lab "nosuch" \(known labs: docker0/);
  });

  it('rejects a lab name that could not be a namespace name', async () => {
    const r = await cli('up', 'docker0', '--name', 'a;rm -rf', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid lab name/);
  });

  it('rejects an unknown command with usage, exit 2', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
  });

  it('says a lab that is not up is not up', async () => {
    const r = await cli('down', 'ghost', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lab ghost is not up/);
  });

  it('exercise: an unknown id is one line with the known ones; start --dry-run prints what it prepares', async () => {
    const bad = await cli('exercise', 'start', '9', '--dry-run');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('nslab: unknown exercise "9" (known: 1 (veth), 2 (bridge), 3 (internet), 4 (publish), 5 (connect); see `nslab exercise list`)\n');
    const noId = await cli('exercise', 'check', '--dry-run');
    expect(noId.code).toBe(2);
    expect(noId.err).toContain('needs an exercise id');
    const r = await cli('exercise', 'start', 'publish', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ip netns add nslab-ex4-host');
    expect(r.out).toContain('iptables -w -t filter -P FORWARD DROP');
    expect(JSON.parse((await cli('ls', '--json')).out).running).toEqual([]);
  });
});
