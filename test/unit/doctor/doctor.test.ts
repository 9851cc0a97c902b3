import { describe, expect, it } from 'vitest';
import { judgeThresholds, largestMesh, neighboursNeeded, raisedThresholds, writeThresholds } from '../../../src/doctor/neigh.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';

const defaults = { gc_thresh1: 128, gc_thresh2: 512, gc_thresh3: 1024 };

describe('doctor: neighbour table limits against the lab size', () => {
  it('counts the entries a full mesh needs and the largest mesh a limit holds', () => {
    expect(neighboursNeeded(50)).toBe(50 * 49 + 100);
    expect(largestMesh(1024)).toBe(31);
    expect(neighboursNeeded(31)).toBeLessThanOrEqual(1024);
    expect(neighboursNeeded(32)).toBeGreaterThan(1024);
  });

  it('fails past gc_thresh3, warns past gc_thresh2, passes below', () => {
    expect(judgeThresholds(defaults, 50)).toMatchObject({ status: 'fail', fixable: true });
    expect(judgeThresholds(defaults, 50).detail).toContain('largest mesh now: 31 containers');
    expect(judgeThresholds(defaults, 25).status).toBe('warn');
    expect(judgeThresholds(defaults, 20).status).toBe('ok');
  });

  it('--fix raises, never lowers, leaves gc_thresh1 alone, and says what it changed', async () => {
    const to = raisedThresholds(defaults, 50);
    expect(to).toEqual({ gc_thresh1: 128, gc_thresh2: 2550, gc_thresh3: 5100 });
    expect(judgeThresholds(to, 50).status).toBe('ok');
    expect(raisedThresholds({ gc_thresh1: 1, gc_thresh2: 9000, gc_thresh3: 90000 }, 50)).toEqual({ gc_thresh1: 1, gc_thresh2: 9000, gc_thresh3: 90000 });
    const runner = new RecordingRunner({ dryRun: false });
    expect(await writeThresholds(runner, defaults, to)).toEqual([
      'net.ipv4.neigh.default.gc_thresh2: 512 -> 2550',
      'net.ipv4.neigh.default.gc_thresh3: 1024 -> 5100',
    ]);
    expect(runner.lines()).toEqual(['sysctl -w net.ipv4.neigh.default.gc_thresh2=2550', 'sysctl -w net.ipv4.neigh.default.gc_thresh3=5100']);
  });
});
