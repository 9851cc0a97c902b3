import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { buildLab } from '../../src/plan/build.js';
import { instanceDir, removeTree } from '../../src/lifecycle/state.js';
import { planOps } from '../../src/plan/plan.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, spawnNslab, uniqueName } from '../kernel/support.js';

// Root-namespace mode changes the namespace the tests run in, so these run in their own
// vitest project, after the kernel tests (which assert that namespace never changes).

const sh = (file: string, ...args: string[]) => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The root snapshot plus the nf_tables tables themselves (iptables-save hides empty ones). */
function snapshot(): Record<string, string> {
  return { ...rootSnapshot(), nftTables: sh('nft', 'list', 'tables') };
}

describe('root-namespace mode (--root-ns)', () => {
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = snapshot();
  });

  it('builds docker0 in the root namespace, verifies it by packets, and restores everything', async () => {
    const name = uniqueName('r');
    const r = await cli('run', 'docker0', '--root-ns', '--name', name, '--json');
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).pass).toBe(true);
    expect(namespacesOf(name)).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  it('while up, its root objects are tagged, the uplink is not eth0, and ip_forward is on; down restores', async () => {
    const name = uniqueName('r');
    expect((await cli('up', 'docker0', '--root-ns', '--name', name)).code).toBe(0);
    try {
      const links = JSON.parse(sh('ip', '-j', 'link', 'show')) as { ifname: string; ifalias?: string }[];
      const tagged = links.filter((l) => l.ifalias === `nslab:${name}`).map((l) => l.ifname);
      expect(tagged).toHaveLength(2);
      expect(tagged).toContain('docker0');
      expect(tagged.find((n) => n !== 'docker0')).toMatch(/^wan-[0-9a-f]{7}$/);
      expect(sh('sysctl', '-n', 'net.ipv4.ip_forward').trim()).toBe('1');
      const ours = sh('iptables-save').split('\n').filter((l) => l.startsWith('-A '));
      expect(ours.length).toBe(3);
      expect(ours.every((l) => l.includes(`--comment "nslab:${name}"`))).toBe(true);
    } finally {
      expect((await cli('down', name)).code).toBe(0);
    }
    expect(snapshot()).toEqual(before);
  });

  it('refuses when a docker0 it did not create exists, and changes nothing', async () => {
    sh('ip', 'link', 'add', 'docker0', 'type', 'bridge');
    try {
      const with0 = snapshot();
      const r = await cli('up', 'docker0', '--root-ns', '--name', uniqueName('r'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^nslab: link docker0 already exists in the root namespace and nslab did not create it \(Docker owns it: .*\)\n$/);
      expect(snapshot()).toEqual(with0);
    } finally {
      sh('ip', 'link', 'del', 'docker0');
    }
    expect(snapshot()).toEqual(before);
  });

  it("removes only its own tagged rules: another program's rule in the same chain survives, and so does its table", async () => {
    const foreign = ['-t', 'nat', 'POSTROUTING', '-s', '10.99.0.0/16', '-j', 'MASQUERADE'];
    sh('iptables', '-w', '-t', 'nat', '-A', ...foreign.slice(2));
    try {
      const name = uniqueName('r');
      expect((await cli('up', 'docker0', '--root-ns', '--name', name)).code).toBe(0);
      expect((await cli('down', name)).code).toBe(0);
      expect(sh('iptables-save', '-t', 'nat')).toContain('-A POSTROUTING -s 10.99.0.0/16 -j MASQUERADE');
      expect(sh('iptables-save', '-t', 'nat')).not.toContain('nslab:');
    } finally {
      sh('iptables', '-w', '-t', 'nat', '-D', ...foreign.slice(2));
      // The table existed only for the foreign rule and this test: remove it as nslab would.
      if (!before.nftTables!.includes('table ip nat')) sh('nft', 'delete', 'table', 'ip', 'nat');
    }
    expect(snapshot()).toEqual(before);
  });

  it('SIGKILL after every operation, then down, clean, or clean with the lab record lost, restores the root namespace', async () => {
    const total = planOps(buildLab(LABS.find((l) => l.id === 'docker0')!, 'k', { rootNs: true }, { brctl: true }).steps).length;
    const failures: string[] = [];
    // One at a time: every kill point owns the machine's docker0.
    for (let k = 1; k <= total; k++) {
      const name = uniqueName(`rk${k}x`);
      const recovery = (['down', 'clean', 'clean without record'] as const)[k % 3]!;
      const r = await spawnNslab(['up', 'docker0', '--root-ns', '--name', name], { NSLAB_FAULT_AFTER: String(k) });
      if (r.signal !== 'SIGKILL') failures.push(`k=${k}: not killed: ${r.err.trim()}`);
      if (recovery === 'clean without record') removeTree(instanceDir(name));
      const undo = recovery === 'down' ? await cli('down', name) : await cli('clean', name);
      if (undo.code !== 0) failures.push(`k=${k} ${recovery}: exit ${undo.code}: ${undo.err.trim()}`);
      const now = snapshot();
      for (const key of Object.keys(before)) if (now[key] !== before[key]) failures.push(`k=${k} ${recovery}: ${key} differs`);
      if (namespacesOf(name).length) failures.push(`k=${k} ${recovery}: left ${namespacesOf(name).join(', ')}`);
      if (failures.length) break;
    }
    expect(failures).toEqual([]);
    expect(snapshot()).toEqual(before);
  });
});
