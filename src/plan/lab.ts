import type { Step } from './plan.js';
import type { Expectation } from './expectation.js';

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
  /**
   * Where this instance keeps its files (pidfiles, DNS zones, resolv.conf): handed in by
   * whoever builds the lab, so a lab's model does not depend on nslab's state path.
   */
  readonly stateDir: string;
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
  /** The one packet guided mode traces at the end (`nslab trace`), and what to look for in it. */
  readonly trace?: LabTrace | undefined;
  /** The docker host's engine, for a lab that rebuilds one: `compare --real` reads its names and IDs. */
  readonly dockerHost?: DockerHostModel | undefined;
}

/** What the engine of a lab's docker host knows that the kernel does not: names and IDs. */
export interface DockerHostModel {
  readonly networks: ReadonlyMap<string, { readonly name: string; readonly id: string; readonly bridge: string; readonly driver: string }>;
  readonly sandboxes: ReadonlyMap<string, { readonly container: string; readonly ns: string; readonly mode: string; readonly endpoints: readonly { readonly names?: readonly string[] | undefined }[] }>;
  containerId(name: string): string;
  /** Pools the lab says other networks on the host hold (a real dockerd is started without them). */
  readonly spec: { readonly takenPools?: readonly { readonly cidr: string }[] | undefined };
}

export interface LabTrace {
  readonly from: string;
  /** A node or an address. */
  readonly to: string;
  /** A TCP connection (or with udp, a datagram) to this port instead of a ping. */
  readonly port?: number | undefined;
  readonly udp?: boolean | undefined;
  /** With udp: a real DNS query for this name. */
  readonly dns?: string | undefined;
  readonly look: string;
}

/**
 * What a lab's build returns: the model, less what its definition already says (id, title).
 * A title here replaces the definition's for this instance (scale names its size).
 */
export type LabScene = Omit<LabModel, 'id' | 'name' | 'title'> & { readonly title?: string };

/**
 * The instance name a lab gets when none is given: its id, less the dashes the problem labs'
 * ids have (firewall-bypass: firewallbypass). A dash separates the instance from the node in a
 * namespace name, and an instance "firewall" would otherwise own nslab-firewall-bypass-host.
 */
export const defaultInstanceName = (id: string): string => id.replaceAll('-', '');

/** A lab, stating its id and title once: the model it builds carries them. */
export function defineLab(def: Omit<LabDefinition, 'build'> & { build(ctx: LabContext): LabScene }): LabDefinition {
  return { ...def, build: (ctx) => ({ id: def.id, name: ctx.name, title: def.title, ...def.build(ctx) }) };
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
  /**
   * What the lab shows differently under each Docker version, in a learner's words:
   * `nslab versions <lab>` prints it above the rules each version writes.
   */
  readonly versions?: readonly VersionNote[] | undefined;
  /** The lab options under which its break shows, where the default Docker already prevents it (localhost-publish: --docker 27). */
  readonly breaksUnder?: readonly string[] | undefined;
  build(ctx: LabContext): LabModel;
}

export interface VersionNote {
  /** Which versions: "27", "28, 29", "29 nftables". */
  readonly in: string;
  readonly what: string;
}
