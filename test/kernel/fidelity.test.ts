import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLab } from '../../labs/connect.js';
import { portsLab } from '../../labs/ports.js';
import { iptablesListing } from '../../src/docker/firewall/iptables-listing.js';
import { nftListing } from '../../src/docker/firewall/nftables-listing.js';
import { stableNft } from '../../src/kernel/nft-listing.js';
import { parseRuleListing } from '../../src/kernel/iptables-save.js';
import { RealRunner } from '../../src/exec/real-runner.js';
import { readIptablesRules, readNftTable } from '../../src/kernel/firewall-rules.js';
import { buildLab } from '../../src/plan/build.js';
import type { LabDefinition } from '../../src/plan/lab.js';
import { createLogger } from '../../src/log.js';
import { planOps } from '../../src/plan/plan.js';
import { fixtureListing } from '../unit/docker/firewall/moby-fixtures.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

// Each lab, brought up under each Docker profile, must leave in its docker host exactly the
// rules that profile's layout renders; the unit tests hold those renderings against moby's
// own listings, so together: the kernel holds what that Docker version creates.

const runner = new RealRunner({ logger: createLogger() });
const PROFILES: { label: string; args: string[]; options: Record<string, string | boolean> }[] = [
  { label: 'Docker 27', args: ['--docker', '27'], options: { docker: '27' } },
  { label: 'Docker 28', args: ['--docker', '28'], options: { docker: '28' } },
  { label: 'Docker 29', args: ['--docker', '29'], options: { docker: '29' } },
  { label: 'Docker 29, nftables', args: ['--docker', '29', '--firewall', 'nftables'], options: { docker: '29', firewall: 'nftables' } },
  { label: 'Docker 29, userland-proxy=false', args: ['--docker', '29', '--userland-proxy=false'], options: { docker: '29', userlandProxy: false } },
  { label: 'Docker 29, nftables, userland-proxy=false', args: ['--firewall', 'nftables', '--userland-proxy=false'], options: { docker: '29', firewall: 'nftables', userlandProxy: false } },
];
const LABS: LabDefinition[] = [portsLab, connectLab];

describe.each(PROFILES)('live rules under $label', ({ args, options }) => {
  let before: Record<string, string>;
  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });
  afterAll(() => expect(rootSnapshot()).toEqual(before));

  it.each(LABS.map((l) => [l.id, l] as const))('%s: the kernel holds what the layout renders, rule for rule', async (_id, lab) => {
    const name = uniqueName('f');
    const up = await cli('up', lab.id, '--name', name, ...args);
    expect(up.code, up.err).toBe(0);
    try {
      const model = buildLab(lab, name, options, { brctl: true });
      const host = model.nodes.host!.ns!;
      const ops = planOps(model.steps);
      if (options.firewall === 'nftables') {
        expect(await readNftTable(runner, host, 'docker-bridges')).toEqual(stableNft(nftListing(ops, host)));
        // The nftables backend creates no iptables chain at all.
        expect(Object.values(await readIptablesRules(runner, host)).flat().filter((r) => r.startsWith('-N'))).toEqual([]);
      } else {
        const live = await readIptablesRules(runner, host);
        const planned = parseRuleListing(iptablesListing(ops, host));
        for (const table of ['filter', 'nat', 'raw']) expect(live[table] ?? [], table).toEqual(planned[table] ?? []);
      }
      // And it still works, by packets.
      expect(await cli('verify', name)).toMatchObject({ code: 0 });
    } finally {
      expect((await cli('down', name)).code).toBe(0);
      expect(namespacesOf(name)).toEqual([]);
    }
  });
});

describe("the ports lab under Docker 27 against moby v27.5.1's layout", () => {
  it('has the classic rules of docker run -p 8080:80, line for line', async () => {
    requireKernel();
    isolateState();
    const name = uniqueName('f');
    expect((await cli('up', 'ports', '--name', name, '--docker', '27')).code).toBe(0);
    try {
      const live = await readIptablesRules(runner, `nslab-${name}-host`);
      const classic = fixtureListing('v27', 'classic-portmap.rules');
      for (const table of ['filter', 'nat']) expect(live[table], table).toEqual(classic[table]);
    } finally {
      await cli('down', name);
    }
  });
});
