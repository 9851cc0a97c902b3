import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NslabError } from '../errors.js';

/** The Debian package that provides each tool nslab runs. */
export const PACKAGES: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  iptables: 'iptables',
  'iptables-save': 'iptables',
  'iptables-restore': 'iptables',
  fping: 'fping',
  ping: 'iputils-ping',
  arping: 'iputils-arping',
  sysctl: 'procps',
  brctl: 'bridge-utils',
  nft: 'nftables',
  tcpdump: 'tcpdump',
};

export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTools(names: readonly string[]): void {
  const missing = names.filter((n) => findTool(n) === undefined);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => PACKAGES[n] ?? n))];
  // One command fixes every missing tool at once; the package names say what it will add.
  throw new NslabError(`${missing.join(', ')} not found (Debian package ${pkgs.join(', ')})`, {
    hint: 'run the set-up from the nslab checkout: sudo ./scripts/provision.sh',
  });
}
