import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseRuleListing, type RuleListing } from './iptables-save.js';
import { stableNft } from './nft-listing.js';

// A docker host's firewall as the kernel has it: what `nslab compare` holds against a real
// Docker host's listing, and what the fidelity tests hold against moby's.

/** `iptables-save` of a namespace, as `-S` rules per table. */
export async function readIptablesRules(runner: Runner, ns: string | undefined): Promise<RuleListing> {
  const r = await runner.run(cmd('iptables-save', [], ns));
  return parseRuleListing(r.stdout);
}

/** `nft list table ip <table>`, counters and handles folded; empty when there is no such table. */
export async function readNftTable(runner: Runner, ns: string | undefined, table: string): Promise<string[]> {
  const r = await runner.run(cmd('nft', ['list', 'table', 'ip', table], ns), { allowFail: true });
  return r.exitCode === 0 ? stableNft(r.stdout) : [];
}
