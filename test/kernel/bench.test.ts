import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireKernel } from './support.js';

// Only proves `npm run bench` works end to end, at a tiny size: speed is judged by the
// benchmark itself (README, Performance), never by a test.
describe('benchmark script, quick mode', () => {
  beforeAll(() => requireKernel());

  it('builds, verifies and tears down for real and writes its JSON', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nslab-bench-t-')), 'quick.json');
    const root = join(import.meta.dirname, '..', '..');
    const text = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--quick', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(text).toContain('nslab --help');
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      sizes: { containers: number; pairs: number; verify: { allPassed: boolean }; teardown: { leftover: number } }[];
      startup: { help: number; ls: number; node: number };
      targets: { what: string }[];
    };
    // Start-up is measured beside a bare node start, and judged in the targets.
    expect(report.startup.help).toBeGreaterThan(report.startup.node);
    expect(report.targets.map((t) => t.what)).toEqual(expect.arrayContaining(['nslab --help start-up', 'nslab ls start-up']));
    expect(report.sizes).toHaveLength(1);
    expect(report.sizes[0]).toMatchObject({ containers: 3, pairs: 6, verify: { allPassed: true }, teardown: { leftover: 0 } });
  });
});
