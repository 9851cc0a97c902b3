import { say } from '../text/say.js';
import type { Expectation } from '../plan/expectation.js';
import { WAN } from '../model/defaults.js';
import type { Sandbox } from './cnm.js';
import type { PortBinding } from './firewall/firewaller.js';
import type { ServicePort } from './images.js';
import { bindingSpec } from './port-spec.js';

// What a docker host promises about a container, whoever ran it (`nslab docker`, compose):
// each published port answers where it is bound and nowhere else, and a container without a
// network of its own promises what its mode gives it. One builder, so the sandbox's verify and
// `compose verify` make the same promises in the same words.

/** Is this host address every address (`-p 8080:80`, `-p 0.0.0.0:8080:80`)? */
const everywhere = (p: PortBinding) => p.hostIp === undefined || p.hostIp === '0.0.0.0';

/**
 * A TCP port published on every address, or on the host's public one, answers from the
 * internet at the host's address and from the host itself. One bound to another address
 * (127.0.0.1, a bridge's gateway) answers there, from the host, and the internet must not
 * reach it at the host's public address. The title shows the binding as it was written.
 */
export function publishedPromises(container: string, published: readonly PortBinding[]): Expectation[] {
  return published
    .filter((p) => p.protocol === 'tcp')
    .flatMap((p): Expectation[] => {
      const spec = `-p ${bindingSpec(p)}`;
      const answers = (from: string, to: string, why: string): Expectation => ({ title: say`${from === 'wan' ? 'internet' : from} -> ${to}:${p.hostPort} answers as ${container} (${why})`, probe: { kind: 'service', from, to, port: p.hostPort, answer: container }, expect: 'reach' });
      if (everywhere(p) || p.hostIp === WAN.hostAddress) return [answers('wan', WAN.hostAddress, spec), answers('host', WAN.hostAddress, spec)];
      return [
        answers('host', p.hostIp!, spec),
        { title: say`internet -> ${WAN.hostAddress}:${p.hostPort} reaches nothing (${spec}: bound to ${p.hostIp} only)`, probe: { kind: 'service', from: 'wan', to: WAN.hostAddress, port: p.hostPort }, expect: 'fail' },
      ];
    });
}

/**
 * A container with no network of its own: --network host answers on the host's own ports;
 * container:X on X's localhost; none reaches nothing. `label` names a container the way
 * the caller does (a compose service by its service name).
 */
export function modePromises(s: Sandbox, ports: readonly ServicePort[], how: string, label: (container: string) => string = (c) => c): Expectation[] {
  const tcp = ports.filter((p) => p.protocol === 'tcp');
  if (s.mode === 'host') {
    return tcp.map((p) => ({ title: say`internet -> ${WAN.hostAddress}:${p.port} answers as ${s.container} (${how} host: the host's own port)`, probe: { kind: 'service', from: 'wan', to: WAN.hostAddress, port: p.port, answer: s.container }, expect: 'reach' }));
  }
  if (s.mode === 'container') {
    const owner = label(s.joins!);
    return tcp.map((p) => ({ title: say`${owner} -> 127.0.0.1:${p.port} answers as ${s.container} (it shares ${owner}'s namespace: one localhost)`, probe: { kind: 'service', from: s.joins!, to: '127.0.0.1', port: p.port, answer: s.container }, expect: 'reach' }));
  }
  if (s.mode === 'none') return [{ title: say`${label(s.container)} -> internet ${WAN.server} (${how} none: only lo)`, probe: { kind: 'ping', from: s.container, to: WAN.server }, expect: 'fail' }];
  return [];
}
