import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { containerCount, scaleLab } from '../../../labs/scale.js';
import { buildLab } from '../../../src/plan/build.js';
import { parseFping } from '../../../src/verify/fping.js';
import { renderOutcomes } from '../../../src/verify/report.js';
import { cli } from '../support.js';

beforeAll(() => {
  process.env.NSLAB_STATE_DIR = mkdtempSync(join(tmpdir(), 'nslab-scale-'));
});

describe('scale lab', () => {
  it('has N containers on one bridge and one expectation per ordered pair', () => {
    const model = buildLab(scaleLab, 's', { containers: 12 }, { brctl: true });
    expect(Object.keys(model.nodes)).toHaveLength(13);
    expect(model.expectations).toHaveLength(12 * 11);
    expect(model.expectations[0]).toEqual({ title: 'c1 -> c2 (172.17.0.3)', probe: { kind: 'ping', from: 'c1', to: '172.17.0.3' }, expect: 'reach' });
    // Ports join the bridge with ip, not brctl, even where brctl is installed: ip commands batch.
    expect(model.steps.flatMap((s) => s.ops).some((op) => op.cmd.file === 'brctl' || op.cmd.args.includes('brctl'))).toBe(false);
  });

  it('accepts 2..250 containers and says so otherwise', () => {
    expect(containerCount({})).toBe(10);
    expect(containerCount({ containers: 250 })).toBe(250);
    expect(() => containerCount({ containers: 251 })).toThrow(/--containers must be a whole number from 2 to 250, not 251/);
    expect(() => containerCount({ containers: 2.5 })).toThrow(/whole number/);
  });

  it('up --containers reaches the lab through the CLI, and bad sizes fail before anything runs', async () => {
    const ok = await cli('up', 'scale', '--containers', '3', '--name', 'sdry', '--dry-run');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('ip netns add nslab-sdry-c3');
    expect(ok.out).not.toContain('nslab-sdry-c4');
    const bad = await cli('up', 'scale', '--containers', '300', '--dry-run');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^nslab: invalid container count "300" \(give a whole number from 1 to 250/);
  });

  it('lists only what failed when a table would have thousands of rows', () => {
    const outcomes = Array.from({ length: 100 }, (_, i) => ({ title: `p${i}`, expect: 'reach' as const, reached: i !== 7, pass: i !== 7, detail: '' }));
    const text = renderOutcomes(outcomes);
    expect(text).toContain('only those not met are listed');
    expect(text).toMatch(/FAIL\s+p7 /);
    expect(text).not.toContain('p8 ');
    expect(text).toContain('99/100 expectations met: 1 NOT met');
  });
});

describe('fping output', () => {
  it('gives an rtt per address that answered and nothing for one that did not', () => {
    const got = parseFping('172.17.0.3  : 0.179\n172.17.0.99 : -\nICMP Host Unreachable from 172.17.0.2 for ICMP Echo sent to 172.17.0.98\n');
    expect([...got]).toEqual([
      ['172.17.0.3', 0.179],
      ['172.17.0.99', undefined],
    ]);
  });
});
