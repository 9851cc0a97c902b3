import { describe, expect, it } from 'vitest';
import { labSuite, runLab } from './lab-run.js';
import { rootSnapshot } from './support.js';

describe('incident lab against the kernel', () => {
  const suite = labSuite('in');
  const { name } = suite;

  it('run: the allowed source from host and bridge mode, lost to an overlapping subnet, back after the fix', async () => {
    const by = await runLab('incident', name);
    expect(by['[step 5] db sees hostapp (network_mode: host) as 198.51.100.2']).toMatchObject({ detail: 'server saw 198.51.100.2' });
    expect(by['[step 6] db sees web (bridge, MASQUERADE) as 198.51.100.2']).toMatchObject({ detail: 'server saw 198.51.100.2' });
    for (const who of ['hostapp (host mode)', 'web (bridge)', 'app (renamed_default)']) {
      expect(by[`[step 7] ${who} -> db 192.168.1.10: shadowed by 192.168.0.0/20`]).toMatchObject({ reached: false });
    }
    expect(by['db sees app (renamed_default, 10.20.0.0/16) as 198.51.100.2']).toMatchObject({ detail: 'server saw 198.51.100.2' });
    expect(by['db refuses any other source (the router 192.168.1.1)']).toMatchObject({ reached: false });
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
