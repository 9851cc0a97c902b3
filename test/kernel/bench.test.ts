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
    const text = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--quick', '--peers', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(text).toContain('nslab --help');
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      sizes: { containers: number; pairs: number; verify: { allPassed: boolean; nslab: number; fpingScript: number }; teardown: { leftover: number } }[];
      peers: ({ missing: string } | { containers: number; build: number; pingall: number; pingallPassed: boolean })[];
      startup: { help: number; ls: number; node: number };
      targets: { what: string }[];
    };
    // Start-up is measured beside a bare node start, and judged in the targets.
    expect(report.startup.help).toBeGreaterThan(report.startup.node);
    expect(report.targets.map((t) => t.what)).toEqual(expect.arrayContaining(['nslab --help start-up', 'nslab ls start-up']));
    expect(report.sizes).toHaveLength(1);
    expect(report.sizes[0]).toMatchObject({ containers: 3, pairs: 6, verify: { allPassed: true }, teardown: { leftover: 0 } });
    // The hand-written fping mesh is measured beside verify, on a mesh of its own.
    expect(report.sizes[0]!.verify.fpingScript).toBeGreaterThan(0);
    // --peers: Mininet measured at the same N where it is installed, and said missing where not.
    const installed = (() => {
      try {
        execFileSync('mn', ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    expect(report.peers).toHaveLength(1);
    if (installed) expect(report.peers[0]).toMatchObject({ containers: 3, pingallPassed: true });
    else expect(report.peers[0]).toMatchObject({ missing: expect.stringContaining('Mininet is not installed') });
    expect(text).toContain(installed ? 'Mininet N=3' : 'Mininet is not installed');
  });
});
