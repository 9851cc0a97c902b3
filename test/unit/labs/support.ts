import { expect } from 'vitest';
import { plannedChanges, undoOrder } from '../../../src/plan/undo-order.js';
import { renderCmd, type Cmd } from '../../../src/exec/command.js';
import type { LabDefinition, LabModel } from '../../../src/plan/lab.js';
import { instanceDir } from '../../../src/lifecycle/state.js';
import { planOps } from '../../../src/plan/plan.js';
import type { Step } from '../../../src/plan/plan.js';

export function buildPlan(lab: LabDefinition, name = 'p1', options: Record<string, string> = {}): LabModel {
  return lab.build({ name, stateDir: instanceDir(name), env: { brctl: true }, options });
}

/** The plan's commands as shell lines, with the agent's path shortened to `agent`. */
export function planLines(model: LabModel | readonly Step[]): string[] {
  const steps = 'steps' in model ? model.steps : model;
  return planOps(steps).map((op) => shortLine(op.cmd));
}

export function shortLine(c: Cmd): string {
  return renderCmd(c).replace(/^(ip netns exec \S+ )?\S*node \S*agent\.mjs /, '$1agent ');
}

export function teardownLines(model: LabModel): string[] {
    return undoOrder(plannedChanges(planOps(model.steps))).map((u) => shortLine(u.cmd));
}

/**
 * Everything a lab's plan touches is its own: commands run inside its namespaces, create or
 * delete them, or (agent file ops) write under /etc/netns/<its ns> or its state directory.
 */
export function expectSandboxed(model: LabModel): void {
  const prefix = `nslab-${model.name}-`;
  for (const op of planOps(model.steps)) {
    const c = op.cmd;
    const line = renderCmd(c);
    if (c.netns !== undefined) {
      expect(c.netns.startsWith(prefix), line).toBe(true);
      continue;
    }
    if (c.file === 'ip') {
      expect(c.args[0] === 'netns' && c.args[2]?.startsWith(prefix), line).toBe(true);
      continue;
    }
    const path = c.args[2] ?? '';
    expect(['write-file', 'remove-file', 'stop'], line).toContain(c.args[1]);
    expect(path.startsWith(`/etc/netns/${prefix}`) || path.startsWith(`${instanceDir(model.name)}/`), line).toBe(true);
  }
}

/** [kind, expect] of each expectation: the shape a lab promises to verify. */
export const shape = (model: LabModel) => model.expectations.map((e) => [e.probe.kind, e.expect]);
