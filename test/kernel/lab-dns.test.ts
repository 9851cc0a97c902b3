import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labSuite, netnsConfigOf, runLab, verifyJson } from './lab-run.js';
import { cli, namespacesOf, rootSnapshot } from './support.js';

describe('dns lab against the kernel', () => {
  const suite = labSuite('dn');
  const { name } = suite;

  it('run: names resolve on my_bridge through the resolver, not on docker0; tears down to nothing', async () => {
    const by = await runLab('dns', name);
    expect(by['web resolves db to 172.18.0.2']).toMatchObject({ reached: true, detail: 'db -> 172.18.0.2' });
    expect(by['db resolves web to 172.18.0.3']).toMatchObject({ reached: true, detail: 'web -> 172.18.0.3' });
    expect(by['web -> db by name (ping db)']).toMatchObject({ reached: true });
    expect(by['web resolves c1 (not on my_bridge)']).toMatchObject({ reached: false, detail: 'NXDOMAIN' });
    expect(by['c1 resolves db (default bridge: no embedded DNS)']).toMatchObject({ reached: false, detail: 'NXDOMAIN' });
    // What the embedded DNS does not know, it asks the host's resolver: the internet's DNS server.
    expect(by["web resolves server.example.net (forwarded to the host's resolver)"]).toMatchObject({ reached: true, detail: 'server.example.net -> 203.0.113.10' });
    expect(by['web resolves db over TCP']).toMatchObject({ reached: true, detail: 'db -> 172.18.0.2' });
    expect(rootSnapshot()).toEqual(suite.before);
  });

  it('up keeps the resolvers running for another process; a dead resolver fails verify; down removes it all', async () => {
    expect((await cli('up', 'dns', '--name', name)).code).toBe(0);
    try {
      // The system resolver inside web reads the resolv.conf nslab wrote, as `ping db` does.
      const hosts = execFileSync('ip', ['netns', 'exec', `nslab-${name}-web`, 'getent', 'hosts', 'db'], { encoding: 'utf8' });
      expect(hosts.trim()).toMatch(/^172\.18\.0\.2\s+db$/);
      expect(await verifyJson(name)).toEqual({ code: 0, failed: [] });
      // Kill web's resolver: lookups from web must now fail, and verify must say so.
      process.kill(Number(readFileSync(join(suite.state, 'labs', name, 'pids', 'dns-web.pid'), 'utf8')), 'SIGKILL');
      const broken = await verifyJson(name);
      expect(broken.code).toBe(1);
      expect(broken.failed).toEqual(expect.arrayContaining(['web resolves db to 172.18.0.2', 'web -> db by name (ping db)']));
      expect(broken.failed).not.toContain('db resolves web to 172.18.0.3');
    } finally {
      expect((await cli('down', name)).code).toBe(0);
    }
    expect(namespacesOf(name)).toEqual([]);
    expect(netnsConfigOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
