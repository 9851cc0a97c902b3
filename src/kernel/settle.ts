import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseIpAddr } from './ip-json.js';

/**
 * Links whose carrier is on (LOWER_UP) but whose operstate still says DOWN: the kernel's
 * linkwatch has not processed them yet, and until it does their qdisc drops every packet
 * (ping: "sendmsg: No buffer space available") and a bridge does not forward to them.
 * On a busy machine (namespaces being deleted hold the rtnl lock) that takes seconds.
 */
export function pendingLinks(json: string): string[] {
  return parseIpAddr(json)
    .filter((l) => l.linkwatchPending)
    .map((l) => l.name);
}

/**
 * Waits (polling, up to `timeoutMs`) until the kernel has caught up with every link in
 * these namespaces, so probes test the lab and not linkwatch's backlog. Returns what is
 * still pending at the deadline; the probes then report the failure themselves.
 */
export async function waitForLinks(runner: Runner, namespaces: readonly (string | undefined)[], timeoutMs = 10_000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const pending = (
      await Promise.all(
        [...new Set(namespaces)].map(async (ns) => {
          const r = await runner.run(cmd('ip', ['-j', 'link', 'show'], ns), { allowFail: true });
          return r.exitCode === 0 ? pendingLinks(r.stdout).map((l) => `${ns ?? 'root'}/${l}`) : [];
        }),
      )
    ).flat();
    if (pending.length === 0 || performance.now() >= deadline) return pending;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until links are gone. A veth whose other end was in a deleted namespace goes when
 * the kernel's namespace clean-up gets to it, a moment after `ip netns del` returns: a
 * rewind that deleted containers waits for their host ends before it says it is done.
 * Returns the links still there at the deadline.
 */
export async function waitForLinksGone(runner: Runner, links: readonly { ns: string | undefined; dev: string }[], timeoutMs = 10_000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  const byNs = new Map<string | undefined, Set<string>>();
  for (const l of links) byNs.set(l.ns, (byNs.get(l.ns) ?? new Set()).add(l.dev));
  for (;;) {
    const left = (
      await Promise.all(
        [...byNs].map(async ([ns, devs]) => {
          const r = await runner.run(cmd('ip', ['-j', 'link', 'show'], ns), { allowFail: true });
          if (r.exitCode !== 0) return [];
          const names = new Set(parseIpAddr(r.stdout).map((l) => l.name));
          return [...devs].filter((d) => names.has(d)).map((d) => `${ns ?? 'root'}/${d}`);
        }),
      )
    ).flat();
    if (left.length === 0 || performance.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
