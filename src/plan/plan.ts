import type { Cmd } from '../exec/command.js';
import type { Op } from '../ops/op.js';
import type { Expectation } from './expectation.js';

/** A step a learner can read: what it does, why, the docker command it stands for, and its ops. */
export interface Step {
  readonly title: string;
  readonly why: string;
  /** The docker command(s) or daemon behaviour this step stands for. */
  readonly docker?: readonly string[] | undefined;
  /**
   * Where `docker` shows what is not a docker CLI command (compose), the docker commands it
   * comes to, as `compare --real` types them into a real dockerd.
   */
  readonly dockerReplay?: readonly string[] | undefined;
  readonly ops: readonly Op[];
  /**
   * Checks that hold right after this step (shown in guided mode, reported by `run`).
   * They may be contradicted by later steps (e.g. before and after `network disconnect`);
   * the lab's `expectations` are what holds at the end.
   */
  readonly checks?: readonly Expectation[] | undefined;
  /**
   * Checks of earlier steps this one makes untrue, other than by a check of the same probe
   * (which replaces the earlier one by itself). Stopping after this step drops them.
   */
  readonly retires?: readonly Expectation[] | undefined;
  /** Read-only commands whose output guided mode prints after the step: what a learner would type to look. */
  readonly show?: readonly Cmd[] | undefined;
  /**
   * A step that breaks something: the packet `nslab why` walks right after it, so guided
   * mode names the cause while it stands (and recalls it at the end, beside the fix's trace).
   */
  readonly diagnose?: Diagnosis | undefined;
}

/** The path `nslab why <lab> FROM TO [--port N]` walks. */
export interface Diagnosis {
  readonly from: string;
  readonly to: string;
  readonly port?: number | undefined;
}

export function planOps(steps: readonly Step[]): Op[] {
  return steps.flatMap((s) => s.ops);
}
