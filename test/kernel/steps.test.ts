import { execFileSync } from 'node:child_process';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { RealRunner } from '../../src/exec/real-runner.js';
import { labAdvance, labUp } from '../../src/lifecycle/lifecycle.js';
import { buildLab, detectEnv } from '../../src/plan/build.js';
import { expectationsAt } from '../../src/plan/steps.js';
import { verifyLab } from '../../src/verify/verify-lab.js';
import { cli, failed, labNames, namespacesOf, rootSnapshot, settledLabState, type Outcome } from './support.js';

// Every lab in labs/index.ts, so labs added later are covered without touching this file.
const IDS = LABS.map((l) => l.id);
const runner = new RealRunner({ logger: pino({ enabled: false }) });

describe('stopping at a step, and rewinding to one', () => {
  const { fresh, before } = labNames('s');

  it('up connect --until connect: web has eth1 on my_bridge and pings db by name; verify checks that moment', async () => {
    const name = fresh('connect');
    const up = await cli('up', 'connect', '--name', name, '--until', 'connect', '--json');
    expect(up.err).toBe('');
    expect(JSON.parse(up.out)).toMatchObject({ step: 6, steps: 7 });
    const web = `nslab-${name}-web`;
    expect(execFileSync('ip', ['-n', web, '-br', '-4', 'addr', 'show', 'dev', 'eth1'], { encoding: 'utf8' })).toMatch(/^eth1@\S+\s+UP\s+172\.18\.0\.3\/16/);
    // By name, through the embedded DNS that connect gave web.
    expect(execFileSync('ip', ['netns', 'exec', web, 'ping', '-c1', '-W1', 'db'], { encoding: 'utf8' })).toMatch(/1 received/);
    const v = await cli('verify', name, '--json');
    const outcomes = (JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(outcomes)).toEqual([]);
    // What holds after the connect, and not what holds at the end (db no longer resolves web there).
    expect(outcomes.map((o) => o.title)).toContain('web -> db by name (ping db, via eth1)');
    expect(outcomes.map((o) => o.title)).not.toContain('db resolves web (disconnected)');
    expect(v.code).toBe(0);
    const ls = await cli('ls', '--json');
    expect((JSON.parse(ls.out) as { running: { name: string; step?: number }[] }).running.find((r) => r.name === name)?.step).toBe(6);

    // Carry on from there: the last step (disconnect) runs, and the whole lab verifies.
    const on = await cli('lab', 'connect', '--name', name, '--from', '7', '--yes', '--json');
    expect(on.err).toBe('');
    expect(JSON.parse(on.out)).toMatchObject({ pass: true, applied: 7 });
    expect(execFileSync('ip', ['-n', web, '-br', 'link'], { encoding: 'utf8' })).not.toMatch(/^eth1/m);
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it.each(IDS)('lab %s: what holds at every step verifies there, and --rewind from the last step to every earlier step leaves exactly what --step builds', async (id) => {
    const def = LABS.find((l) => l.id === id)!;
    const name = fresh(id);
    const model = buildLab(def, name);
    const total = model.steps.length;
    const mid = Math.max(1, Math.ceil(total / 2));

    // The lab as `up --step mid` builds it.
    const part = await cli('up', id, '--name', name, '--step', String(mid));
    expect(part.err).toBe('');
    const stepped = await settledLabState(name);
    expect(Object.keys(stepped).length).toBeGreaterThan(0);
    const v1 = await cli('verify', name, '--json');
    expect(failed((JSON.parse(v1.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
    expect(v1.code).toBe(0);
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);

    // All of it, checking after each step what holds there and keeping the live state of each
    // step: what `up --step N` leaves, since it applies the same steps 1..N and stops (the
    // middle one is held against the real `up --step` above).
    const atStep: string[] = [];
    const states: Record<string, string>[] = [];
    await labUp(model, detectEnv(), {}, runner, {
      afterStep: async (_step, i) => {
        atStep.push(...failed(await verifyLab(runner, model, expectationsAt(model, i + 1))).map((f) => `[after step ${i + 1}] ${f}`));
        states[i + 1] = await settledLabState(name);
      },
    });
    expect(atStep).toEqual([]);
    expect(states[mid]).toEqual(stepped);

    // From the last step back to each earlier one, built on to the end again in between.
    const wrong: string[] = [];
    for (let n = total - 1; n >= 1; n--) {
      if (n < total - 1) expect(await labAdvance(name, total, runner)).toBe(total);
      const back = await cli('lab', name, '--rewind', String(n), '--json');
      expect(back.err).toBe('');
      expect(JSON.parse(back.out)).toMatchObject({ from: total, to: n });
      const now = await settledLabState(name);
      if (JSON.stringify(now) !== JSON.stringify(states[n])) wrong.push(`rewound ${total} -> ${n}: ${firstDifference(states[n]!, now)}`);
      const v = await cli('verify', name, '--json');
      wrong.push(...failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes).map((f) => `rewound ${total} -> ${n}: ${f}`));
    }
    expect(wrong).toEqual([]);

    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before());
  });

  it('connect: the second article\'s moment comes back after the disconnect (rewind 7 -> 6 rebuilds, and says why)', async () => {
    const name = fresh('connect');
    expect((await cli('up', 'connect', '--name', name)).code).toBe(0);
    const back = await cli('lab', name, '--rewind', '6');
    expect(back.err).toBe('');
    expect(back.out).toMatch(/rewound from step 7 to step 6 of 7 \(Connect web to my_bridge\): step 7 \(Disconnect web from my_bridge\) removed what an earlier step made, which undoing cannot bring back, so it was taken down and built again through step 6/);
    const web = `nslab-${name}-web`;
    expect(execFileSync('ip', ['-n', web, '-br', '-4', 'addr', 'show', 'dev', 'eth1'], { encoding: 'utf8' })).toMatch(/^eth1@\S+\s+UP\s+172\.18\.0\.3\/16/);
    expect(execFileSync('ip', ['-n', web, '-4', 'route'], { encoding: 'utf8' })).toMatch(/^172\.18\.0\.0\/16 dev eth1/m);
    expect(execFileSync('ip', ['netns', 'exec', web, 'ping', '-c1', '-W1', 'db'], { encoding: 'utf8' })).toMatch(/1 received/);
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });
});

/** Where two lab states first part: the namespace and the first line that differs. */
function firstDifference(want: Record<string, string>, got: Record<string, string>): string {
  for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const a = (want[key] ?? '(absent)').split('\n');
    const b = (got[key] ?? '(absent)').split('\n');
    const i = a.findIndex((line, j) => line !== b[j]);
    if (i >= 0 || a.length !== b.length) return `${key}: want ${JSON.stringify(a[i] ?? a.at(-1))}, got ${JSON.stringify(b[i >= 0 ? i : a.length] ?? '(nothing)')}`;
  }
  return 'the same';
}
