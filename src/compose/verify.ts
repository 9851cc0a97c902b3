import { WAN } from '../docker/defaults.js';
import type { Engine } from '../docker/engine.js';
import type { Expectation, Outcome } from '../verify/expectation.js';
import type { ComposeProject, ComposeService } from './project.js';
import { servicePorts } from '../docker/images.js';

// What `compose verify` proves by packets: services that share a network reach each other
// by service name and by alias (their stand-ins answer with the container's name), services
// that share none do not reach each other's addresses, and each published port answers
// from the internet at the host's address, and from the host.

export interface PairCheck {
  readonly from: string;
  readonly to: string;
  readonly expectation: Expectation;
}

export function composeChecks(project: ComposeProject, engine: Engine): { pairs: PairCheck[]; published: Expectation[] } {
  const pairs: PairCheck[] = [];
  const networksOf = (s: ComposeService) => new Set(engine.sandboxes.get(s.container)?.endpoints.map((e) => e.network) ?? []);
  for (const a of project.services) {
    for (const b of project.services) {
      if (a === b) continue;
      const shared = [...networksOf(a)].filter((n) => networksOf(b).has(n));
      const port = servicePorts(b.image, [...b.expose, ...b.publish.map((p) => ({ port: p.containerPort, protocol: p.protocol }))]).find((p) => p.protocol === 'tcp');
      const reach = (name: string, how: string): Expectation =>
        port
          ? { title: `${a.service} -> ${name}:${port.port} (${how})`, probe: { kind: 'service', from: a.container, to: name, port: port.port, answer: b.container }, expect: 'reach' }
          : { title: `${a.service} -> ${name} (${how})`, probe: { kind: 'ping', from: a.container, to: name }, expect: 'reach' };
      if (shared.length > 0) {
        pairs.push({ from: a.service, to: b.service, expectation: reach(b.service, `service name, on ${shared.join(', ')}`) });
        const aliases = b.attachments.filter((t) => shared.includes(t.network)).flatMap((t) => t.aliases).filter((x) => x !== b.service);
        for (const alias of [...new Set(aliases)]) pairs.push({ from: a.service, to: b.service, expectation: reach(alias, 'alias') });
      } else {
        for (const e of engine.sandboxes.get(b.container)?.endpoints ?? []) {
          pairs.push({ from: a.service, to: b.service, expectation: { title: `${a.service} -> ${b.service} at ${e.address} (no shared network)`, probe: { kind: 'ping', from: a.container, to: e.address }, expect: 'fail' } });
        }
      }
    }
  }
  const published = project.services.flatMap((s) =>
    s.publish
      .filter((p) => p.protocol === 'tcp')
      .flatMap((p): Expectation[] => [
        { title: `internet -> ${WAN.hostAddress}:${p.hostPort} answers as ${s.container}`, probe: { kind: 'service', from: 'wan', to: WAN.hostAddress, port: p.hostPort, answer: s.container }, expect: 'reach' },
        { title: `host -> ${WAN.hostAddress}:${p.hostPort} answers as ${s.container}`, probe: { kind: 'service', from: 'host', to: WAN.hostAddress, port: p.hostPort, answer: s.container }, expect: 'reach' },
      ]),
  );
  return { pairs, published };
}

/** The service-to-service matrix: each cell is how the row reaches the column (ok, blocked, or FAIL). */
export function renderMatrix(project: ComposeProject, pairs: readonly PairCheck[], outcomes: readonly Outcome[]): string {
  const names = project.services.map((s) => s.service);
  const width = Math.max(9, ...names.map((n) => n.length));
  const cell = (from: string, to: string): string => {
    if (from === to) return '-';
    const got = pairs.map((p, i) => ({ p, o: outcomes[i]! })).filter(({ p }) => p.from === from && p.to === to);
    if (got.some(({ o }) => !o.pass)) return 'FAIL';
    return got[0]?.p.expectation.expect === 'fail' ? 'blocked' : 'ok';
  };
  const pad = (s: string) => s.padEnd(width + 2);
  const lines = [`${pad('from \\ to')}${names.map(pad).join('')}`];
  for (const a of names) lines.push(`${pad(a)}${names.map((b) => pad(cell(a, b))).join('')}`);
  return `${lines.join('\n')}\n`;
}
