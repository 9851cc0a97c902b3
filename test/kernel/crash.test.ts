import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { buildSandbox } from '../../src/sandbox/sandbox.js';
import { buildLab } from '../../src/plan/build.js';
import { instanceDir, removeTree } from '../../src/lifecycle/state.js';
import { orphanAgents } from '../../src/kernel/orphan-agents.js';
import { planOps } from '../../src/plan/plan.js';
import { cli, isolateState, namespacesOf, pool, requireKernel, rootSnapshot, spawnNslab, uniqueName } from './support.js';

// Kill nslab right after its k-th operation, for every k, while it builds a lab, then undo
// from a new process: nothing may be left.
//
// What makes every k cost less than a process each: an op is marked done when the process that
// ran it has ended, and one process's ops are marked together, in one synchronous loop with
// nothing in between (src/apply/fault.ts). A kill after any op of such a mark list finds the
// same kernel (that process ended, nothing else started since) and the same ops that may have
// applied (teardown undoes intents and dones alike), so it leaves exactly what a kill after the
// list's first op leaves. Each real kill (a real signal to a real nslab process, which then dies
// or handles it) reports the list it landed in (NSLAB_FAULT_REPORT); the next kill lands right
// after it. The kills together cover every k from 1 to the last, each with its own recovery.

function opCount(id: string): number {
  return planOps(buildLab(LABS.find((l) => l.id === id)!, 'k', {}, { brctl: true }).steps).length;
}

/** Picked when the test runs: labs are added all the time, and the largest is the hardest. */
const largest = [...LABS].sort((a, b) => opCount(b.id) - opCount(a.id))[0]!.id;
// The problem labs too (each breaks something, fixes it, and has ops of kinds of its own: a
// policy on INPUT, an MTU, a replaced resolv.conf, a DNS relay): those with a diagnosed step.
const breaking = LABS.filter((l) => buildLab(l, 'k', {}, { brctl: true }).steps.some((s) => s.diagnose)).map((l) => l.id);
const labs = [...new Set(['docker0', largest, ...breaking])];

type Recovery = 'down' | 'clean' | 'clean without journal';

interface Landed {
  /** The kill points this kill stands for: the done ops of its mark list. */
  readonly first: number;
  readonly last: number;
  readonly problems: readonly string[];
}

const reports = mkdtempSync(join(tmpdir(), 'nslab-fault-'));

/** The mark list the k-th op's kill landed in, from the killed process's report; none is a problem. */
function landed(file: string, k: number, problems: string[]): Landed {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { k: number; first: number; last: number };
    rmSync(file, { force: true });
    if (r.k === k && r.first <= k && k <= r.last) return { first: r.first, last: r.last, problems };
    return { first: k, last: k, problems: [...problems, `the kill reported ${JSON.stringify(r)}`] };
  } catch {
    return { first: k, last: k, problems: [...problems, 'no kill report: the fault never fired'] };
  }
}

/**
 * Kills after op 1, then right after the list each kill covered, up to the last op. Returns
 * the problems found, and how many real kills it took to cover all `total` kill points.
 */
async function chain(total: number, killAt: (k: number, report: string, n: number) => Promise<Landed>): Promise<{ problems: string[]; kills: number; covered: number }> {
  const problems: string[] = [];
  let k = 1;
  let kills = 0;
  let covered = 0;
  while (k <= total) {
    const report = join(reports, uniqueName('r'));
    const r = await killAt(k, report, kills++);
    problems.push(...r.problems.map((p) => `k=${k} (kill points ${r.first}..${r.last}): ${p}`));
    covered += r.last - k + 1;
    k = r.last + 1;
  }
  return { problems, kills, covered };
}

describe.each(labs)('kill at every step: %s', (lab) => {
  const total = opCount(lab);
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  // docker0 through `run`, whose step checks run between the operations; the largest lab
  // through `up` (the same interruption path, without a step's probes after every operation).
  const command = lab === 'docker0' ? 'run' : 'up';

  it(`SIGKILL after each of its ${total} operations, then down or clean, leaves nothing; and SIGINT (Ctrl-C) during \`${command}\` after each tears down and says so`, { timeout: 1_800_000 }, async () => {
    const kill = (k: number, report: string, n: number): Promise<Landed> => {
      const name = uniqueName(`k${k}x`);
      const recovery: Recovery = (['down', 'clean', 'clean without journal'] as const)[n % 3]!;
      return (async () => {
        const r = await spawnNslab(['up', lab, '--name', name], { NSLAB_FAULT_AFTER: String(k), NSLAB_FAULT_SIGNAL: 'KILL', NSLAB_FAULT_REPORT: report });
        const problems: string[] = [];
        if (r.signal !== 'SIGKILL') problems.push(`not killed (code ${r.code}, ${r.err.trim()})`);
        if (namespacesOf(name).length === 0) problems.push('the kill left nothing to recover: the test would prove nothing');
        // An agent daemon the killed nslab had started may still be writing its pidfile there: retry.
        if (recovery === 'clean without journal') removeTree(instanceDir(name));
        const undo = recovery === 'down' ? await cli('down', name) : await cli('clean', name);
        if (undo.code !== 0) problems.push(`${recovery}: exit ${undo.code}: ${undo.err.trim()}`);
        if (namespacesOf(name).length > 0) problems.push(`${recovery} left ${namespacesOf(name).join(', ')}`);
        return landed(report, k, problems);
      })();
    };
    const interrupt = async (k: number, report: string): Promise<Landed> => {
      // The signal is real: nslab sends it to itself after operation k and its handler runs,
      // as it does for a learner's Ctrl-C.
      const name = uniqueName(`i${k}x`);
      const r = await spawnNslab([command, lab, '--name', name], { NSLAB_FAULT_AFTER: String(k), NSLAB_FAULT_SIGNAL: 'INT', NSLAB_FAULT_REPORT: report });
      const problems: string[] = [];
      if (r.code !== 130) problems.push(`exit ${r.code ?? r.signal}, expected 130`);
      if (!/^nslab: interrupted by SIGINT: lab \S+ .*(undone|torn down).*\(nothing is left behind/m.test(r.err)) problems.push(`said: ${r.err.trim()}`);
      if (namespacesOf(name).length > 0) problems.push(`left ${namespacesOf(name).join(', ')}`);
      const down = await cli('down', name);
      if (down.code !== 2 || !down.err.includes(`lab ${name} is not up`)) problems.push(`a record was left: ${down.err.trim()}`);
      return landed(report, k, problems);
    };
    const [killed, interrupted] = await pool([kill, interrupt], 2, (f) => chain(total, f));
    console.log(`kill test, ${lab}: ${total} kill points covered by ${killed!.kills} real SIGKILLs and ${interrupted!.kills} real SIGINTs`);
    expect(killed!.problems).toEqual([]);
    expect(interrupted!.problems).toEqual([]);
    expect({ SIGKILL: killed!.covered, SIGINT: interrupted!.covered }).toEqual({ SIGKILL: total, SIGINT: total });
    // Nothing left running either: no agent of nslab's in a namespace that lost its name.
    expect(orphanAgents()).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
});

// The sandbox engine keeps its commands in its record and applies each new one onto the
// running engine: a kill in the middle of one must leave nothing after `docker reset` or
// `clean` either, whichever the record says was asked.
describe('kill at every step: a docker command on a running sandbox engine', () => {
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
    const result = await chain(total, async (k, report, n) => {
      const name = uniqueName(`s${k}x`);
      const env = { NSLAB_DOCKER_NAME: name };
      const problems: string[] = [];
      const made = await spawnNslab(['docker', '-q', 'network', 'create', 'my_bridge'], env);
      if (made.code !== 0) problems.push(`network create: ${made.err.trim()}`);
      const r = await spawnNslab(['docker', '-q', ...RUN], { ...env, NSLAB_FAULT_AFTER: String(k), NSLAB_FAULT_SIGNAL: 'KILL', NSLAB_FAULT_REPORT: report });
      if (r.signal !== 'SIGKILL') problems.push(`not killed (code ${r.code}, ${r.err.trim()})`);
      const recovery = n % 2 === 0 ? ['docker', 'reset'] : ['clean', name];
      const undo = await spawnNslab(recovery, env);
      if (undo.code !== 0) problems.push(`${recovery.join(' ')}: exit ${undo.code}: ${undo.err.trim()}`);
      if (namespacesOf(name).length > 0) problems.push(`${recovery.join(' ')} left ${namespacesOf(name).join(', ')}`);
      return landed(report, k, problems);
    });
    console.log(`kill test, docker run: ${total} kill points covered by ${result.kills} real SIGKILLs`);
    expect(result.problems).toEqual([]);
    expect(result.covered).toBe(total);
    expect(orphanAgents()).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
});
