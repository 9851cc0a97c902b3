import { say } from '../text/say.js';
import { nsName } from '../model/names.js';
import { endpoint, loUp, namespacesExist, reaches } from './diagnose.js';
import type { Exercise } from './types.js';

/** Exercise 1: the smallest network there is, two namespaces and one cable. */
export const vethExercise: Exercise = {
  id: '1',
  slug: 'veth',
  title: say`Connect two namespaces with a veth pair`,
  task: (name) => say`Create namespaces ${nsName(name, 'a')} and ${nsName(name, 'b')} and join them with a veth pair.
Give a's end 10.10.1.1/24 and b's end 10.10.1.2/24, bring both ends and both lo up.
Done when a pings b (10.10.1.2) and a pings its own 10.10.1.1.`,
  async check(ctx) {
    const exist = namespacesExist(ctx, ['a', 'b']);
    if (!exist.pass) return [exist];
    return [
      exist,
      loUp(ctx, 'a'),
      loUp(ctx, 'b'),
      ...endpoint(ctx, { node: 'a', address: '10.10.1.1/24', towards: 'b', farEnd: false }),
      ...endpoint(ctx, { node: 'b', address: '10.10.1.2/24', towards: 'a', farEnd: false }),
      await reaches(ctx, 'a', '10.10.1.2', 'b (10.10.1.2)'),
      await reaches(ctx, 'a', '10.10.1.1', 'its own 10.10.1.1'),
    ];
  },
};
