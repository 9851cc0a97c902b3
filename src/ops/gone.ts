/**
 * What an undo's object being gone already looks like, by the kind of object it removes:
 * CNI's typed not-found. Each op says which kind its undo removes (Op.undoGone), so a failure
 * worded alike but meaning something else stays a failure: iptables' "Couldn't load match:
 * No such file or directory" is not a missing rule, and brctl's "not a bridge" means the
 * name is taken by something else, not that the bridge is gone.
 */
const NOT_FOUND = {
  netns: [/Cannot remove namespace file .*No such file or directory/i],
  link: [/Cannot find device/i, /RTNETLINK answers: No such device/i],
  /** A link's setting (up/down, master, hairpin): it goes with the link. */
  'link-setting': [/Cannot find (bridge )?device/i, /RTNETLINK answers: No such device/i],
  /** `brctl delif`: the bridge or the port is gone, or the port has left already. */
  'bridge-port': [/Cannot find device/i, /does not exist/i, /doesn't exist/i, /is not a member/i],
  address: [/Cannot find device/i, /RTNETLINK answers: Cannot assign requested address/i, /Error: ipv4: Address not found/i],
  route: [/Cannot find device/i, /RTNETLINK answers: No such process/i, /Error: FIB table does not exist/i],
  neighbour: [/Cannot find device/i, /RTNETLINK answers: No such file or directory/i],
  fdb: [/Cannot find device/i, /RTNETLINK answers: No such file or directory/i],
  'iptables-rule': [/does a matching rule exist/i, /No chain\/target\/match by that name/i],
  'iptables-chain': [/No chain\/target\/match by that name/i],
  /** A built-in chain's policy: the chain cannot be gone, only its namespace. */
  'iptables-policy': [],
  'nft-object': [/Error: Could not process rule: No such file or directory/i],
  /** A per-link key goes with its link. */
  sysctl: [/cannot stat .*No such file or directory/i],
  /** The agent's stop and remove-file succeed on what is not there. */
  file: [],
  process: [],
} as const satisfies Record<string, readonly RegExp[]>;

export type Gone = keyof typeof NOT_FOUND;

export const GONE_KINDS = Object.keys(NOT_FOUND) as Gone[];

// Whatever the object, an undo in a namespace deleted already has nothing left to undo.
const NAMESPACE_GONE = /Cannot open network namespace/i;

/** Does this failed undo say its object is gone already (so the undo is done)? */
export function undoIsGone(kind: Gone | undefined, stderr: string): boolean {
  if (NAMESPACE_GONE.test(stderr)) return true;
  return kind !== undefined && NOT_FOUND[kind].some((re: RegExp) => re.test(stderr));
}
