import { say } from '../text/say.js';
import type { MistakeId } from './types.js';

/** How each mistake is named to the learner. */
export const MISTAKES: Readonly<Record<MistakeId, string>> = {
  'missing-namespace': say`namespace missing`,
  'no-veth': say`no veth pair between them`,
  'end-down': say`a veth end left down`,
  'lo-down': say`lo left down`,
  'wrong-interface': say`address on the wrong interface`,
  'different-subnets': say`addresses in different subnets`,
  'missing-address': say`address missing`,
  'no-default-route': say`missing default route`,
  'not-on-bridge': say`veth end not attached to the bridge`,
  'bridge-down': say`bridge down`,
  'ip-forward-off': say`ip_forward off`,
  'masquerade-missing': say`MASQUERADE missing`,
  'masquerade-wrong-source': say`MASQUERADE on the wrong source`,
  'dnat-missing': say`DNAT rule missing`,
  'dnat-no-forward-accept': say`DNAT without a matching FORWARD accept`,
  'wrong-port': say`wrong port`,
};

/**
 * The first hint for each mistake: where to look, not what to type. The exact command is
 * the next hint, so a learner who wants to work it out can stop after this one.
 */
export const NUDGES: Readonly<Record<MistakeId, string>> = {
  'missing-namespace': say`A namespace the task names does not exist yet: \`ip netns list\` shows which ones do.`,
  'no-veth': say`Nothing joins these two namespaces: a veth pair is the cable, one end in each (\`ip -n NS link\` on both sides).`,
  'end-down': say`The cable is there, but one of its ends is down: a veth passes frames only when both ends are up (\`ip -n NS -br link\`).`,
  'lo-down': say`Every new namespace starts with lo down, and then it cannot even reach its own addresses.`,
  'wrong-interface': say`The address is in the namespace, but on another interface than the cable: look at \`ip -n NS -br addr\`.`,
  'different-subnets': say`Both ends have addresses, but not in one subnet: neither has a connected route to the other.`,
  'missing-address': say`An interface the task needs has no IPv4 address yet.`,
  'no-default-route': say`The namespace only knows its own subnet: anything else needs a default route, via the bridge's gateway address.`,
  'not-on-bridge': say`The host end of the veth is not a port of the bridge, so the bridge never sees its frames (\`ip -n NS link show master BR\`).`,
  'bridge-down': say`The bridge exists but is down: a bridge that is down forwards nothing and its address does not answer.`,
  'ip-forward-off': say`The host does not route between its interfaces until forwarding is on (\`sysctl net.ipv4.ip_forward\`).`,
  'masquerade-missing': say`Packets leave with the container's private source address, and nobody outside can answer it: the host must rewrite the source (nat POSTROUTING).`,
  'masquerade-wrong-source': say`There is a MASQUERADE rule, but it does not match the packets of this subnet: compare its -s with the bridge subnet.`,
  'dnat-missing': say`Connections to the published port arrive at the host and stop there: nothing rewrites their destination to the container (nat PREROUTING).`,
  'dnat-no-forward-accept': say`The destination is rewritten, but the filter table drops the forwarded packet: the FORWARD chain needs to let it through.`,
  'wrong-port': say`A rule is there, but for another port than the task asks: read its --dport and --to-destination again.`,
};
