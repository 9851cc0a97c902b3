import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';

describe('what a learner sees of the commands', () => {
  const name = uniqueName('log');
  let state: string;

  beforeAll(() => {
    requireKernel();
    state = isolateState();
    process.env.NSLAB_LOG = join(state, 'commands.log');
  });

  afterAll(async () => {
    await cli('clean', name);
    delete process.env.NSLAB_LOG;
  });

  it('--verbose prints each command as it runs, in the same form as --dry-run', async () => {
    const dry = await cli('up', 'docker0', '--name', name, '--dry-run');
    const scriptLines = dry.out.split('\n').filter((l) => l && !l.startsWith('#') && l !== 'set -euo pipefail');
    const up = await cli('up', 'docker0', '--name', name, '--verbose');
    expect(up.code).toBe(0);
    const echoed = up.err.split('\n').filter((l) => l.startsWith('+ ')).map((l) => l.slice(2));
    // Everything the script says is run (reads such as `ip -j netns list` come in between).
    const applied = echoed.filter((l) => scriptLines.includes(l));
    expect([...applied].sort()).toEqual([...scriptLines].sort());
    // Commands are batched per namespace, so namespaces may interleave otherwise than the
    // script lists them; inside each namespace they run in the script's order.
    const inside = (lines: string[], ns: string) => lines.filter((l) => l.includes(`-n ${ns} `) || l.includes(`netns exec ${ns} `));
    for (const node of ['host', 'wan', 'c1', 'c2']) expect(inside(applied, `nslab-${name}-${node}`)).toEqual(inside(scriptLines, `nslab-${name}-${node}`));
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('logs every command as a JSON line: namespace, argv, exit code, duration', () => {
    const lines = readFileSync(process.env.NSLAB_LOG!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const argv = (l: Record<string, unknown>) => (Array.isArray(l.argv) ? (l.argv as string[]).join(' ') : '');
    const bridge = lines.find((l) => /brctl addbr docker0|link add name docker0 type bridge/.test(argv(l)));
    expect(bridge).toMatchObject({ msg: 'cmd', netns: `nslab-${name}-host`, exitCode: 0 });
    expect(typeof bridge!.durationMs).toBe('number');
    const del = lines.filter((l) => argv(l) === `ip netns del nslab-${name}-host`);
    expect(del).toHaveLength(1);
  });
});
