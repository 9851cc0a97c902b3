import type { Firewaller, FirewallPlacement } from './firewaller.js';
import { forwardChainsLayout } from './iptables-forward-chains.js';

/** Docker 28.2-28.5: DOCKER-FORWARD and friends, isolation still by the two stages. */
export const iptables28 = (p: FirewallPlacement): Firewaller => forwardChainsLayout({ docker: '28', isolation: 'stages', natReturn: true }, p);
