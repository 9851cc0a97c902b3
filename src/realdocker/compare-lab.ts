import type { Runner } from '../exec/runner.js';
import { labDown, labUp } from '../lifecycle/lifecycle.js';
import { instanceExists } from '../lifecycle/state.js';
import type { DockerVersion } from '../docker/profile.js';
import type { LabDefinition, LabEnv, LabModel } from '../plan/lab.js';
import { buildLab } from '../plan/build.js';
import { planOps } from '../plan/plan.js';
import { WAN } from '../model/defaults.js';
import { DEFAULT_POOLS } from '../docker/address-pools.js';
import { engineId } from '../model/ipam6.js';
import { startRealEngine, stopRealEngine } from './client.js';
import { realEngineFor } from './engines.js';
import { dockerHostOf, labDockerLines, labSide, replay, type Replayed } from './lab-replay.js';
import { holdSides, realSide } from './story.js';
import type { Difference } from './views.js';
import { adminObjects, withoutAdmin } from './admin-objects.js';

// `nslab compare <lab> --real`: the lab built by hand, and its docker commands typed into a
// real dockerd, side by side; then everything the judge looks at, held line by line.

export interface LabComparison {
  readonly model: LabModel;
  readonly through: number;
  /** The docker lines the real dockerd was given, with what it answered. */
  readonly replayed: readonly Replayed[];
  readonly differences: readonly Difference[];
  readonly compared: readonly string[];
  readonly engine: string;
}

export interface CompareOptions {
  readonly profile: DockerVersion;
  /** Build and replay through this step (default: all). */
  readonly through?: number | undefined;
  /** Instance names of the lab and of the real engine. */
  readonly nslab: string;
  readonly real: string;
  readonly env: LabEnv;
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

export async function compareLab(runner: Runner, def: LabDefinition, o: CompareOptions): Promise<LabComparison> {
  const engine = realEngineFor(o.profile);
  const options = { docker: o.profile };
  const model = buildLab(def, o.nslab, options, o.env);
  const docker = dockerHostOf(model);
  const through = o.through ?? model.steps.length;
  const lines = labDockerLines(model.steps.slice(0, through));
  await labUp(model, o.env, options, runner, { through, signal: o.signal });
  // The real dockerd's host is the lab's: with an uplink and the internet's DNS where it has them.
  const ops = planOps(model.steps.slice(0, through));
  const uplink = model.nodes.wan !== undefined;
  const wan = model.nodes.wan?.ns;
  const internetDns = wan !== undefined && ops.some((op) => op.cmd.netns === wan && op.cmd.args.includes('dns-server') && op.cmd.args.includes(WAN.dns));
  // Pools the lab's other (unbuilt) networks hold are not the real dockerd's to give out.
  const taken = docker.spec.takenPools ?? [];
  const pools = taken.length ? DEFAULT_POOLS.filter((p) => !taken.some((t) => t.cidr === p)) : undefined;
  // nslab's engine ID, so both hand out the same ULA /64s to --ipv6 networks.
  await startRealEngine(runner, engine, o.real, o.say, o.signal, { uplink, internetDns, ...(pools ? { pools } : {}), engineId: engineId(o.nslab) });
  const replayed = await replay(runner, o.real, lines);
  const aliases = [...docker.sandboxes.values()].flatMap((s) => s.endpoints.flatMap((e) => e.names ?? [])).filter((n) => !/^[0-9a-f]{12}$/.test(n));
  const held = await holdSides(runner, { nslab: labSide(o.nslab, docker), real: await realSide(runner, o.real) }, { profile: o.profile, askDns: aliases });
  // A line the real dockerd refused is a difference of its own: the lab did what Docker would not.
  const refused = replayed.filter((r) => r.code !== 0).map((r) => ({ aspect: `real docker refused: ${r.line}`, nslab: ['(the lab built it)'], real: [`exit ${r.code}: ${r.stderr}`] }));
  const admin = adminObjects(ops, model.nodes.host?.ns);
  const differences = held.differences.flatMap((d) => withoutAdmin(d, admin) ?? []);
  return { model, through, replayed, differences: [...refused, ...differences], compared: held.compared, engine: engine.version };
}

/** Takes both down again: the lab, and the real dockerd with all it made. */
export async function endComparison(runner: Runner, o: Pick<CompareOptions, 'nslab' | 'real'>): Promise<void> {
  if (instanceExists(o.nslab)) await labDown(o.nslab, runner);
  await stopRealEngine(runner, o.real);
}
