import { describe, expect, it } from 'vitest';
import { labSuite, runLab } from './lab-run.js';
import { rootSnapshot } from './support.js';

describe('modes lab against the kernel', () => {
  const suite = labSuite('mo');
  const { name } = suite;

  it('run: host mode serves on the host address, container:app shares localhost, none reaches nothing', async () => {
    const by = await runLab('modes', name);
    expect(by["wan -> hostnet's server on the host's address 198.51.100.2 (no -p, no NAT)"]).toMatchObject({ reached: true, detail: 'server saw 198.51.100.1' });
    expect(by["sidecar -> app's server on 127.0.0.1 (shared localhost)"]).toMatchObject({ reached: true, detail: 'server saw 127.0.0.1' });
    expect(by["hostnet -> app's server on 127.0.0.1 (another localhost)"]).toMatchObject({ reached: false });
    expect(by['isolated -> 127.0.0.1 (lo works)']).toMatchObject({ reached: true });
    expect(by['isolated -> gateway 172.17.0.1']).toMatchObject({ reached: false, detail: 'connect: Network is unreachable' });
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
