import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { forgetHints, hintLadder, revealedHints, revealNext } from '../../../src/exercise/hints.js';
import type { Finding } from '../../../src/exercise/types.js';

const loDown: Finding = { requirement: 'lo is up in a', pass: false, detail: 'down', mistake: 'lo-down', hint: 'ip -n nslab-x-a link set dev lo up' };
const noRoute: Finding = { requirement: 'c1 has a default route', pass: false, detail: 'none', mistake: 'no-default-route', hint: 'ip -n nslab-x-c1 route add default via 172.17.0.1' };
const met: Finding = { requirement: 'namespaces exist', pass: true, detail: 'present' };

describe('hints one at a time', () => {
  beforeEach(() => {
    process.env.NSLAB_STATE_DIR = mkdtempSync(join(tmpdir(), 'nslab-hints-'));
  });

  it('a mistake has two hints: where to look first, then the command', () => {
    expect(hintLadder(loDown)).toEqual(['[lo left down] Every new namespace starts with lo down, and then it cannot even reach its own addresses.', 'ip -n nslab-x-a link set dev lo up']);
    expect(hintLadder(met)).toEqual([]);
  });

  it('reveals the first unmet requirement one hint at a time, then moves on, and says how many are left', () => {
    const findings = [met, loDown, noRoute];
    expect(revealNext('x', findings)).toEqual({ requirement: loDown.requirement, shown: [hintLadder(loDown)[0]], left: 1, elsewhere: 2 });
    expect(revealNext('x', findings)).toMatchObject({ requirement: loDown.requirement, left: 0, elsewhere: 2 });
    expect(revealNext('x', findings)).toMatchObject({ requirement: noRoute.requirement, shown: [hintLadder(noRoute)[0]], left: 1, elsewhere: 0 });
    // Remembered between commands, until reset.
    expect(revealedHints('x')).toEqual({ [loDown.requirement]: 2, [noRoute.requirement]: 1 });
    forgetHints('x');
    expect(revealedHints('x')).toEqual({});
  });

  it('nothing to reveal when every requirement is met', () => {
    expect(revealNext('x', [met])).toBeUndefined();
  });
});
