/** Docker's default bridge, as dockerd creates it. */
export const DOCKER0 = { bridge: 'docker0', subnet: '172.17.0.0/16' } as const;

/**
 * The sandbox "internet": documentation ranges only (RFC 5737), so nothing a lab does can
 * be mistaken for, or routed to, a real network.
 */
export const WAN = {
  subnet: '198.51.100.0/24',
  hostAddress: '198.51.100.2',
  wanAddress: '198.51.100.1',
  prefix: 24,
  server: '203.0.113.10',
  /** The internet's DNS server, and the docker host's resolver (never the machine's own). */
  dns: '203.0.113.53',
  uplink: 'eth0',
} as const;

/**
 * The sandbox internet's IPv6 side (the ipv6 lab), on the documentation prefix 2001:db8::/32:
 * the uplink's /64 and an internet server, as WAN's are on documentation IPv4 ranges.
 */
export const WAN6 = {
  subnet: '2001:db8:100::/64',
  hostAddress: '2001:db8:100::2',
  wanAddress: '2001:db8:100::1',
  prefix: 64,
  server: '2001:db8:203::10',
} as const;

/** The zone the internet's DNS server answers for: its one name is the internet server. */
export const EXAMPLE_ZONE = { name: 'server.example.net', address: WAN.server } as const;

/** Docker's embedded DNS address inside every container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';
