import type { Firewaller, FirewallPlacement } from './firewaller.js';
import { forwardChainsLayout } from './iptables-forward-chains.js';

/**
 * Docker 29: the isolation stages are gone (moby#49981); bridges are kept apart by the
 * per-bridge DROP in DOCKER and the raw direct-access DROP, and DOCKER-INTERNAL serves
 * --internal networks. nat DOCKER no longer RETURNs a bridge's own traffic.
 */
export const iptables29 = (p: FirewallPlacement): Firewaller => forwardChainsLayout({ docker: '29', isolation: 'internal-chain', natReturn: false }, p);
