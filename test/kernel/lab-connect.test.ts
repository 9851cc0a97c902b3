import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { userBridgeName } from '../../src/docker/user-network.js';
import { labSuite, runLab, verifyJson } from './lab-run.js';
import { cli, namespacesOf, rootSnapshot } from './support.js';

describe('connect lab against the kernel', () => {
  const suite = labSuite('cn');
  const { name } = suite;

  it('run: isolated, then connected (eth1, by name), then disconnected; tears down to nothing', async () => {
    const by = await runLab('connect', name);
    expect(by['[step 5] web -> db (172.18.0.2): other bridge, isolated']).toMatchObject({ reached: false });
    expect(by['[step 6] web -> db by name (ping db, via eth1)']).toMatchObject({ reached: true });
    expect(by['[step 6] db sees web as 172.18.0.3 (eth1\'s address)']).toMatchObject({ detail: 'server saw 172.18.0.3' });
    expect(by['web -> db (172.18.0.2): other bridge, isolated']).toMatchObject({ reached: false });
    expect(by['db resolves web (disconnected)']).toMatchObject({ reached: false, detail: 'NXDOMAIN' });
    expect(rootSnapshot()).toEqual(suite.before);
  });

  it('it is the isolation rules that keep the bridges apart: without them the host forwards', async () => {
    expect((await cli('up', 'connect', '--name', name)).code).toBe(0);
    try {
      const host = `nslab-${name}-host`;
      const web = execFileSync('ip', ['-j', '-n', `nslab-${name}-web`, 'addr', 'show'], { encoding: 'utf8' });
      expect(web).not.toContain('"eth1"');
      expect(await verifyJson(name)).toEqual({ code: 0, failed: [] });
      // Both chains hold the bridge's name: the isolation is really in this lab's rules.
      const rules = execFileSync('ip', ['netns', 'exec', host, 'iptables-save', '-t', 'filter'], { encoding: 'utf8' });
      expect(rules).toContain(`-A DOCKER-ISOLATION-STAGE-2 -o ${userBridgeName(name, 'my_bridge')} -m comment --comment "nslab:${name}" -j DROP`);
      execFileSync('ip', ['netns', 'exec', host, 'iptables', '-w', '-D', 'FORWARD', '-m', 'comment', '--comment', `nslab:${name}`, '-j', 'DOCKER-ISOLATION-STAGE-1']);
      const broken = await verifyJson(name);
      expect(broken.code).toBe(1);
      expect(broken.failed).toEqual(['web -> db (172.18.0.2): other bridge, isolated', 'db -> web (172.17.0.2): other bridge, isolated']);
    } finally {
      expect((await cli('down', name)).code).toBe(0);
    }
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
