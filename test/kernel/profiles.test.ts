import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

// Every lab's verification table under every Docker profile nslab rebuilds: what each version
// creates differs (labs.test.ts runs the default, 29), and each must still work, by packets.
// The scale lab is left to its own test (its size is the point there, not the rules).

const PROFILES = [
  { label: '27', args: ['--docker', '27'] },
  { label: '28', args: ['--docker', '28'] },
  { label: '29 nftables', args: ['--docker', '29', '--firewall', 'nftables'] },
];
const IDS = LABS.map((l) => l.id).filter((id) => id !== 'scale');

interface Outcome {
  title: string;
  pass: boolean;
  detail: string;
}

describe.each(PROFILES)('every lab under Docker $label', ({ args }) => {
  let before: Record<string, string>;
  const names: string[] = [];

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });
  afterAll(async () => {
    for (const n of names) await cli('clean', n);
    expect(rootSnapshot()).toEqual(before);
  });

  it.each(IDS)('run %s: every step check and expectation passes, and nothing is left', async (id) => {
    const name = uniqueName(`v${id.slice(0, 2)}`);
    names.push(name);
    const r = await cli('run', id, '--name', name, '--json', ...args);
    const result = JSON.parse(r.out) as { pass: boolean; outcomes: Outcome[] };
    expect(result.outcomes.filter((o) => !o.pass).map((o) => `${o.title}: ${o.detail}`)).toEqual([]);
    expect(result.pass).toBe(true);
    expect(r.code, r.err).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });
});
