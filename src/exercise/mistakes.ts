import type { MistakeId } from './types.js';

/** How each mistake is named to the learner. */
export const MISTAKES: Readonly<Record<MistakeId, string>> = {
  'missing-namespace': 'namespace missing',
  'no-veth': 'no veth pair between them',
  'end-down': 'a veth end left down',
  'lo-down': 'lo left down',
  'wrong-interface': 'address on the wrong interface',
  'different-subnets': 'addresses in different subnets',
  'missing-address': 'address missing',
  'no-default-route': 'missing default route',
  'not-on-bridge': 'veth end not attached to the bridge',
  'bridge-down': 'bridge down',
  'ip-forward-off': 'ip_forward off',
  'masquerade-missing': 'MASQUERADE missing',
  'masquerade-wrong-source': 'MASQUERADE on the wrong source',
  'dnat-missing': 'DNAT rule missing',
  'dnat-no-forward-accept': 'DNAT without a matching FORWARD accept',
  'wrong-port': 'wrong port',
};
