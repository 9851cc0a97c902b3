import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerPlan, sandboxRunning } from '../../../src/sandbox/session.js';

// The sandbox's session without root or a kernel: what a change would do, planned from the
// record (here: none, so the change would create the engine), refused before anything is built.

const saved = { state: process.env.NSLAB_STATE_DIR, name: process.env.NSLAB_DOCKER_NAME };
let state = '';

beforeAll(() => {
  state = mkdtempSync(join(tmpdir(), 'nslab-session-'));
  process.env.NSLAB_STATE_DIR = state;
  process.env.NSLAB_DOCKER_NAME = 'sessiontest';
});

afterAll(() => {
  for (const [k, v] of [['NSLAB_STATE_DIR', saved.state], ['NSLAB_DOCKER_NAME', saved.name]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('a change on the sandbox engine, planned', () => {
  it("the first change creates the engine: its own steps, then one step per command, titled as typed", () => {
    expect(sandboxRunning()).toBe(false);
    const plan = dockerPlan(() => [{ kind: 'network-create', name: 'n1' }, { kind: 'run', name: 'web', image: 'nginx', network: 'n1' }], { docker: '27' });
    expect(plan.creates).toBe(true);
    const titles = plan.steps.map((s) => s.title);
    expect(titles.slice(-2)).toEqual(['docker network create n1', 'docker run -d --network n1 --name web nginx']);
    expect(titles.length).toBeGreaterThan(2);
    expect(plan.model.engine.spec.profile.docker).toBe('27');
    // Planning writes nothing: no record, no journal.
    expect(readdirSync(state)).toEqual([]);
  });

  it("refuses in dockerd's words before anything is built", () => {
    expect(() => dockerPlan(() => [{ kind: 'run', name: 'web', image: 'nginx' }, { kind: 'run', name: 'web', image: 'nginx' }], {})).toThrow(/^Conflict\. The container name "\/web" is already in use/);
    expect(() => dockerPlan(() => [{ kind: 'network-rm', name: 'bridge' }], {})).toThrow('bridge is a pre-defined network and cannot be removed');
    expect(readdirSync(state)).toEqual([]);
  });
});
