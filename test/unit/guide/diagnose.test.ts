import { describe, expect, it } from 'vitest';
import { firewallBypassLab } from '../../../labs/firewall-bypass.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { runGuided } from '../../../src/guide/guided.js';
import { instanceDir } from '../../../src/lifecycle/state.js';
import type { UpHooks } from '../../../src/lifecycle/lifecycle.js';
import type { Diagnosis } from '../../../src/plan/plan.js';

const model = firewallBypassLab.build({ name: 'g2', stateDir: instanceDir('g2'), env: { brctl: true }, options: {} });

describe('guided mode: a breaking step is diagnosed while it stands', () => {
  it('runs why for the step that names a diagnosis, right after its checks, and recalls it before the fix\'s trace', async () => {
    let text = '';
    const asked: Diagnosis[] = [];
    const result = await runGuided(firewallBypassLab, model, {
      runner: new RecordingRunner({ dryRun: false, responder: () => ({ stdout: '' }) }),
      out: (t) => (text += t),
      prompter: undefined,
      up: async (hooks: UpHooks) => {
        for (const [i, step] of model.steps.entries()) await hooks.afterStep?.(step, i);
      },
      verify: async (es) => es.map((e) => ({ title: e.title, expect: e.expect, reached: e.expect === 'reach', pass: true, detail: 'ok' })),
      picture: async () => 'PICTURE\n',
      why: async (d) => {
        asked.push(d);
        return 'BROKEN-OR-NOT\n';
      },
      trace: async () => 'TRACE OF THE FIX\n',
    });
    expect(result.pass).toBe(true);
    expect(asked).toEqual([{ from: 'wan', to: '198.51.100.2', port: 8080 }]);
    const now = text.indexOf('Why, right now:\n  nslab why g2 wan 198.51.100.2 --port 8080\n  BROKEN-OR-NOT');
    expect(now).toBeGreaterThan(text.indexOf('Step 6/7'));
    expect(now).toBeLessThan(text.indexOf('Step 7/7'));
    const recalled = text.indexOf('The break, as why named it after step 6:\nnslab why g2 wan 198.51.100.2 --port 8080\nBROKEN-OR-NOT');
    expect(recalled).toBeGreaterThan(text.indexOf('PICTURE'));
    expect(recalled).toBeLessThan(text.indexOf('TRACE OF THE FIX'));
  });
});
