import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/exec/command.js';
import { cli, isolateState, namespacesOf, requireKernel, spawnNslab, uniqueName } from './support.js';
import { expectPass, type Commands } from './exercise-support.js';

// A learner's session: hints asked for one at a time, commands typed in `exercise shell`,
// and the transcript that session leaves, replayed with bash.

const typed = (commands: Commands) => `${commands.map((c) => c.map(shellQuote).join(' ')).join('\n')}\nnslab exercise check 1 --json\nexit\n`;

describe('an exercise session: one hint at a time, a recorded shell, a transcript that replays', () => {
  let state = '';
  let name = '';
  const reset = async (id: string) => {
    expect((await cli('exercise', 'reset', id, '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  };

  beforeAll(() => {
    requireKernel();
    state = isolateState();
  });
  afterEach(async () => {
    for (const id of ['1', '3']) await cli('exercise', 'reset', id, '--name', name);
  });

  it('hint reveals the next hint of the first unmet requirement, check shows only what was revealed, reset forgets', async () => {
    name = uniqueName('xh');
    expect((await cli('exercise', 'start', '3', '--name', name)).code).toBe(0);
    // Forwarding and MASQUERADE done, the default route in c1 forgotten.
    execFileSync('ip', ['netns', 'exec', `nslab-${name}-host`, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    execFileSync('ip', ['netns', 'exec', `nslab-${name}-host`, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '172.17.0.0/16', '!', '-o', 'docker0', '-j', 'MASQUERADE']);
    const fix = `ip -n nslab-${name}-c1 route add default via 172.17.0.1`;

    const before = await cli('exercise', 'check', '3', '--name', name);
    expect(before.code).toBe(1);
    expect(before.out).not.toContain('[missing default route]');
    expect(before.out).not.toContain(fix);
    expect(before.out).toMatch(/\d+ hints? not shown yet: `nslab exercise hint 3 --name \w+` reveals the next one/);

    const first = await cli('exercise', 'hint', '3', '--name', name);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^Hint 1 for "[^"]*default route[^"]*":\n {2}\[missing default route\] The namespace only knows its own subnet/);
    expect(first.out).toContain('(1 more for it');
    expect(first.out).not.toContain(fix);
    const afterOne = await cli('exercise', 'check', '3', '--name', name, '--json');
    const route = (JSON.parse(afterOne.out) as { findings: { mistake?: string; hints: string[]; hintsLeft: number }[] }).findings.find((f) => f.mistake === 'no-default-route')!;
    expect(route.hints).toHaveLength(1);
    expect(route.hintsLeft).toBe(1);

    const second = await cli('exercise', 'hint', '3', '--name', name);
    expect(second.out).toContain(`Hint 2 for "`);
    expect(second.out).toContain(`  ${fix}\n`);
    expect(second.out).toContain('(that is every hint for it');
    expect((await cli('exercise', 'check', '3', '--name', name)).out).toContain(fix);

    // Done: no hint is needed, and reset forgets what was revealed.
    execFileSync('ip', ['-n', `nslab-${name}-c1`, 'route', 'add', 'default', 'via', '172.17.0.1']);
    const done = await cli('exercise', 'hint', '3', '--name', name);
    expect(done.out).toBe('Every requirement of exercise 3 is met: no hint needed.\n');
    await reset('3');
    expect((await cli('exercise', 'start', '3', '--name', name)).code).toBe(0);
    expect((await cli('exercise', 'check', '3', '--name', name)).out).not.toContain(fix);
  });

  it.each([
    {
      id: '1',
      build: (n: string): Commands => [
        ['ip', 'netns', 'add', `nslab-${n}-a`],
        ['ip', 'netns', 'add', `nslab-${n}-b`],
        ['ip', '-n', `nslab-${n}-a`, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth0', 'netns', `nslab-${n}-b`],
        ['ip', '-n', `nslab-${n}-a`, 'addr', 'add', '10.10.1.1/24', 'dev', 'veth0'],
        ['ip', '-n', `nslab-${n}-b`, 'addr', 'add', '10.10.1.2/24', 'dev', 'veth0'],
        // A typo, as learners make them: it fails, and the transcript keeps it.
        ['ip', '-n', `nslab-${n}-a`, 'link', 'set', 'veht0', 'up'],
        ['ip', '-n', `nslab-${n}-a`, 'link', 'set', 'veth0', 'up'],
        ['ip', '-n', `nslab-${n}-b`, 'link', 'set', 'veth0', 'up'],
        ['ip', '-n', `nslab-${n}-a`, 'link', 'set', 'lo', 'up'],
        ['ip', '-n', `nslab-${n}-b`, 'link', 'set', 'lo', 'up'],
      ],
    },
    {
      id: '3',
      build: (n: string): Commands => [
        ['ip', '-n', `nslab-${n}-c1`, 'route', 'add', 'default', 'via', '172.17.0.1'],
        ['ip', 'netns', 'exec', `nslab-${n}-host`, 'sysctl', '-w', 'net.ipv4.ip_forward=1'],
        ['ip', 'netns', 'exec', `nslab-${n}-host`, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '172.17.0.0/16', '!', '-o', 'docker0', '-j', 'MASQUERADE'],
      ],
    },
  ])('exercise $id: start --record, commands typed in `exercise shell`; the transcript rebuilds it with bash and check passes', async ({ id, build }) => {
    name = uniqueName(`xr${id}`);
    const file = join(mkdtempSync(join(tmpdir(), 'nslab-ex-record-')), `ex${id}.sh`);
    const start = await cli('exercise', 'start', id, '--name', name, '--record', file);
    expect(start.code).toBe(0);
    const shell = await spawnNslab(['exercise', 'shell', id, '--name', name], { NSLAB_STATE_DIR: state }, typed(build(name)));
    expect(shell.err).toContain(`recorded to ${file}`);
    await expectPass(id, name);

    const script = readFileSync(file, 'utf8');
    for (const c of build(name)) expect(script).toContain(`${c.map(shellQuote).join(' ')}\n`);
    expect(script).not.toMatch(/^exit$/m);
    expect(script).toContain('\n# nslab exercise check 1 --json\n');

    await reset(id);
    execFileSync('bash', [file], { stdio: ['ignore', 'ignore', 'pipe'] });
    await expectPass(id, name);
    // What nslab prepared was rebuilt outside it: reset removes it by its names.
    await reset(id);
  });
});
