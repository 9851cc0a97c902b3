import { execFileSync } from 'node:child_process';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { RealRunner } from '../../src/exec/real-runner.js';
import { buildLab, detectEnv, labUp } from '../../src/lifecycle/lifecycle.js';
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

  it.each(IDS)('lab %s: what holds at every step verifies there, and --rewind to the middle step leaves exactly what --step builds', async (id) => {
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

    // All of it, checking after each step what holds there; then back to the middle.
    const atStep: string[] = [];
    await labUp(model, detectEnv(), {}, runner, {
      afterStep: async (_step, i) => {
        atStep.push(...failed(await verifyLab(runner, model, expectationsAt(model, i + 1))).map((f) => `[after step ${i + 1}] ${f}`));
      },
    });
    expect(atStep).toEqual([]);
    const back = await cli('lab', name, '--rewind', String(mid), '--json');
    expect(back.err).toBe('');
    expect(JSON.parse(back.out)).toMatchObject({ from: total, to: mid });
    expect(await settledLabState(name)).toEqual(stepped);
    const v2 = await cli('verify', name, '--json');
    expect(failed((JSON.parse(v2.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);

    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before());
  });
});
