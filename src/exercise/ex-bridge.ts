import { say } from '../text/say.js';
import { nsName } from '../model/names.js';
import { bridgeReady, endpoint, namespacesExist, reaches } from './diagnose.js';
import type { Exercise, Finding } from './types.js';

const CONTAINERS = [
  ['c1', '10.10.2.2'],
  ['c2', '10.10.2.3'],
  ['c3', '10.10.2.4'],
] as const;

/** Exercise 2: a switch. Three namespaces on one bridge, as containers sit on docker0. */
export const bridgeExercise: Exercise = {
  id: '2',
  slug: 'bridge',
  title: say`Build a bridge with three namespaces`,
  task: (name) => say`In ${nsName(name, 'host')}, create bridge br0 with 10.10.2.1/24 and bring it up.
Create ${CONTAINERS.map(([c]) => nsName(name, c)).join(', ')}; join each to br0 with a veth pair
(the host end is a port of br0), and give them ${CONTAINERS.map(([c, a]) => `${c} ${a}/24`).join(', ')}.
Done when every container pings the others and the bridge.`,
  async check(ctx) {
    const exist = namespacesExist(ctx, ['host', ...CONTAINERS.map(([c]) => c)]);
    if (!exist.pass) return [exist];
    const findings: Finding[] = [exist, ...bridgeReady(ctx, 'host', 'br0', '10.10.2.1/24')];
    for (const [c, a] of CONTAINERS) findings.push(...endpoint(ctx, { node: c, address: `${a}/24`, towards: 'host', bridge: 'br0' }));
    const pings = CONTAINERS.flatMap(([c], i) => [...CONTAINERS.slice(i + 1).map(([d, a]) => [c, a, `${d} (${a})`] as const), [c, '10.10.2.1', 'the bridge (10.10.2.1)'] as const]);
    findings.push(...(await Promise.all(pings.map(([from, to, label]) => reaches(ctx, from, to, label)))));
    return findings;
  },
};
