import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';
import { expectMistake, expectPass, replace, run, type Commands } from './exercise-support.js';

describe('exercise 3 (internet access: forwarding + MASQUERADE) checked against hand-built state', () => {
  let name = '';
  // What the learner adds to the host and container nslab prepared.
  const build = (n: string): Commands => [
    ['ip', '-n', `nslab-${n}-c1`, 'route', 'add', 'default', 'via', '172.17.0.1'],
    ['ip', 'netns', 'exec', `nslab-${n}-host`, 'sysctl', '-w', 'net.ipv4.ip_forward=1'],
    ['ip', 'netns', 'exec', `nslab-${n}-host`, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '172.17.0.0/16', '!', '-o', 'docker0', '-j', 'MASQUERADE'],
  ];
  const start = async () => {
    name = uniqueName('xi');
    const r = await cli('exercise', 'start', 'internet', '--name', name);
    expect(r.code).toBe(0);
    expect(r.out).toContain('MASQUERADE');
  };

  beforeAll(() => {
    requireKernel();
    isolateState();
  });
  afterEach(async () => {
    expect((await cli('exercise', 'reset', '3', '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a correct build passes (the internet sees the host address)', async () => {
    await start();
    run(build(name));
    await expectPass('3', name);
  });

  it('names "missing default route"', async () => {
    await start();
    run(replace(build(name), `ip -n nslab-${name}-c1 route add default via 172.17.0.1`));
    await expectMistake('3', name, 'no-default-route', `ip -n nslab-${name}-c1 route add default via 172.17.0.1`);
  });

  it('names "ip_forward off"', async () => {
    await start();
    run(replace(build(name), `ip netns exec nslab-${name}-host sysctl -w net.ipv4.ip_forward=1`));
    await expectMistake('3', name, 'ip-forward-off', `ip netns exec nslab-${name}-host sysctl -w net.ipv4.ip_forward=1`);
  });

  it('names "MASQUERADE missing"', async () => {
    await start();
    run(build(name).slice(0, 2));
    await expectMistake('3', name, 'masquerade-missing', `iptables -t nat -A POSTROUTING -s 172.17.0.0/16 '!' -o docker0 -j MASQUERADE`);
  });

  it('names "MASQUERADE on the wrong source"', async () => {
    await start();
    const host = `nslab-${name}-host`;
    run([...build(name).slice(0, 2), ['ip', 'netns', 'exec', host, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '172.18.0.0/16', '!', '-o', 'docker0', '-j', 'MASQUERADE']]);
    await expectMistake('3', name, 'masquerade-wrong-source', `iptables -t nat -D POSTROUTING -s 172.18.0.0/16 '!' -o docker0 -j MASQUERADE`);
  });
});
