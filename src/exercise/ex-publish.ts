import { say } from '../text/say.js';
import { WAN } from '../model/defaults.js';
import { enableForwarding, masqueradeRule } from '../docker/firewall/root-ns.js';
import { nsName, ruleTag } from '../model/names.js';
import { routeAdd } from '../ops/ip.js';
import { policySet, ruleAppend } from '../ops/iptables.js';
import { tcpWhoami } from '../verify/probes.js';
import { namespacesExist, node } from './diagnose.js';
import { dockerHostStart } from './docker-host.js';
import { publishFindings } from './nat-checks.js';
import type { CheckContext, Exercise, Finding } from './types.js';

const C1 = '172.17.0.2';

async function published(ctx: CheckContext): Promise<Finding> {
  const requirement = `the internet connects to ${WAN.hostAddress}:8080 and reaches c1:80`;
  const wan = node(ctx, 'wan');
  const c1 = node(ctx, 'c1');
  if (!wan || !c1) return { requirement, pass: false, detail: say`namespace missing`, hint: say`its namespaces are gone: start the exercise again (\`nslab exercise start\`)` };
  const r = await tcpWhoami(ctx.runner, wan.ns, c1.ns, WAN.hostAddress, 8080, { address: '0.0.0.0', port: 80 });
  if (r.reached) return { requirement, pass: true, detail: say`c1's server answered (saw ${r.detail})` };
  return { requirement, pass: false, detail: say`no answer: ${r.detail}`, hint: say`\`nslab why ${ctx.name} wan ${WAN.hostAddress} --port 8080\` walks the path and names the broken hop` };
}

/** Exercise 4: `docker run -p 8080:80`, by hand, behind Docker's FORWARD policy DROP. */
export const publishExercise: Exercise = {
  id: '4',
  slug: 'publish',
  title: say`Publish a port (-p 8080:80)`,
  task: (name) => say`nslab has built docker0 with c1 (${C1}) online through MASQUERADE, and set the host's
FORWARD policy to DROP as Docker does (only replies and traffic from docker0 are accepted).
Publish c1's port 80 on the host's ${WAN.hostAddress}:8080, like \`docker run -p 8080:80\`:
the internet (${nsName(name, 'wan')}) must reach it. nslab check runs a server on c1:80 while it checks.`,
  start: (name, env) => {
    const host = nsName(name, 'host');
    const { net, ops } = dockerHostStart(name, env);
    const accept = (match: string[]) => ruleAppend(host, { table: 'filter', chain: 'FORWARD', match, target: ['-j', 'ACCEPT'], tag: ruleTag(name) });
    return [
      {
        title: say`Docker host with c1 online, FORWARD policy DROP`,
        why: say`the starting point`,
        ops: [
          ...ops,
          routeAdd(nsName(name, 'c1'), { to: 'default', via: net.ipam.gateway }),
          enableForwarding(host),
          ruleAppend(host, masqueradeRule(ruleTag(name), net.ipam.subnet.cidr, net.bridge)),
          accept(['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED']),
          accept(['-i', net.bridge]),
          policySet(host, 'filter', 'FORWARD', 'DROP'),
        ],
      },
    ];
  },
  async check(ctx) {
    const exist = namespacesExist(ctx, ['host', 'wan', 'c1']);
    if (!exist.pass) return [exist];
    return [
      exist,
      ...publishFindings(ctx, {
        host: 'host',
        hostPort: 8080,
        container: C1,
        containerPort: 80,
        bridge: 'docker0',
        packet: { src: WAN.wanAddress, dst: WAN.hostAddress, inIface: WAN.uplink, protocol: 'tcp', dport: 8080 },
      }),
      await published(ctx),
    ];
  },
};
