import { describe, expect, it } from 'vitest';
import { assertNoOverlap, Ipam, macFromIp, parseSubnet } from '../../../src/model/ipam.js';

describe('Ipam', () => {
  it('reserves the gateway and hands out addresses in order, like docker0', () => {
    const ipam = new Ipam('172.17.0.0/16');
    expect(ipam.gateway).toBe('172.17.0.1');
    expect([ipam.allocate(), ipam.allocate(), ipam.allocate()]).toEqual(['172.17.0.2', '172.17.0.3', '172.17.0.4']);
    expect(ipam.withPrefix('172.17.0.2')).toBe('172.17.0.2/16');
  });

  it('reuses the lowest released address', () => {
    const ipam = new Ipam('172.18.0.0/16');
    ipam.allocate();
    ipam.allocate();
    ipam.release('172.18.0.2');
    expect(ipam.allocate()).toBe('172.18.0.2');
  });

  it('runs out on a small subnet with a clear error', () => {
    const ipam = new Ipam('10.9.0.0/30');
    expect(ipam.allocate()).toBe('10.9.0.2');
    expect(() => ipam.allocate()).toThrow(/no free address left/);
  });

  it('rejects invalid, non-network and too-small subnets', () => {
    expect(() => parseSubnet('172.17.0.0/33')).toThrow(/invalid IPv4 subnet/);
    expect(() => parseSubnet('bogus')).toThrow(/invalid IPv4 subnet/);
    expect(() => parseSubnet('172.17.0.5/16')).toThrow(expect.objectContaining({ message: '172.17.0.5/16 is not a network address', hint: 'did you mean 172.17.0.0/16?' }));
    expect(() => new Ipam('10.0.0.0/31')).toThrow(/too small/);
    expect(() => new Ipam('172.17.0.0/16', '172.18.0.1')).toThrow(/not a usable host address/);
  });

  it('reserves fixed addresses once', () => {
    const ipam = new Ipam('172.20.0.0/24');
    expect(ipam.reserve('172.20.0.50')).toBe('172.20.0.50');
    expect(() => ipam.reserve('172.20.0.50')).toThrow(/already in use/);
    expect(() => ipam.reserve('172.20.0.255')).toThrow(/not a usable host address/);
  });

  it('detects overlapping subnets and names both', () => {
    const a = { name: 'bridge', subnet: parseSubnet('172.17.0.0/16') };
    const b = { name: 'my_bridge', subnet: parseSubnet('172.17.5.0/24') };
    expect(() => assertNoOverlap([a, b])).toThrow(/172.17.5.0\/24 of my_bridge overlaps 172.17.0.0\/16 of bridge/);
    expect(() => assertNoOverlap([a, { name: 'x', subnet: parseSubnet('172.18.0.0/16') }])).not.toThrow();
  });

  it('derives the classic docker MAC from the address', () => {
    expect(macFromIp('172.17.0.2')).toBe('02:42:ac:11:00:02');
  });
});
