import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';
import { expectMistake, expectPass, replace, run, type Commands } from './exercise-support.js';

describe('exercise 1 (veth pair) checked against hand-built namespaces', () => {
  let name = '';
  const build = (n: string): Commands => {
    const a = `nslab-${n}-a`;
    const b = `nslab-${n}-b`;
    return [
      ['ip', 'netns', 'add', a],
      ['ip', 'netns', 'add', b],
      ['ip', '-n', a, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth0', 'netns', b],
      ['ip', '-n', a, 'addr', 'add', '10.10.1.1/24', 'dev', 'veth0'],
      ['ip', '-n', b, 'addr', 'add', '10.10.1.2/24', 'dev', 'veth0'],
      ['ip', '-n', a, 'link', 'set', 'veth0', 'up'],
      ['ip', '-n', b, 'link', 'set', 'veth0', 'up'],
      ['ip', '-n', a, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', b, 'link', 'set', 'lo', 'up'],
    ];
  };

  beforeAll(() => {
    requireKernel();
    isolateState();
  });
  afterEach(async () => {
    expect((await cli('exercise', 'reset', '1', '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a correct build passes, and start prints the task', async () => {
    name = uniqueName('xv');
    const start = await cli('exercise', 'start', '1', '--name', name);
    expect(start.out).toContain(`nslab-${name}-a`);
    run(build(name));
    await expectPass('1', name);
  });

  it('names "end left down"', async () => {
    name = uniqueName('xv');
    run(replace(build(name), `ip -n nslab-${name}-b link set veth0 up`));
    await expectMistake('1', name, 'end-down', `ip -n nslab-${name}-b link set dev veth0 up`);
  });

  it('names "lo left down"', async () => {
    name = uniqueName('xv');
    run(replace(build(name), `ip -n nslab-${name}-a link set lo up`));
    await expectMistake('1', name, 'lo-down', `ip -n nslab-${name}-a link set dev lo up`);
  });

  it('names "address on the wrong interface"', async () => {
    name = uniqueName('xv');
    run(replace(build(name), `ip -n nslab-${name}-a addr add 10.10.1.1/24 dev veth0`, ['ip', '-n', `nslab-${name}-a`, 'addr', 'add', '10.10.1.1/24', 'dev', 'lo']));
    await expectMistake('1', name, 'wrong-interface', `addr add 10.10.1.1/24 dev veth0`);
  });

  it('names "addresses in different subnets"', async () => {
    name = uniqueName('xv');
    run(replace(build(name), `ip -n nslab-${name}-b addr add 10.10.1.2/24 dev veth0`, ['ip', '-n', `nslab-${name}-b`, 'addr', 'add', '10.10.2.2/24', 'dev', 'veth0']));
    await expectMistake('1', name, 'different-subnets', `ip -n nslab-${name}-b addr del 10.10.2.2/24 dev veth0`);
    // why, on the same hand-built namespaces, stops at the route lookup in a.
    const why = JSON.parse((await cli('why', name, 'a', 'b', '--json')).out) as { to: string; broken: { at: string; what: string } };
    expect(why.to).toBe('10.10.2.2');
    expect(why.broken).toMatchObject({ at: 'a', what: expect.stringContaining('no route to 10.10.2.2') });
  });

  it('names "namespace missing" and "no veth pair"', async () => {
    name = uniqueName('xv');
    run(build(name).slice(0, 1));
    await expectMistake('1', name, 'missing-namespace', `ip netns add nslab-${name}-b`);
    run(build(name).slice(1, 2));
    await expectMistake('1', name, 'no-veth', `type veth peer name eth0 netns nslab-${name}-a`);
  });

  it('names "address missing"', async () => {
    name = uniqueName('xv');
    run(replace(build(name), `ip -n nslab-${name}-a addr add 10.10.1.1/24 dev veth0`));
    await expectMistake('1', name, 'missing-address', `ip -n nslab-${name}-a addr add 10.10.1.1/24 dev veth0`);
  });
});
