import { describe, expect, it } from 'vitest';
import { modesLab } from '../../../labs/modes.js';
import { buildPlan, expectSandboxed, planLines, shape } from './support.js';

const model = buildPlan(modesLab);

describe('modes lab plan', () => {
  it('host and container:<name> modes create nothing; none is a namespace with lo only', () => {
    const byTitle = Object.fromEntries(model.steps.map((s) => [s.title, planLines([s])]));
    expect(byTitle['Start hostnet with --network host']).toEqual([]);
    expect(byTitle['Start sidecar with --network container:app']).toEqual([]);
    expect(byTitle['Start isolated with --network none']!.slice(0, 2)).toEqual(['ip netns add nslab-p1-isolated', 'ip -n nslab-p1-isolated link set dev lo up']);
    expectSandboxed(model);
  });

  it('hostnet is the host namespace and sidecar is app\'s namespace', () => {
    expect(model.nodes.hostnet!.ns).toBe(model.nodes.host!.ns);
    expect(model.nodes.sidecar!.ns).toBe(model.nodes.app!.ns);
    expect(model.nodes.isolated!.ns).toBe('nslab-p1-isolated');
  });

  it('expects the host\'s address served without -p, a shared localhost, and none reaching nothing but lo', () => {
    expect(shape(model)).toEqual([
      ['source', 'reach'],
      ['ping', 'reach'],
      ['source', 'reach'],
      ['tcp', 'fail'],
      ['ping', 'reach'],
      ['ping', 'fail'],
      ['ping', 'fail'],
    ]);
    expect(model.expectations[0]!.probe).toMatchObject({ from: 'wan', server: 'hostnet', to: '198.51.100.2' });
    expect(model.expectations[2]!.probe).toMatchObject({ from: 'sidecar', server: 'app', to: '127.0.0.1', source: '127.0.0.1' });
    expect(model.expectations[3]!.probe).toMatchObject({ from: 'hostnet', server: 'app', to: '127.0.0.1' });
  });
});
