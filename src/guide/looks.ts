import type { Runner } from '../exec/runner.js';
import { localize, tr } from '../text/i18n.js';
import { asksIpv6, resolveEnds } from '../inspect/endpoints.js';
import { renderHops, why, type Hop } from '../inspect/why.js';
import { readLab } from '../inspect/world.js';
import type { LabTrace } from '../plan/lab.js';
import type { Diagnosis } from '../plan/plan.js';
import { renderTrace } from '../trace/render.js';
import { protocolOf, trace } from '../trace/trace.js';

// What a lab shows of itself while it stands, in guided mode and on its web page: its one
// packet traced, and the walk of `nslab why` after a step that breaks something.

/** The hops of `nslab why`, and the first broken one named, as the command prints them. */
export function renderWhy(hops: readonly Hop[]): string {
  const broken = hops.find((h) => !h.ok);
  return `${renderHops(hops)}\n${broken ? tr`First broken hop: ${broken.at}: ${localize(broken.what)}` : tr`No broken hop found.`}\n`;
}

/** A lab's own trace, rendered; a trace that cannot run says why instead of failing the lab. */
export async function labTrace(runner: Runner, name: string, t: LabTrace): Promise<string> {
  try {
    const world = await readLab(runner, name, { ipv6: asksIpv6(t.to) });
    const { from, dst } = resolveEnds(world, name, t.from, t.to);
    return renderTrace(await trace(runner, world, { from, to: dst, protocol: protocolOf(t.port, t.udp), port: t.port, dnsName: t.dns }));
  } catch (err) {
    return `(the trace could not run: ${(err as Error).message})\n`;
  }
}

/** `nslab why` of a step's diagnosis, as the command prints its hops. */
export async function labWhy(runner: Runner, name: string, d: Diagnosis): Promise<string> {
  try {
    const world = await readLab(runner, name, { ipv6: asksIpv6(d.to) });
    const { from, dst } = resolveEnds(world, name, d.from, d.to);
    return renderWhy(why(world, from, dst, d.port === undefined ? 'icmp' : 'tcp', d.port));
  } catch (err) {
    return `(why could not run: ${(err as Error).message})\n`;
  }
}
