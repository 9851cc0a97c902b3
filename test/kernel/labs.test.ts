import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { main } from '../../src/cli/main.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

// Every lab in labs/index.ts, so labs added later are covered without touching this file.
const IDS = LABS.map((l) => l.id);

interface Outcome {
  title: string;
  pass: boolean;
  detail: string;
}

const failed = (outcomes: readonly Outcome[]) => outcomes.filter((o) => !o.pass).map((o) => `${o.title}: ${o.detail}`);

describe('every lab against the kernel', () => {
  let before: Record<string, string>;
  const names: string[] = [];
  const fresh = (id: string) => {
    const n = uniqueName(`g${id.slice(0, 3)}`);
    names.push(n);
    return n;
  };

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  afterAll(async () => {
    for (const n of names) await cli('clean', n);
  });

  it.each(IDS)('lab %s --yes --json --record: every check passes; down leaves nothing; the transcript replays with bash and verifies', async (id) => {
    const name = fresh(id);
    const transcript = join(mkdtempSync(join(tmpdir(), 'nslab-record-')), `${id}.sh`);
    const r = await cli('lab', id, '--yes', '--json', '--name', name, '--record', transcript);
    expect(r.err).toBe(`recorded to ${transcript}: replay it with \`sudo bash ${transcript}\`\n`);
    const result = JSON.parse(r.out) as { pass: boolean; quit: boolean; applied: number; steps: { checks: Outcome[] }[]; outcomes: Outcome[] };
    expect(failed([...result.steps.flatMap((s) => s.checks), ...result.outcomes])).toEqual([]);
    expect(result).toMatchObject({ pass: true, quit: false });
    expect(result.outcomes.length).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    expect(namespacesOf(name).length).toBeGreaterThan(0);

    // The lab stays up for exploring; verify from "another process" sees the same.
    const v = await cli('verify', name, '--json');
    expect(v.code).toBe(0);

    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);

    // What nslab ran, replayed by bash alone on a machine without the lab, verifies the same.
    const script = readFileSync(transcript, 'utf8');
    expect(script).toContain(`# --- Step 1: `);
    expect(script).toContain(`# Check it: nslab verify ${name} --lab ${id}\n`);
    try {
      execFileSync('bash', [transcript], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LANG: 'C' } });
      const replayed = await cli('verify', name, '--lab', id, '--json');
      expect(replayed.err).toBe('');
      expect(failed((JSON.parse(replayed.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
      expect(replayed.code).toBe(0);
    } finally {
      expect((await cli('clean', name)).code).toBe(0);
    }
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it.each(IDS)('lab %s --dry-run: the printed script builds it with bash alone, and it verifies', async (id) => {
    const name = fresh(id);
    const dry = await cli('lab', id, '--name', name, '--dry-run');
    expect(dry.code).toBe(0);
    const script = join(mkdtempSync(join(tmpdir(), 'nslab-script-')), `${id}.sh`);
    writeFileSync(script, dry.out);
    try {
      execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LANG: 'C' } });
      // Nothing recorded it: verify rebuilds the model from the lab id and the names.
      const v = await cli('verify', name, '--lab', id, '--json');
      expect(v.err).toBe('');
      expect(failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
      expect(v.code).toBe(0);
    } finally {
      expect((await cli('clean', name)).code).toBe(0);
    }
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it('in a terminal it waits for Enter; q tears down what the steps built', async () => {
    const name = fresh('veth');
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let out = '';
    const running = main(['lab', 'veth', '--name', name], { out: (t) => (out += t), err: (t) => (out += t), input });
    input.write('\n');
    // Step 1 ran (its namespaces exist) and the guide waits at step 2.
    await expect.poll(() => out.includes('Step 2/5'), { timeout: 10_000 }).toBe(true);
    expect(namespacesOf(name)).toEqual([`nslab-${name}-blue`, `nslab-${name}-red`]);
    input.write('q\n');
    expect(await running).toBe(0);
    expect(out).toContain('Stopped after step 1 of 5; everything it built has been removed.');
    expect(namespacesOf(name)).toEqual([]);
    const ls = JSON.parse((await cli('ls', '--json')).out) as { running: { name: string }[] };
    expect(ls.running.map((r) => r.name)).not.toContain(name);
  });

  it('verify --lab refuses a lab that was never built, and changes nothing', async () => {
    const name = fresh('none');
    const v = await cli('verify', name, '--lab', 'veth');
    expect(v.code).toBe(2);
    expect(v.err).toContain(`lab ${name} (veth) is not built: namespace nslab-${name}-red does not exist`);
    expect(namespacesOf(name)).toEqual([]);
  });
});
