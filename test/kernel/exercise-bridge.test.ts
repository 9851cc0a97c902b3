import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';
import { expectMistake, expectPass, replace, run, type Commands } from './exercise-support.js';

describe('exercise 2 (bridge with three namespaces) checked against hand-built namespaces', () => {
  let name = '';
  const build = (n: string): Commands => {
    const host = `nslab-${n}-host`;
    const cmds: string[][] = [
      ['ip', 'netns', 'add', host],
      ['ip', '-n', host, 'link', 'add', 'br0', 'type', 'bridge'],
      ['ip', '-n', host, 'addr', 'add', '10.10.2.1/24', 'dev', 'br0'],
      ['ip', '-n', host, 'link', 'set', 'br0', 'up'],
    ];
    for (const [c, a] of [['c1', '10.10.2.2'], ['c2', '10.10.2.3'], ['c3', '10.10.2.4']] as const) {
      const ns = `nslab-${n}-${c}`;
      cmds.push(
        ['ip', 'netns', 'add', ns],
        ['ip', '-n', ns, 'link', 'set', 'lo', 'up'],
        ['ip', '-n', host, 'link', 'add', `veth-${c}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns],
        ['ip', '-n', host, 'link', 'set', `veth-${c}`, 'master', 'br0'],
        ['ip', '-n', host, 'link', 'set', `veth-${c}`, 'up'],
        ['ip', '-n', ns, 'addr', 'add', `${a}/24`, 'dev', 'eth0'],
        ['ip', '-n', ns, 'link', 'set', 'eth0', 'up'],
      );
    }
    return cmds;
  };

  beforeAll(() => {
    requireKernel();
    isolateState();
  });
  afterEach(async () => {
    expect((await cli('exercise', 'reset', 'bridge', '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a correct build passes', async () => {
    name = uniqueName('xb');
    run(build(name));
    await expectPass('2', name);
    // The same hand-built namespaces, seen as Docker would show the network.
    const [net] = JSON.parse((await cli('inspect', name, 'br0')).out) as { Name: string; IPAM: { Config: unknown[] }; Containers: Record<string, { Name: string; IPv4Address: string }> }[];
    expect(net!.Name).toBe('br0');
    expect(net!.IPAM.Config).toEqual([{ Subnet: '10.10.2.0/24', Gateway: '10.10.2.1' }]);
    expect(Object.values(net!.Containers).map((c) => `${c.Name} ${c.IPv4Address}`).sort()).toEqual(['c1 10.10.2.2/24', 'c2 10.10.2.3/24', 'c3 10.10.2.4/24']);
  });

  it('names "veth end not attached to the bridge"', async () => {
    name = uniqueName('xb');
    run(replace(build(name), `ip -n nslab-${name}-host link set veth-c2 master br0`));
    await expectMistake('2', name, 'not-on-bridge', `ip -n nslab-${name}-host link set dev veth-c2 master br0`);
  });

  it('names "bridge down"', async () => {
    name = uniqueName('xb');
    run(replace(build(name), `ip -n nslab-${name}-host link set br0 up`));
    await expectMistake('2', name, 'bridge-down', `ip -n nslab-${name}-host link set dev br0 up`);
  });

  it('names "end left down" for the host end of a veth', async () => {
    name = uniqueName('xb');
    run(replace(build(name), `ip -n nslab-${name}-host link set veth-c3 up`));
    await expectMistake('2', name, 'end-down', `ip -n nslab-${name}-host link set dev veth-c3 up`);
  });
});
