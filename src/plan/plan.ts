import type { Op } from '../ops/op.js';

/** A step a learner can read: what it does, why, the docker command it stands for, and its ops. */
export interface Step {
  readonly title: string;
  readonly why: string;
  /** The docker command(s) or daemon behaviour this step stands for. */
  readonly docker?: readonly string[] | undefined;
  readonly ops: readonly Op[];
}

export function planOps(steps: readonly Step[]): Op[] {
  return steps.flatMap((s) => s.ops);
}
