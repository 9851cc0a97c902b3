import { instanceDir } from '../../../src/lifecycle/state.js';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { vethLab } from '../../../labs/veth.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { runGuided, type GuideDeps } from '../../../src/guide/guided.js';
import { linePrompter, parseAnswer } from '../../../src/guide/prompt.js';
import type { UpHooks } from '../../../src/lifecycle/lifecycle.js';
import type { Expectation, Outcome } from '../../../src/plan/expectation.js';

const model = vethLab.build({ name: 'g1', stateDir: instanceDir('g1'), env: { brctl: true }, options: {} });

/** A stand-in for labUp: "applies" each step, calls afterStep, and rolls back on a throw as labUp does. */
function fakeUp(log: string[]) {
  return async (hooks: UpHooks) => {
    try {
      for (const [i, step] of model.steps.entries()) {
        log.push(`apply ${i + 1}`);
        await hooks.afterStep?.(step, i);
      }
    } catch (err) {
      log.push('rollback');
      throw err;
    }
  };
}

const pass = (es: readonly Expectation[]): Promise<Outcome[]> =>
  Promise.resolve(es.map((e) => ({ title: e.title, expect: e.expect, reached: e.expect === 'reach', pass: true, detail: 'ok', kind: e.probe.kind })));

function deps(log: string[], input?: PassThrough): GuideDeps & { text: () => string } {
  let text = '';
  const out = (t: string) => (text += t);
  return {
    runner: new RecordingRunner({ dryRun: false, responder: () => ({ stdout: 'shown output\n' }) }),
    out,
    prompter: input ? linePrompter(input, out) : undefined,
    up: fakeUp(log),
    verify: (es) => {
      log.push(`verify ${es.length}`);
      return pass(es);
    },
    picture: async () => 'PICTURE\n',
    text: () => text,
  };
}

describe('guided mode prompt', () => {
  it('reads Enter as continue and q/quit as quit', () => {
    expect(parseAnswer('')).toBe('continue');
    expect(parseAnswer('  ')).toBe('continue');
    expect(parseAnswer('q')).toBe('quit');
    expect(parseAnswer(' Quit ')).toBe('quit');
    expect(parseAnswer('next')).toBe('continue');
  });

  it('answers from a stream line by line, and end of input means quit', async () => {
    const input = new PassThrough();
    let shown = '';
    const p = linePrompter(input, (t) => (shown += t));
    input.write('\nq\n');
    expect(await p.ask('> ')).toBe('continue');
    expect(await p.ask('> ')).toBe('quit');
    const pending = p.ask('> ');
    input.end();
    expect(await pending).toBe('quit');
    expect(shown).toBe('> > > ');
    p.close();
  });
});

describe('runGuided', () => {
  it('without a prompter runs every step, shows each before it runs, then verifies and says how to explore', async () => {
    const log: string[] = [];
    const d = deps(log);
    const r = await runGuided(vethLab, model, d);
    expect(r).toMatchObject({ quit: false, applied: 5, pass: true });
    expect(log.filter((l) => l.startsWith('apply'))).toEqual(['apply 1', 'apply 2', 'apply 3', 'apply 4', 'apply 5']);
    // Every step with checks is verified right after it, then the final expectations.
    expect(log.at(-1)).toBe(`verify ${model.expectations.length}`);
    const text = d.text();
    expect(text).toContain('Lab 2: A veth pair');
    expect(text).toContain('── Step 2/5: Create a veth pair with one end in each ──');
    expect(text).toContain('    ip -n nslab-g1-red link add veth0 type veth peer name veth1 netns nslab-g1-blue');
    expect(text).toContain('  $ ip -n nslab-g1-red link show veth0\n    shown output');
    expect(text).toContain('PICTURE');
    expect(text).toContain('nslab exec g1 red -- ip addr');
    expect(text).toContain('nslab down g1');
    // A step is described before it is applied.
    expect(text.indexOf('Step 2/5')).toBeLessThan(text.indexOf('Step 3/5'));
  });

  it('waits for Enter before each step; q quits, and what was built is rolled back', async () => {
    const log: string[] = [];
    const input = new PassThrough();
    const d = deps(log, input);
    input.write('\n\nq\n');
    const r = await runGuided(vethLab, model, d);
    expect(r).toMatchObject({ quit: true, applied: 2, outcomes: [] });
    expect(log.filter((l) => l.startsWith('apply') || l === 'rollback')).toEqual(['apply 1', 'apply 2', 'rollback']);
    expect(d.text()).toContain('Stopped after step 2 of 5; everything it built has been removed.');
    expect(d.text()).not.toContain('PICTURE');
  });

  it('q at the first prompt builds nothing', async () => {
    const log: string[] = [];
    const input = new PassThrough();
    input.write('q\n');
    const r = await runGuided(vethLab, model, deps(log, input));
    expect(r).toMatchObject({ quit: true, applied: 0 });
    expect(log).toEqual([]);
  });

  it('a failed check makes the run fail but does not stop it', async () => {
    const log: string[] = [];
    const d = { ...deps(log), verify: async (es: readonly Expectation[]) => (await pass(es)).map((o, i) => ({ ...o, pass: i !== 0 })) };
    const r = await runGuided(vethLab, model, d);
    expect(r).toMatchObject({ quit: false, applied: 5, pass: false });
  });
});
