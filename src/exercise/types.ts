import type { Runner } from '../exec/runner.js';
import type { LiveNamespace } from '../inspect/world.js';
import type { Step } from '../plan/plan.js';
import type { LabEnv } from '../plan/lab.js';

/** The usual mistakes the checker recognises by name (see mistakes.ts for how each reads). */
export type MistakeId =
  | 'missing-namespace'
  | 'no-veth'
  | 'end-down'
  | 'lo-down'
  | 'wrong-interface'
  | 'different-subnets'
  | 'missing-address'
  | 'no-default-route'
  | 'not-on-bridge'
  | 'bridge-down'
  | 'ip-forward-off'
  | 'masquerade-missing'
  | 'masquerade-wrong-source'
  | 'dnat-missing'
  | 'dnat-no-forward-accept'
  | 'wrong-port';

/** One requirement checked, with the mistake that explains a failure and a hint to fix it. */
export interface Finding {
  readonly requirement: string;
  readonly pass: boolean;
  readonly detail: string;
  readonly mistake?: MistakeId | undefined;
  readonly hint?: string | undefined;
}

export interface CheckContext {
  readonly runner: Runner;
  /** Instance name: the learner's namespaces are nslab-<name>-<node>. */
  readonly name: string;
  /** Live state of every nslab-<name>-* namespace, read just before checking. */
  readonly world: readonly LiveNamespace[];
}

export interface Exercise {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  /** What the learner is asked to build, with the namespace names to use. */
  task(name: string): string;
  /** What `exercise start` prepares (the part the learner is not asked to build). */
  start?(name: string, env: LabEnv): Step[];
  check(ctx: CheckContext): Promise<Finding[]>;
}
