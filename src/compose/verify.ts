import type { ContainerRecord } from '../docker/commands.js';
import type { Engine } from '../docker/engine.js';
import type { Expectation, Outcome } from '../plan/expectation.js';
import type { ComposeProject, ComposeService } from './project.js';
import type { ServicePort } from '../docker/images.js';
import { modePromises, publishedPromises } from '../docker/promises.js';

// What `compose verify` proves by packets: services that share a network reach each other
// by service name and by alias (their stand-ins answer with the container's name), services
// that share none do not reach each other's addresses, and each published port answers
// from the internet at the host's address, and from the host.

export interface PairCheck {
  readonly from: string;
  readonly to: string;
  readonly expectation: Expectation;
}

/**
 * `remote`: the check that a service reaches the engine's remote network, if it has one (the
 * first article's customer database); every service with a way out is asked it.
 */
export function composeChecks(project: ComposeProject, engine: Engine, containers: ReadonlyMap<string, ContainerRecord>, remote?: (container: string, label: string) => Expectation): { pairs: PairCheck[]; published: Expectation[] } {
  const pairs: PairCheck[] = [];
  const bound = (s: ComposeService) => containers.get(s.container)?.publish ?? [];
  // What its stand-in answers on, as the engine started it (the one source: commands.ts).
  const standIn = (s: ComposeService) => containers.get(s.container)?.ports ?? [];
  const networksOf = (s: ComposeService) => new Set(engine.sandboxes.get(s.container)?.endpoints.map((e) => e.network) ?? []);
  const matrix = matrixServices(project);
  for (const a of matrix) {
    for (const b of matrix) {
      if (a === b) continue;
      const shared = [...networksOf(a)].filter((n) => networksOf(b).has(n));
      const port = standIn(b).find((p) => p.protocol === 'tcp');
      const reach = (name: string, how: string): Expectation =>
        port
          ? { title: `${a.service} -> ${name}:${port.port} (${how})`, probe: { kind: 'service', from: a.container, to: name, port: port.port, answer: b.container }, expect: 'reach' }
          : { title: `${a.service} -> ${name} (${how})`, probe: { kind: 'ping', from: a.container, to: name }, expect: 'reach' };
      const named = shared.filter((n) => !engine.network(n).isDefault);
      if (shared.length > 0 && named.length === 0) {
        // The default bridge (network_mode: bridge) has no embedded DNS: only the address reaches.
        const address = engine.sandboxes.get(b.container)?.endpoints.find((e) => e.network === shared[0])?.address ?? b.service;
        pairs.push({ from: a.service, to: b.service, expectation: reach(address, `address, on ${shared[0]}: no DNS there`) });
      } else if (shared.length > 0) {
        pairs.push({ from: a.service, to: b.service, expectation: reach(b.service, `service name, on ${named.join(', ')}`) });
        const aliases = b.attachments.filter((t) => shared.includes(t.network)).flatMap((t) => t.aliases).filter((x) => x !== b.service);
        for (const alias of [...new Set(aliases)]) pairs.push({ from: a.service, to: b.service, expectation: reach(alias, 'alias') });
      } else {
        for (const e of engine.sandboxes.get(b.container)?.endpoints ?? []) {
          pairs.push({ from: a.service, to: b.service, expectation: { title: `${a.service} -> ${b.service} at ${e.address} (no shared network)`, probe: { kind: 'ping', from: a.container, to: e.address }, expect: 'fail' } });
        }
      }
    }
  }
  // What the engine bound (a host port left to Docker is picked when the service starts).
  const published = matrix.flatMap((s) => publishedPromises(s.container, bound(s)));
  const outward = remote
    ? project.services.filter((s) => engine.routesOut(s.container)).map((s) => remote(s.container, s.service))
    : [];
  return { pairs, published: [...published, ...project.services.flatMap((s) => modeChecks(s, project, engine, standIn(s))), ...outward] };
}

/** The services with networks of their own (network_mode: bridge is one): the matrix's rows. */
const matrixServices = (project: ComposeProject) => project.services.filter((s) => s.networkMode === undefined || s.networkMode === 'bridge');

/** A service with network_mode host, none or service:X has no network to be reached on: what its mode promises instead. */
function modeChecks(s: ComposeService, project: ComposeProject, engine: Engine, ports: readonly ServicePort[]): Expectation[] {
  const sandbox = engine.sandboxes.get(s.container);
  if (!sandbox) return [];
  return modePromises(sandbox, ports, 'network_mode:', (c) => project.services.find((o) => o.container === c)?.service ?? c);
}

/** The service-to-service matrix: each cell is how the row reaches the column (ok, blocked, or FAIL). */
export function renderMatrix(project: ComposeProject, pairs: readonly PairCheck[], outcomes: readonly Outcome[]): string {
  const names = matrixServices(project).map((s) => s.service);
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
