import { afterAll, describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { cli, failed, labNames, namespacesOf, rootSnapshot, type Outcome } from './support.js';

// Every lab's verification table under every Docker profile nslab rebuilds: what each version
// creates differs (labs.test.ts runs the default, 29), and each must still work, by packets.
// The scale lab is left to its own test (its size is the point there, not the rules).

const PROFILES = [
  { label: '27', args: ['--docker', '27'] },
  { label: '28', args: ['--docker', '28'] },
  { label: '29 nftables', args: ['--docker', '29', '--firewall', 'nftables'] },
];
const IDS = LABS.map((l) => l.id).filter((id) => id !== 'scale');

describe.each(PROFILES)('every lab under Docker $label', ({ args }) => {
  const { fresh, before } = labNames('v');
  afterAll(() => {
    expect(rootSnapshot()).toEqual(before());
  });

  it.each(IDS)('run %s: every step check and expectation passes, and nothing is left', async (id) => {
    const name = fresh(id);
    const r = await cli('run', id, '--name', name, '--json', ...args);
    const result = JSON.parse(r.out) as { pass: boolean; outcomes: Outcome[] };
    expect(failed(result.outcomes)).toEqual([]);
    expect(result.pass).toBe(true);
    expect(r.code, r.err).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });
});
