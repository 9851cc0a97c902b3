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

/** The zone the internet's DNS server answers for: its one name is the internet server. */
export const EXAMPLE_ZONE = { name: 'server.example.net', address: WAN.server } as const;

/** Docker's embedded DNS address inside every container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';
