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
    // Not a name on my_bridge any more: the embedded DNS forwards it, and this docker host has
    // no uplink, so no upstream answers: SERVFAIL, as a real dockerd answers here.
    expect(by['db resolves web (disconnected)']).toMatchObject({ reached: false, detail: 'SERVFAIL' });
    expect(rootSnapshot()).toEqual(suite.before);
  });

  // What keeps the bridges apart differs by version; removing exactly that must let the host
  // forward between them, which proves it is those rules and nothing else.
  const ISOLATION = [
    {
      // 27 has nothing else: no per-bridge DROP, no raw rules. (28 has both kinds.)
      docker: '27',
      what: 'the jump to DOCKER-ISOLATION-STAGE-1',
      holds: (br: string) => [`-A DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`],
      remove: [['-D', 'FORWARD', '-j', 'DOCKER-ISOLATION-STAGE-1']],
    },
    {
      docker: '29',
      what: "the per-bridge DROPs in DOCKER and the containers' raw DROPs",
      holds: (br: string) => [`-A DOCKER ! -i ${br} -o ${br} -j DROP`],
      remove: (br: string) => [
        ['-D', 'DOCKER', '!', '-i', 'docker0', '-o', 'docker0', '-j', 'DROP'],
        ['-D', 'DOCKER', '!', '-i', br, '-o', br, '-j', 'DROP'],
        ['-t', 'raw', '-D', 'PREROUTING', '-d', '172.17.0.2/32', '!', '-i', 'docker0', '-j', 'DROP'],
        ['-t', 'raw', '-D', 'PREROUTING', '-d', '172.18.0.2/32', '!', '-i', br, '-j', 'DROP'],
      ],
    },
  ];

  it.each(ISOLATION)('Docker $docker: it is $what that keeps the bridges apart; without them the host forwards', async ({ docker, holds, remove }) => {
    const lab = `${name}${docker}`;
    expect((await cli('up', 'connect', '--name', lab, '--docker', docker)).code).toBe(0);
    try {
      const host = `nslab-${lab}-host`;
      const br = userBridgeName(lab, 'my_bridge');
      const web = execFileSync('ip', ['-j', '-n', `nslab-${lab}-web`, 'addr', 'show'], { encoding: 'utf8' });
      expect(web).not.toContain('"eth1"');
      expect(await verifyJson(lab)).toEqual({ code: 0, failed: [] });
      // The rules hold the bridge's name: the isolation is really in this lab's rules.
      const rules = execFileSync('ip', ['netns', 'exec', host, 'iptables-save', '-t', 'filter'], { encoding: 'utf8' });
      for (const rule of holds(br)) expect(rules).toContain(rule);
      for (const args of typeof remove === 'function' ? remove(br) : remove) execFileSync('ip', ['netns', 'exec', host, 'iptables', '-w', ...args]);
      const broken = await verifyJson(lab);
      expect(broken.code).toBe(1);
      expect(broken.failed).toEqual(['web -> db (172.18.0.2): other bridge, isolated', 'db -> web (172.17.0.2): other bridge, isolated']);
    } finally {
      expect((await cli('down', lab)).code).toBe(0);
      await cli('clean', lab);
    }
    expect(namespacesOf(lab)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
