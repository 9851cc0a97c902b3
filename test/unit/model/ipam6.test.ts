import { describe, expect, it } from 'vitest';
import { cidrContains, networkOf, splitHostPort } from '../../../src/model/cidr.js';
import { formatAddress6, Ipam6, nextUlaPool, parseAddress6, parseSubnet6, ulaBase } from '../../../src/model/ipam6.js';

describe('IPv6 addresses as the kernel writes them', () => {
  it.each([
    ['fd00:0:0:0:0:0:0:2', 'fd00::2'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
  ])('%s is %s', (text, canonical) => {
    expect(formatAddress6(parseAddress6(text)!)).toBe(canonical);
  });

  it.each(['fd00::1::2', '1.2.3.4', 'fd00:12345::', 'g::1', '1:2:3:4:5:6:7', ''])('%j is not one', (text) => {
    expect(parseAddress6(text)).toBeUndefined();
  });

  it('refuses a subnet that is not a network address, suggesting the one meant', () => {
    expect(() => parseSubnet6('fd00::5/64')).toThrow(/fd00::5\/64 is not a network address.*/);
    expect(() => parseSubnet6('fd00::5/64')).toThrow(expect.objectContaining({ hint: 'did you mean fd00::/64?' }));
    expect(() => parseSubnet6('fd00::/129')).toThrow(/invalid IPv6 subnet/);
  });
});

describe('Ipam6: the gateway first, then containers in order, a released address handed out again', () => {
  it('hands out ::1 to the gateway and ::2, ::3 to containers', () => {
    const ipam = new Ipam6('2001:db8:abcd::/64');
    expect(ipam.gateway).toBe('2001:db8:abcd::1');
    expect([ipam.allocate(), ipam.allocate()]).toEqual(['2001:db8:abcd::2', '2001:db8:abcd::3']);
    ipam.release('2001:db8:abcd::2');
    expect(ipam.allocate()).toBe('2001:db8:abcd::2');
    expect(ipam.withPrefix('2001:db8:abcd::2')).toBe('2001:db8:abcd::2/64');
  });

  it('refuses a fixed address taken, or outside the subnet, in Docker\'s words', () => {
    const ipam = new Ipam6('fd00:1::/64');
    expect(ipam.reserve('fd00:1::10')).toBe('fd00:1::10');
    expect(() => ipam.reserve('fd00:1:0:0::10')).toThrow('address fd00:1::10 is already in use in fd00:1::/64');
    expect(() => ipam.reserve('fd00:2::10')).toThrow(/not a usable host address of fd00:1::\/64/);
  });
});

describe("the engine's ULA pool (27.0 deriveULABaseNetwork)", () => {
  // Expected values computed apart from nslab, with Python's hashlib and ipaddress:
  // fd00:: + ((first 8 bytes of sha256(id), big-endian) & (2^40 - 1)) << 80.
  it.each([
    ['1b8e6a2c-0c6f-4e3b-9d2a-5f7c8e9a0b1c', 'fde1:64be:971c::/48'],
    ['nslab-test', 'fd94:f2f2:700c::/48'],
  ])('engine %s: %s', (id, base) => {
    expect(ulaBase(id).cidr).toBe(base);
  });

  it('splits the /48 into /64s, the first free one for each network', () => {
    const first = nextUlaPool('nslab-test', []);
    expect(first).toBe('fd94:f2f2:700c::/64');
    expect(nextUlaPool('nslab-test', [parseSubnet6(first)])).toBe('fd94:f2f2:700c:1::/64');
  });
});

describe('addresses of either family', () => {
  it('matches a prefix only against its own family', () => {
    expect(cidrContains('2001:db8:abcd::/64', '2001:db8:abcd::2')).toBe(true);
    expect(cidrContains('2001:db8:abcd::/64', '2001:db8:abce::2')).toBe(false);
    expect(cidrContains('::/0', '172.17.0.2')).toBe(false);
    expect(cidrContains('0.0.0.0/0', 'fd00::1')).toBe(false);
    expect(cidrContains('172.17.0.0/16', '172.17.3.4')).toBe(true);
    expect(networkOf('fd28:95e5:a310::2/64')).toBe('fd28:95e5:a310::/64');
  });

  it('splits a DNAT target of either family', () => {
    expect(splitHostPort('[fd00::2]:80')).toEqual({ address: 'fd00::2', port: '80' });
    expect(splitHostPort('172.18.0.2:80')).toEqual({ address: '172.18.0.2', port: '80' });
    expect(splitHostPort('172.18.0.2')).toEqual({ address: '172.18.0.2', port: undefined });
  });
});
