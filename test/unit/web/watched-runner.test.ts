import { describe, expect, it } from 'vitest';
import { cmd } from '../../../src/exec/command.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { watched } from '../../../src/web/watched-runner.js';

describe('a watched runner (the page\'s progress)', () => {
  it('tells each command before it runs, batches one by one, and runs them unchanged', async () => {
    const inner = new RecordingRunner();
    const seen: string[] = [];
    const r = watched(inner, (l) => seen.push(l));
    await r.run(cmd('ip', ['link', 'add', 'br0', 'type', 'bridge'], 'nslab-x-host'));
    await r.runBatch([cmd('ip', ['link', 'set', 'br0', 'up'], 'nslab-x-host'), cmd('ip', ['addr', 'add', '172.17.0.1/16', 'dev', 'br0'], 'nslab-x-host')]);
    expect(seen).toEqual(['ip -n nslab-x-host link add br0 type bridge', 'ip -n nslab-x-host link set br0 up', 'ip -n nslab-x-host addr add 172.17.0.1/16 dev br0']);
    expect(inner.lines()).toEqual(seen);
  });

  it('a dry-run terminal is refused, saying what it would have opened', async () => {
    await expect(watched(new RecordingRunner({ dryRun: true }), () => undefined).terminal(cmd('bash', ['-l'], 'nslab-x-c1'), { cols: 80, rows: 24 })).rejects.toThrow('a terminal cannot be dry-run: `ip netns exec nslab-x-c1 bash -l` would open one');
  });
});
