import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, requireKernel, rootSnapshot } from './support.js';

const KEYS = ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'].map((k) => `net.ipv4.neigh.default.${k}`);
// The kernel shows the neighbour limits only in the machine's initial network namespace.
const visible = existsSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3');
const read = () => (visible ? KEYS.map((k) => Number(execFileSync('sysctl', ['-n', k], { encoding: 'utf8' }).trim())) : []);
const doctorNamespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`nslab-probe${process.pid.toString(36)}-`));

interface Report {
  ok: boolean;
  checks: { name: string; status: string; detail: string }[];
  changed: string[];
}

describe('nslab doctor against this machine', () => {
  let saved: number[];
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    saved = read();
    before = rootSnapshot();
  });

  // --fix changes root-namespace sysctls: put back exactly what was there.
  afterAll(() => {
    if (visible) execFileSync('sysctl', ['-w', ...KEYS.map((k, i) => `${k}=${saved[i]}`)]);
  });

  it('finds the tools, privileges and link types a lab needs, and leaves no namespace behind', async () => {
    const r = await cli('doctor', '--containers', '5', '--json');
    const report = JSON.parse(r.out) as Report;
    const status = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    expect(status).toMatchObject({ root: 'ok', 'tool ip': 'ok', 'tool fping': 'ok', 'kernel: veth': 'ok', 'kernel: bridge': 'ok', 'kernel: vxlan': 'ok', 'kernel: macvlan': 'ok' });
    expect(report.changed).toEqual([]);
    expect(doctorNamespaces()).toEqual([]);
  });

  // One test, two machines: where the limits are visible --fix must raise them; where they are
  // not (a namespace that is not the initial one), doctor must say so and change nothing.
  it('--fix raises the neighbour limits a 250-container mesh needs (or says it cannot see them), and nothing else moves', async () => {
    if (!visible) {
      const r = await cli('doctor', '--containers', '250', '--fix', '--json');
      const report = JSON.parse(r.out) as Report;
      const check = report.checks.find((c) => c.name === 'neighbour table for 250 containers');
      expect(check?.status).toBe('warn');
      expect(check?.detail).toMatch(/not visible here: this is not the machine's initial network namespace/);
      expect(report.changed).toEqual([]);
      expect(rootSnapshot()).toEqual(before);
      return;
    }
    const need = 250 * 249 + 500;
    const r = await cli('doctor', '--containers', '250', '--fix', '--json');
    const report = JSON.parse(r.out) as Report;
    const [t1, t2, t3] = read();
    expect(t3).toBeGreaterThanOrEqual(need);
    expect(t2).toBeGreaterThanOrEqual(Math.min(need, t3!));
    expect(t1).toBe(saved[0]);
    if (saved[2]! < need) expect(report.changed).toContain(`net.ipv4.neigh.default.gc_thresh3: ${saved[2]} -> ${t3}`);
    expect(report.checks.find((c) => c.name === 'neighbour table for 250 containers')?.status).toBe('ok');
    expect(r.code).toBe(0);
    expect(rootSnapshot()).toEqual(before);
  });
});
