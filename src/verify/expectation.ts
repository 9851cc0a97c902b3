/** Where a probe starts: a lab node (c1, wan, host, ...). */
export type NodeName = string;

export type Probe =
  /** ICMP echo from a node to an address. */
  | { readonly kind: 'ping'; readonly from: NodeName; readonly to: string }
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
}
