import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

describe('docker0 lab against the kernel', () => {
  const name = uniqueName('d');
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  afterAll(async () => {
    await cli('clean', name);
  });

  it('run: builds, verifies every expectation by packets, tears down to nothing', async () => {
    const r = await cli('run', 'docker0', '--name', name, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { pass: boolean; outcomes: { title: string; pass: boolean; reached: boolean; detail: string }[] };
    expect(result.pass).toBe(true);
    const byTitle = Object.fromEntries(result.outcomes.map((o) => [o.title, o]));
    expect(byTitle['c1 -> gateway 172.17.0.1']).toMatchObject({ pass: true, reached: true });
    expect(byTitle['c1 -> c2 (172.17.0.3)']).toMatchObject({ pass: true, reached: true });
    expect(byTitle['c1 -> internet server 203.0.113.10']).toMatchObject({ pass: true, reached: true });
    // NAT seen from the far side: the wan's server reports the host's uplink address.
    expect(byTitle['wan sees c1 as 198.51.100.2 (MASQUERADE)']).toMatchObject({ pass: true, detail: 'server saw 198.51.100.2' });
    expect(byTitle['wan -> c1 (172.17.0.2)']).toMatchObject({ pass: true, reached: false });
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it('up leaves it running; exec, verify and a second process see it; down removes exactly it', async () => {
    expect((await cli('up', 'docker0', '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([`nslab-${name}-c1`, `nslab-${name}-c2`, `nslab-${name}-host`, `nslab-${name}-wan`].sort());

    const again = await cli('up', 'docker0', '--name', name);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`lab ${name} is already up`);

    const v = await cli('verify', name, '--json');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out).pass).toBe(true);

    const ls = JSON.parse((await cli('ls', '--json')).out) as { running: { name: string }[] };
    expect(ls.running.map((r) => r.name)).toContain(name);

    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it('verify fails with exit 1 when the network is broken, and says which expectation', async () => {
    expect((await cli('up', 'docker0', '--name', name)).code).toBe(0);
    try {
      // Break it the way a learner might: take the gateway off the bridge.
      const { execFileSync } = await import('node:child_process');
      execFileSync('ip', ['-n', `nslab-${name}-host`, 'link', 'set', 'docker0', 'down']);
      const v = await cli('verify', name, '--json');
      expect(v.code).toBe(1);
      const failed = (JSON.parse(v.out) as { outcomes: { title: string; pass: boolean }[] }).outcomes.filter((o) => !o.pass).map((o) => o.title);
      expect(failed).toContain('c1 -> gateway 172.17.0.1');
    } finally {
      expect((await cli('down', name)).code).toBe(0);
    }
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a namespace of the same name that nslab did not create blocks up, and nothing is changed', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('ip', ['netns', 'add', `nslab-${name}-c2`]);
    try {
      const r = await cli('up', 'docker0', '--name', name);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`network namespace nslab-${name}-c2 already exists`);
      expect(namespacesOf(name)).toEqual([`nslab-${name}-c2`]);
    } finally {
      execFileSync('ip', ['netns', 'del', `nslab-${name}-c2`]);
    }
    expect(rootSnapshot()).toEqual(before);
  });
});

describe('clean --dry-run', () => {
  const name = uniqueName('cd');

  beforeAll(() => {
    requireKernel();
    isolateState();
  });

  afterAll(async () => {
    await cli('clean', name);
  });

  it('prints the teardown of a running lab and changes nothing', async () => {
    expect((await cli('up', 'docker0', '--name', name)).code).toBe(0);
    const dry = await cli('clean', name, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`ip netns del nslab-${name}-host`);
    expect(namespacesOf(name)).toHaveLength(4);
    const ls = JSON.parse((await cli('ls', '--json')).out) as { running: { name: string }[] };
    expect(ls.running.map((r) => r.name)).toContain(name);
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });
});
