import type { Step } from '../plan/plan.js';
import type { Expectation } from '../verify/expectation.js';

/** Facts about the machine a lab adapts to (and records, so it rebuilds identically). */
export interface LabEnv {
  /** bridge-utils is installed: bridges are made with brctl, as the articles do. */
  readonly brctl: boolean;
}

export type LabOptions = Readonly<Record<string, string | number | boolean>>;

export interface LabContext {
  /** Instance name: namespaces are nslab-<name>-<node>. Defaults to the lab id. */
  readonly name: string;
  readonly env: LabEnv;
  readonly options: LabOptions;
}

export interface LabNode {
  /** Namespace; undefined for a node that is the namespace nslab runs in. */
  readonly ns: string | undefined;
  readonly role: 'host' | 'container' | 'wan';
}

/** A lab resolved into concrete namespaces, steps of ops, and expectations. */
export interface LabModel {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly nodes: Readonly<Record<string, LabNode>>;
  readonly steps: readonly Step[];
  readonly expectations: readonly Expectation[];
}

export interface LabDefinition {
  readonly id: string;
  readonly title: string;
  /** One line for `nslab ls`. */
  readonly summary: string;
  /**
   * The lab options it accepts (`--subnet`, `--containers`, ...), each with a line of help.
   * An option a lab does not list is refused rather than silently ignored.
   */
  readonly options?: Readonly<Record<string, string>> | undefined;
  /** Most `--containers` it takes, when not the usual MAX_CONTAINERS (the scale lab: 250). */
  readonly maxContainers?: number | undefined;
  /** Place in the curriculum: `nslab lab 3` finds the lab numbered 3. */
  readonly number?: number | undefined;
  /** Which article (shared/seeds) and which of its pictures the lab rebuilds, for guided mode. */
  readonly article?: string | undefined;
  build(ctx: LabContext): LabModel;
}
