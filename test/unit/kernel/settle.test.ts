import { describe, expect, it } from 'vitest';
import { pendingLinks } from '../../../src/kernel/settle.js';

describe('link settling', () => {
  it('is pending while carrier is on but linkwatch has not updated operstate', () => {
    const links = [
      { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN' },
      { ifname: 'eth0', flags: ['BROADCAST', 'UP', 'LOWER_UP'], operstate: 'DOWN' },
      { ifname: 'veth1', flags: ['BROADCAST', 'UP', 'LOWER_UP'], operstate: 'UP' },
      { ifname: 'veth2', flags: ['NO-CARRIER', 'BROADCAST', 'UP'], operstate: 'DOWN' },
    ];
    expect(pendingLinks(JSON.stringify(links))).toEqual(['eth0']);
  });
});
