import type { Firewaller, FirewallPlacement } from './firewaller.js';

export function nftables29(_p: FirewallPlacement): Firewaller {
  throw new Error('nftables layout: not yet');
}
