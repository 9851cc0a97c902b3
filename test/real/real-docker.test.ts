import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerFor } from '../../src/cli/context.js';
import { RealRunner } from '../../src/exec/real-runner.js';
import { createLogger } from '../../src/log.js';
import { REAL_ENGINES } from '../../src/realdocker/engines.js';
import { stopRealEngine } from '../../src/realdocker/client.js';
import { tellStory } from '../../src/realdocker/story.js';
import { renderDifference } from '../../src/realdocker/views.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from '../kernel/support.js';
import { STORIES } from './stories.js';

// The differential suite: every story told to a real dockerd and to nslab's engine under the
// profile that dockerd judges (26.1.5 judges --docker 27, 28.5.2 --docker 28), every aspect
// the judge looks at held line by line. A difference fails the story and says what each side
// has that the other lacks.

const runner = new RealRunner({ logger: createLogger() });

describe.each(REAL_ENGINES.map((e) => [e.version, e] as const))('a real dockerd %s against nslab --docker %s', (_v, engine) => {
  const real = uniqueName(`rd${engine.profile}`);
  const nslab = uniqueName(`nd${engine.profile}`);
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  afterAll(async () => {
    await stopRealEngine(runner, real);
    await cli('docker', 'reset');
    expect(namespacesOf(real)).toEqual([]);
    expect(namespacesOf(nslab)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it.each(Object.entries(STORIES))('%s', async (_title, lines) => {
    await stopRealEngine(runner, real);
    const r = await tellStory(runner, runnerFor({ out: () => {}, err: () => {} }), lines, { profile: engine.profile, nslab, real, say: (l) => console.log(l) });
    expect(r.compared.length).toBeGreaterThan(10);
    expect(r.differences.map(renderDifference)).toEqual([]);
  });
});
