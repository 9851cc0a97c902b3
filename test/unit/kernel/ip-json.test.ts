import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpAddr, parseIpRoute } from '../../../src/kernel/ip-json.js';
import { matchVethPairs } from '../../../src/kernel/snapshot.js';
import { parsePing } from '../../../src/verify/parse-ping.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

describe('ip -j parsers (fixtures captured from a real docker0 lab)', () => {
  const host = parseIpAddr(fixture('ip-addr-host.json'));
  const c1 = parseIpAddr(fixture('ip-addr-c1.json'));

  it('reads interfaces, kinds, masters and IPv4 addresses', () => {
    const docker0 = host.find((i) => i.name === 'docker0')!;
    expect(docker0).toMatchObject({ kind: 'bridge', up: true, addresses: ['172.17.0.1/16'] });
    const ports = host.filter((i) => i.master === 'docker0');
    expect(ports).toHaveLength(2);
    expect(ports.every((p) => p.kind === 'veth' && p.peerInOtherNs)).toBe(true);
    expect(c1.find((i) => i.name === 'eth0')).toMatchObject({ kind: 'veth', addresses: ['172.17.0.2/16'], mac: '02:42:ac:11:00:02' });
  });

  it('matches veth pairs across namespaces by ifindex and iflink', () => {
    const pairs = matchVethPairs([
      { node: 'host', ns: 'h', interfaces: host },
      { node: 'c1', ns: 'c', interfaces: c1 },
    ]);
    expect(pairs).toHaveLength(1);
    const [a, b] = pairs[0]!;
    expect([a.node, b.node].sort()).toEqual(['c1', 'host']);
    expect([a.iface.name, b.iface.name]).toContain('eth0');
  });

  it('reads routes', () => {
    expect(parseIpRoute(fixture('ip-route-c1.json'))[0]).toMatchObject({ dst: 'default', gateway: '172.17.0.1', dev: 'eth0' });
  });
});

describe('ping parser', () => {
  it('reads a reply and its rtt', () => {
    expect(parsePing(fixture('ping-ok.txt'))).toMatchObject({ transmitted: 1, received: 1, rttMs: 0.346 });
  });
  it('reads a silent loss', () => {
    expect(parsePing(fixture('ping-timeout.txt'))).toMatchObject({ transmitted: 1, received: 0, rttMs: undefined });
  });
  it('reads an unreachable network from stderr', () => {
    expect(parsePing('', fixture('ping-unreachable.txt')).error).toBe('connect: Network is unreachable');
  });
});
