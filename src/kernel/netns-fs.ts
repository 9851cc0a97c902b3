import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const NETNS_DIR = '/run/netns';

/** `ip netns exec NS` bind-mounts /etc/netns/NS/<file> over /etc/<file>. */
export const netnsEtcPath = (ns: string, file: 'hosts' | 'resolv.conf'): string => join('/etc/netns', ns, file);

const identity = (path: string): string | undefined => {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
};

/**
 * The named namespaces, sorted: the entries of /run/netns, which is all `ip netns list`
 * reads for names. No process, so `nslab ls` spawns nothing.
 */
export function namespaceNames(): string[] {
  try {
    return readdirSync(NETNS_DIR).sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

/**
 * Whether a named namespace exists: what `ip netns list` reads, without a process (every
 * `nslab up` checks its names before touching anything).
 */
export function namespaceExists(name: string): boolean {
  return identity(`${NETNS_DIR}/${name}`) !== undefined;
}

/**
 * The processes inside each named namespace, found as `ip netns pids` finds them (a
 * process's /proc/<pid>/ns/net is the same nsfs inode as /run/netns/<name>), but for any
 * number of namespaces in one pass over /proc instead of one `ip` process each.
 */
export function pidsInNamespaces(names: readonly string[]): Map<string, number[]> {
  const byIdentity = new Map<string, string>();
  for (const name of names) {
    const id = identity(`${NETNS_DIR}/${name}`);
    if (id !== undefined) byIdentity.set(id, name);
  }
  const found = new Map<string, number[]>();
  if (byIdentity.size === 0) return found;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = byIdentity.get(identity(`/proc/${entry}/ns/net`) ?? '');
    if (name !== undefined) found.set(name, [...(found.get(name) ?? []), Number(entry)]);
  }
  return found;
}
