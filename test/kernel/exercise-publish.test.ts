import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, uniqueName } from './support.js';
import { expectMistake, expectPass, run, type Commands } from './exercise-support.js';

describe('exercise 4 (publish -p 8080:80) checked against hand-built rules', () => {
  let name = '';
  const iptables = (n: string, ...args: string[]) => ['ip', 'netns', 'exec', `nslab-${n}-host`, 'iptables', ...args];
  const dnat = (n: string, port = '8080', to = '172.17.0.2:80') => iptables(n, '-t', 'nat', '-A', 'PREROUTING', '-i', 'eth0', '-p', 'tcp', '--dport', port, '-j', 'DNAT', '--to-destination', to);
  const accept = (n: string) => iptables(n, '-A', 'FORWARD', '-d', '172.17.0.2/32', '-o', 'docker0', '-p', 'tcp', '--dport', '80', '-j', 'ACCEPT');
  const start = async () => {
    name = uniqueName('xp');
    expect((await cli('exercise', 'start', 'publish', '--name', name)).code).toBe(0);
  };

  beforeAll(() => {
    requireKernel();
    isolateState();
  });
  afterEach(async () => {
    expect((await cli('exercise', 'reset', '4', '--name', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a correct build passes: the internet reaches c1:80 through host:8080', async () => {
    await start();
    run([dnat(name), accept(name)] as Commands);
    await expectPass('4', name);
  });

  it('names "DNAT without a matching FORWARD accept"', async () => {
    await start();
    run([dnat(name)]);
    await expectMistake('4', name, 'dnat-no-forward-accept', `iptables -I FORWARD -d 172.17.0.2/32 -o docker0 -p tcp --dport 80 -j ACCEPT`);
  });

  it('names "wrong port" (published on 8000 instead of 8080)', async () => {
    await start();
    run([dnat(name, '8000'), accept(name)]);
    await expectMistake('4', name, 'wrong-port', `--dport 8080 -j DNAT --to-destination 172.17.0.2:80`);
  });

  it('names "wrong port" (sent to the container port 8080 instead of 80)', async () => {
    await start();
    run([dnat(name, '8080', '172.17.0.2:8080'), accept(name)]);
    await expectMistake('4', name, 'wrong-port', `--to-destination 172.17.0.2:80`);
  });

  it('names "DNAT rule missing"', async () => {
    await start();
    run([accept(name)]);
    await expectMistake('4', name, 'dnat-missing', `-j DNAT --to-destination 172.17.0.2:80`);
  });
});
