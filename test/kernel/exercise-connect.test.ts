import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';
import { expectMistake, expectPass, replace, run, type Commands } from './exercise-support.js';

describe('exercise 5 (connect a container to a second network) checked against hand-built state', () => {
  let name = '';
  const build = (n: string): Commands => {
    const host = `nslab-${n}-host`;
    const c1 = `nslab-${n}-c1`;
    return [
      ['ip', '-n', host, 'link', 'add', 'veth-c1n2', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', c1],
      ['ip', '-n', host, 'link', 'set', 'veth-c1n2', 'master', 'br-net2'],
      ['ip', '-n', host, 'link', 'set', 'veth-c1n2', 'up'],
      ['ip', '-n', c1, 'addr', 'add', '172.18.0.3/16', 'dev', 'eth1'],
      ['ip', '-n', c1, 'link', 'set', 'eth1', 'up'],
    ];
  };
  const start = async () => {
    name = uniqueName('xc');
    expect((await cli('exercise', 'start', 'connect', '--name', name)).code).toBe(0);
  };

  beforeAll(() => {
    requireKernel();
    isolateState();
  });
  afterEach(async () => {
    expect((await cli('exercise', 'reset', '5', '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a correct build passes', async () => {
    await start();
    run(build(name));
    await expectPass('5', name);
  });

  it('names "veth end not attached to the bridge" when it joins docker0 instead of br-net2', async () => {
    await start();
    run(replace(build(name), `ip -n nslab-${name}-host link set veth-c1n2 master br-net2`, ['ip', '-n', `nslab-${name}-host`, 'link', 'set', 'veth-c1n2', 'master', 'docker0']));
    await expectMistake('5', name, 'not-on-bridge', `ip -n nslab-${name}-host link set dev veth-c1n2 master br-net2`);
  });

  it('names "address on the wrong interface" when the second address goes on eth0', async () => {
    await start();
    run(replace(build(name), `ip -n nslab-${name}-c1 addr add 172.18.0.3/16 dev eth1`, ['ip', '-n', `nslab-${name}-c1`, 'addr', 'add', '172.18.0.3/16', 'dev', 'eth0']));
    await expectMistake('5', name, 'wrong-interface', `ip -n nslab-${name}-c1 addr del 172.18.0.3/16 dev eth0`);
  });

  it('names "end left down" for eth1', async () => {
    await start();
    run(replace(build(name), `ip -n nslab-${name}-c1 link set eth1 up`));
    await expectMistake('5', name, 'end-down', `ip -n nslab-${name}-c1 link set dev eth1 up`);
  });
});
