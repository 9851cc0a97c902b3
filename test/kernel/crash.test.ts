import { beforeAll, describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { buildSandbox } from '../../src/docker/sandbox.js';
import { buildLab } from '../../src/lifecycle/lifecycle.js';
import { instanceDir, removeTree } from '../../src/lifecycle/state.js';
import { orphanAgents } from '../../src/kernel/orphan-agents.js';
import { planOps } from '../../src/plan/plan.js';
import { cli, isolateState, namespacesOf, pool, requireKernel, rootSnapshot, spawnNslab, uniqueName } from './support.js';

// Kill nslab right after operation k (for every k) while it builds a lab, from a separate
// process, then undo from a new process: nothing may be left. Each kill point uses its own
// lab name, so they run a few at a time.
const CONCURRENCY = 4;

function opCount(id: string): number {
  return planOps(buildLab(LABS.find((l) => l.id === id)!, 'k', {}, { brctl: true }).steps).length;
}

/** Picked when the test runs: labs are added all the time, and the largest is the hardest. */
const largest = [...LABS].sort((a, b) => opCount(b.id) - opCount(a.id))[0]!.id;
// NSLAB_KILL_LABS narrows the test to some labs ("docker" is the sandbox engine). Only the
// fresh-machine run sets it (to docker0): it proves set-up on a bare machine, and the same CI
// has just run this test in full on the host; running it twice would take half an hour more.
const asked = (process.env.NSLAB_KILL_LABS ?? '').split(',').filter(Boolean);
const only = asked.length > 0 ? asked : undefined;
if (only) console.warn(`\n*** kill test limited by NSLAB_KILL_LABS to: ${only.join(', ')} (the full test is the host suite's) ***\n`);
const labs = [...new Set(['docker0', largest])].filter((l) => !only || only.includes(l));
const withSandbox = !only || only.includes('docker');

type Recovery = 'down' | 'clean' | 'clean without journal';

describe.each(labs)('kill at every step: %s', (lab) => {
  const total = opCount(lab);
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  it(`SIGKILL after each of its ${total} operations, then down or clean, leaves nothing`, { timeout: 1_800_000 }, async () => {
    const ks = Array.from({ length: total }, (_, i) => i + 1);
    const failures = (
      await pool(ks, CONCURRENCY, async (k) => {
        const name = uniqueName(`k${k}x`);
        const recovery: Recovery = (['down', 'clean', 'clean without journal'] as const)[k % 3]!;
        const r = await spawnNslab(['up', lab, '--name', name], { NSLAB_FAULT_AFTER: String(k), NSLAB_FAULT_SIGNAL: 'KILL' });
        const problems: string[] = [];
        if (r.signal !== 'SIGKILL') problems.push(`not killed (code ${r.code}, ${r.err.trim()})`);
        if (namespacesOf(name).length === 0) problems.push('the kill left nothing to recover: the test would prove nothing');
        // An agent daemon the killed nslab had started may still be writing its pidfile there: retry.
        if (recovery === 'clean without journal') removeTree(instanceDir(name));
        const undo = recovery === 'down' ? await cli('down', name) : await cli('clean', name);
        if (undo.code !== 0) problems.push(`${recovery}: exit ${undo.code}: ${undo.err.trim()}`);
        if (namespacesOf(name).length > 0) problems.push(`${recovery} left ${namespacesOf(name).join(', ')}`);
        return problems.length ? `k=${k} (${recovery}): ${problems.join('; ')}` : undefined;
      })
    ).filter(Boolean);
    expect(failures).toEqual([]);
    // Nothing left running either: no agent of nslab's in a namespace that lost its name.
    expect(orphanAgents()).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  // docker0 through `run`, whose step checks run between the operations; the largest lab through
  // `up` (the same interruption path, without a step's probes after every operation).
  const command = lab === 'docker0' ? 'run' : 'up';

  // docker0 is interrupted after every operation. The largest lab goes through the same
  // handler and the same teardown as the SIGKILL pass above, which kills it after every one:
  // its SIGINT pass takes every third operation, and the last.
  const every = lab === 'docker0' ? 1 : 3;
  const points = Array.from({ length: total }, (_, i) => i + 1).filter((k) => k % every === 0 || k === 1 || k === total);

  it(`SIGINT (Ctrl-C) during \`${command}\` after ${every === 1 ? `each of its ${total} operations` : `${points.length} of its ${total} operations (every ${every}rd, the first and the last)`} tears down and says so`, { timeout: 1_800_000 }, async () => {
    // A separate nslab per kill point, a few at a time: the signal is real (nslab sends it to
    // itself after operation k and its handler runs), as a learner's Ctrl-C is.
    const ks = points;
    const failures = (
      await pool(ks, CONCURRENCY, async (k) => {
        const name = uniqueName(`i${k}x`);
        const r = await spawnNslab([command, lab, '--name', name], { NSLAB_FAULT_AFTER: String(k), NSLAB_FAULT_SIGNAL: 'INT' });
        const problems: string[] = [];
        if (r.code !== 130) problems.push(`exit ${r.code ?? r.signal}, expected 130`);
        if (!/^nslab: interrupted by SIGINT: lab \S+ .*(undone|torn down).*\(nothing is left behind/m.test(r.err)) problems.push(`said: ${r.err.trim()}`);
        if (namespacesOf(name).length > 0) problems.push(`left ${namespacesOf(name).join(', ')}`);
        const down = await cli('down', name);
        if (down.code !== 2 || !down.err.includes(`lab ${name} is not up`)) problems.push(`a record was left: ${down.err.trim()}`);
        return problems.length ? `k=${k}: ${problems.join('; ')}` : undefined;
      })
    ).filter(Boolean);
    expect(failures).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
});

// The sandbox engine keeps its commands in its record and applies each new one onto the
// running engine: a kill in the middle of one must leave nothing after `docker reset` or
// `clean` either, whichever the record says was asked.
// Not defined at all when narrowed away, rather than counted as skipped.
if (withSandbox) describe('kill at every step: a docker command on a running sandbox engine', () => {
  const RUN = ['run', '-d', '--net', 'my_bridge', '--name', 'web', '-p', '8080:80', 'nginx'];
  const total = buildSandbox({
    name: 'k',
    stateDir: instanceDir('k'),
    env: { brctl: true },
    options: {
      commands: JSON.stringify([
        { kind: 'network-create', name: 'my_bridge' },
        { kind: 'run', name: 'web', image: 'nginx', network: 'my_bridge', publish: [{ protocol: 'tcp', hostPort: 8080, containerPort: 80 }] },
      ]),
    },
  }).steps.at(-1)!.ops.length;
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  it(`SIGKILL after each of \`docker run\`'s ${total} operations, then docker reset or clean, leaves nothing`, { timeout: 1_800_000 }, async () => {
    const ks = Array.from({ length: total }, (_, i) => i + 1);
    const failures = (
      await pool(ks, CONCURRENCY, async (k) => {
        const name = uniqueName(`s${k}x`);
        const env = { NSLAB_DOCKER_NAME: name };
        const problems: string[] = [];
        const made = await spawnNslab(['docker', '-q', 'network', 'create', 'my_bridge'], env);
        if (made.code !== 0) problems.push(`network create: ${made.err.trim()}`);
        const r = await spawnNslab(['docker', '-q', ...RUN], { ...env, NSLAB_FAULT_AFTER: String(k), NSLAB_FAULT_SIGNAL: 'KILL' });
        if (r.signal !== 'SIGKILL') problems.push(`not killed (code ${r.code}, ${r.err.trim()})`);
        const recovery = k % 2 === 0 ? ['docker', 'reset'] : ['clean', name];
        const undo = await spawnNslab(recovery, env);
        if (undo.code !== 0) problems.push(`${recovery.join(' ')}: exit ${undo.code}: ${undo.err.trim()}`);
        if (namespacesOf(name).length > 0) problems.push(`${recovery.join(' ')} left ${namespacesOf(name).join(', ')}`);
        return problems.length ? `k=${k}: ${problems.join('; ')}` : undefined;
      })
    ).filter(Boolean);
    expect(failures).toEqual([]);
    expect(orphanAgents()).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
});
