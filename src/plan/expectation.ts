/** Where a probe starts: a lab node (c1, wan, host, ...). */
export type NodeName = string;

export type Probe =
  /** ICMP echo from a node to an address (or a name its resolv.conf resolves); `dev`: ping -I. */
  | {
      readonly kind: 'ping';
      readonly from: NodeName;
      readonly to: string;
      readonly dev?: string;
      /** ICMP payload bytes (ping -s), sent with don't-fragment set (-M do): a path MTU check. */
      readonly size?: number;
    }
  /** A TCP connection to a server nslab starts on `server` for the duration of the probe (port 0: any free port). */
  | { readonly kind: 'tcp'; readonly from: NodeName; readonly server: NodeName; readonly to: string; readonly port: number }
  /**
   * The address the server side sees as the connection's source (NAT made visible):
   * passes when it equals `source`.
   */
  | {
      readonly kind: 'source';
      readonly from: NodeName;
      readonly server: NodeName;
      readonly to: string;
      readonly port: number;
      readonly source: string;
    }
  /**
   * State, not packets: runs `argv` inside `node` and passes when its stdout matches `match`
   * (a regular expression source, multiline). `after` sends one ping first, for state that
   * traffic creates (a bridge learning MAC addresses).
   */
  | {
      readonly kind: 'output';
      readonly node: NodeName;
      readonly argv: readonly string[];
      readonly match: string;
      readonly after?: { readonly from: NodeName; readonly to: string } | undefined;
    }
  /** `dev` in `node` and `peerDev` in `peerNode` are the two ends of one veth pair (ifindex = the other's iflink). */
  | { readonly kind: 'veth-peer'; readonly node: NodeName; readonly dev: string; readonly peerNode: NodeName; readonly peerDev: string }
  /**
   * A TCP connection to a service already running (a container's stand-in): reaches when it
   * connects and the first line it sends back is `answer` (the container's name), if given.
   */
  | { readonly kind: 'service'; readonly from: NodeName; readonly to: string; readonly port: number; readonly answer?: string | undefined }
  /** An HTTP GET of http://to:port/ from a node; passes when an answer arrives (containing `body`, if given). */
  | { readonly kind: 'http'; readonly from: NodeName; readonly to: string; readonly port: number; readonly body?: string | undefined }
  /**
   * A DNS A query from a node to `server` (default 127.0.0.11, Docker's embedded DNS) on
   * port 53. Reaches when an address comes back; with `answer`, passes only for that address.
   * A must-fail lookup fails on NXDOMAIN, no answer, or no server.
   */
  | {
      readonly kind: 'dns';
      readonly from: NodeName;
      readonly name: string;
      readonly resolver?: string;
      readonly answer?: string;
      readonly transport?: 'udp' | 'tcp';
      /** How long to wait for an answer (default 1000 ms): long enough to see a resolver's own SERVFAIL after its upstream timed out. */
      readonly waitMs?: number;
    }
  /**
   * tcpdump on `on`/`iface` (with a pcap `filter`) while `from` pings `to`: reaches when the
   * capture shows text matching `match` (a regular expression, e.g. the VXLAN header).
   */
  | {
      readonly kind: 'capture';
      readonly on: NodeName;
      readonly iface: string;
      readonly filter: readonly string[];
      readonly from: NodeName;
      readonly to: string;
      readonly match: string;
    };

export interface Expectation {
  /** What a learner reads in the results table, e.g. "c1 -> c2 (172.17.0.3)". */
  readonly title: string;
  readonly probe: Probe;
  readonly expect: 'reach' | 'fail';
}

export interface Outcome {
  readonly title: string;
  readonly expect: 'reach' | 'fail';
  readonly reached: boolean;
  readonly pass: boolean;
  readonly rttMs?: number | undefined;
  /** Why it failed to reach, or what it observed (e.g. the source address seen). */
  readonly detail: string;
  /** The probe kind, so a report can say "holds" for state checks instead of "reaches". */
  readonly kind?: Probe['kind'] | undefined;
}
