import { say } from '../text/say.js';
import { WAN } from '../model/defaults.js';
import { nsName } from '../model/names.js';
import { tcpWhoami } from '../verify/probes.js';
import { defaultRoute, forwarding, namespacesExist, node, reaches } from './diagnose.js';
import { dockerHostStart } from './docker-host.js';
import { masqueradeFinding } from './nat-checks.js';
import type { CheckContext, Exercise, Finding } from './types.js';

/** The address the internet sees must be the host's: NAT observed from the far side. */
export async function seenAs(ctx: CheckContext, from: string): Promise<Finding> {
  const requirement = `the internet sees ${from} as ${WAN.hostAddress}`;
  const src = node(ctx, from);
  const wan = node(ctx, 'wan');
  const hint = `\`nslab why ${ctx.name} ${from} ${WAN.server}\` shows the path and where the source is rewritten`;
  if (!src || !wan) return { requirement, pass: false, detail: say`namespace missing`, hint: say`its namespaces are gone: start the exercise again (\`nslab exercise start\`)` };
  const r = await tcpWhoami(ctx.runner, src.ns, wan.ns, WAN.server, 0);
  if (r.reached && r.detail === WAN.hostAddress) return { requirement, pass: true, detail: say`server saw ${r.detail}` };
  return { requirement, pass: false, detail: r.reached ? say`server saw ${r.detail}` : say`no connection: ${r.detail}`, hint };
}

/** Exercise 3: what dockerd does so containers reach the internet. */
export const internetExercise: Exercise = {
  id: '3',
  slug: 'internet',
  title: say`Give a container internet access (forwarding + MASQUERADE)`,
  task: (name) => say`nslab has built a docker host ${nsName(name, 'host')} (docker0 172.17.0.1/16, uplink eth0 ${WAN.hostAddress}
to the internet ${nsName(name, 'wan')}) and container ${nsName(name, 'c1')} at 172.17.0.2 on docker0.
Make c1 reach the internet server ${WAN.server}, as Docker does: a default route in c1,
forwarding on the host, and a MASQUERADE rule for 172.17.0.0/16 on the host.`,
  start: (name, env) => [{ title: say`Docker host, internet, and c1 on docker0`, why: say`the starting point`, ops: dockerHostStart(name, env).ops }],
  async check(ctx) {
    const exist = namespacesExist(ctx, ['host', 'wan', 'c1']);
    if (!exist.pass) return [exist];
    return [
      exist,
      defaultRoute(ctx, 'c1', '172.17.0.1'),
      forwarding(ctx, 'host'),
      masqueradeFinding(ctx, {
        host: 'host',
        subnet: '172.17.0.0/16',
        bridge: 'docker0',
        packet: { src: '172.17.0.2', dst: WAN.server, inIface: 'docker0', outIface: WAN.uplink, protocol: 'icmp' },
      }),
      await reaches(ctx, 'c1', WAN.server, `the internet server ${WAN.server}`),
      await seenAs(ctx, 'c1'),
    ];
  },
};
