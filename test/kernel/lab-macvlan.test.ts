import { describe, expect, it } from 'vitest';
import { labSuite, runLab } from './lab-run.js';
import { rootSnapshot } from './support.js';

describe('macvlan lab against the kernel', () => {
  const suite = labSuite('mv');
  const { name } = suite;

  it('run: children on the uplink LAN without NAT; the host reaches them only through the shim', async () => {
    const by = await runLab('macvlan', name);
    expect(by['[step 6] host -> c1 (198.51.100.65): a parent cannot reach its macvlan children']).toMatchObject({ reached: false });
    expect(by['[step 7] host -> c1 (198.51.100.65) through the shim']).toMatchObject({ reached: true });
    expect(by['wan sees c1 as 198.51.100.65 (its own address, no MASQUERADE)']).toMatchObject({ detail: 'server saw 198.51.100.65' });
    expect(by['host -> c1 out of the parent eth0 itself (ping -I eth0)']).toMatchObject({ reached: false });
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
