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

/**
 * The first hint for each mistake: where to look, not what to type. The exact command is
 * the next hint, so a learner who wants to work it out can stop after this one.
 */
export const NUDGES: Readonly<Record<MistakeId, string>> = {
  'missing-namespace': 'A namespace the task names does not exist yet: `ip netns list` shows which ones do.',
  'no-veth': 'Nothing joins these two namespaces: a veth pair is the cable, one end in each (`ip -n NS link` on both sides).',
  'end-down': 'The cable is there, but one of its ends is down: a veth passes frames only when both ends are up (`ip -n NS -br link`).',
  'lo-down': 'Every new namespace starts with lo down, and then it cannot even reach its own addresses.',
  'wrong-interface': 'The address is in the namespace, but on another interface than the cable: look at `ip -n NS -br addr`.',
  'different-subnets': 'Both ends have addresses, but not in one subnet: neither has a connected route to the other.',
  'missing-address': 'An interface the task needs has no IPv4 address yet.',
  'no-default-route': "The namespace only knows its own subnet: anything else needs a default route, via the bridge's gateway address.",
  'not-on-bridge': 'The host end of the veth is not a port of the bridge, so the bridge never sees its frames (`ip -n NS link show master BR`).',
  'bridge-down': 'The bridge exists but is down: a bridge that is down forwards nothing and its address does not answer.',
  'ip-forward-off': 'The host does not route between its interfaces until forwarding is on (`sysctl net.ipv4.ip_forward`).',
  'masquerade-missing': "Packets leave with the container's private source address, and nobody outside can answer it: the host must rewrite the source (nat POSTROUTING).",
  'masquerade-wrong-source': 'There is a MASQUERADE rule, but it does not match the packets of this subnet: compare its -s with the bridge subnet.',
  'dnat-missing': 'Connections to the published port arrive at the host and stop there: nothing rewrites their destination to the container (nat PREROUTING).',
  'dnat-no-forward-accept': 'The destination is rewritten, but the filter table drops the forwarded packet: the FORWARD chain needs to let it through.',
  'wrong-port': 'A rule is there, but for another port than the task asks: read its --dport and --to-destination again.',
};
