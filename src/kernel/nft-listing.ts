// `nft list` output as the kernel prints it, with what changes by itself folded away, so that a
// live listing compares with one worked out from a plan (docker/firewall/nftables-listing.ts).

/**
 * A nat hook's priority by the name newer nft prints it with: nft 1.0.6 prints the output
 * hook's dstnat as -100, the same value in the kernel.
 */
export const namedPriority = (spec: string): string => spec.replace(/^(type nat hook (?:output|prerouting) priority) -100;/, '$1 dstnat;');

/** A listing with what changes by itself folded away: counter values, handles, indentation. */
export function stableNft(text: string): string[] {
  return text
    .split('\n')
    .map((l) => namedPriority(l.replace(/counter packets \d+ bytes \d+/g, 'counter').replace(/\s*# handle \d+$/, '').trim()))
    .filter((l) => l !== '');
}
