import { buildSandbox, SANDBOX_ID, sandboxCommands, type SandboxModel } from './sandbox.js';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { LabEnv, LabOptions } from '../plan/lab.js';
import { labAdvance, labDown, labUp } from '../lifecycle/lifecycle.js';
import { detectEnv } from '../plan/build.js';
import { instanceDir, instanceExists, readManifest, rewriteRecord, staleClaim } from '../lifecycle/state.js';
import { parseSubnet } from '../model/ipam.js';
import { validateLabName } from '../model/names.js';
import type { Step } from '../plan/plan.js';
import type { DockerCommand } from '../docker/commands.js';
import { withLabLock } from '../lifecycle/lock.js';
import { profileLabel, resolveProfile } from '../docker/profile.js';

/**
 * The sandbox engine's instance: namespaces nslab-docker-host, -wan, and one per container.
 * NSLAB_DOCKER_NAME names another (a second engine beside the first; the tests use their own).
 */
export function sandboxName(): string {
  return validateLabName(process.env.NSLAB_DOCKER_NAME ?? 'docker');
}

export interface ProfileChoice {
  readonly docker?: string | undefined;
  readonly firewall?: string | undefined;
  /** --remote CIDR: a network beyond the internet router, made with the engine. */
  readonly remote?: string | undefined;
}

export function sandboxRunning(): boolean {
  return instanceExists(sandboxName()) && staleClaim(sandboxName()) === undefined;
}

/** The sandbox as it stands (no engine yet: a model with no commands). */
export function currentSandbox(): SandboxModel {
  const options = sandboxRunning() ? readManifest(sandboxName()).options : {};
  return buildSandbox({ name: sandboxName(), stateDir: instanceDir(sandboxName()), env: sandboxRunning() ? readManifest(sandboxName()).env : detectEnv(), options });
}

function profileOptions(choice: ProfileChoice): LabOptions {
  const remote: LabOptions = choice.remote === undefined ? {} : { remote: parseSubnet(choice.remote).cidr };
  if (choice.docker === undefined && choice.firewall === undefined) return remote;
  const p = resolveProfile(choice);
  return { docker: p.docker, ...(choice.firewall === undefined ? {} : { firewall: p.firewall }), ...remote };
}

/** The commands a change makes, from the engine as it stands when the change runs (under its lock). */
export type CommandsFor = (current: SandboxModel) => readonly DockerCommand[];

export interface DockerChange {
  /** One step per command (after the engine's own steps when this change creates it). */
  readonly steps: readonly Step[];
  readonly model: SandboxModel;
  readonly commands: readonly DockerCommand[];
}

interface Planned extends DockerChange {
  readonly options: LabOptions;
  readonly env: LabEnv;
  /** Steps standing before the change; undefined: the change creates the engine. */
  readonly before: number | undefined;
  readonly manifestOptions?: LabOptions | undefined;
}

const sandboxCtx = (env: LabEnv, options: LabOptions) => ({ name: sandboxName(), stateDir: instanceDir(sandboxName()), env, options });

/**
 * What a change would do: the engine as it stands (or as it would be created, with the
 * profile asked for), the commands made against it, and the model after them. Docker's own
 * refusals (a name in use, a pool overlap) are thrown here, before anything is applied.
 */
function planChange(commandsFor: CommandsFor, choice: ProfileChoice): Planned {
  const asked = profileOptions(choice);
  if (!sandboxRunning()) {
    const env = detectEnv();
    const commands = commandsFor(buildSandbox(sandboxCtx(env, asked)));
    const options: LabOptions = { ...asked, commands: JSON.stringify(commands) };
    const model = buildSandbox(sandboxCtx(env, options));
    return { steps: model.steps.slice(model.steps.length - commands.length), model, commands, options, env, before: undefined };
  }
  const manifest = readManifest(sandboxName());
  if (manifest.id !== SANDBOX_ID) throw new NslabError(`the name ${sandboxName()} is taken by lab ${manifest.id}`, { hint: `\`nslab down ${sandboxName()}\` first` });
  if (choice.docker !== undefined || choice.firewall !== undefined) {
    const have = resolveProfile({ docker: manifest.options.docker as string | undefined, firewall: manifest.options.firewall as string | undefined });
    const want = resolveProfile({ docker: choice.docker ?? have.docker, firewall: choice.firewall ?? have.firewall });
    if (want.docker !== have.docker || want.firewall !== have.firewall) {
      throw new NslabError(`the sandbox engine runs ${profileLabel(have)}, not ${profileLabel(want)}`, { hint: '`nslab docker reset` removes it; the next command creates it anew with the version asked for' });
    }
  }
  if (choice.remote !== undefined && parseSubnet(choice.remote).cidr !== manifest.options.remote) {
    const have = typeof manifest.options.remote === 'string' ? `remote network ${manifest.options.remote}` : 'no remote network';
    throw new NslabError(`the sandbox engine was created with ${have}`, { hint: '`nslab docker reset` removes it; the next command with --remote creates it anew' });
  }
  const current = buildSandbox(sandboxCtx(manifest.env, manifest.options));
  const commands = commandsFor(current);
  const options: LabOptions = { ...manifest.options, commands: JSON.stringify([...sandboxCommands(manifest.options), ...commands]) };
  const model = buildSandbox(sandboxCtx(manifest.env, options));
  return { steps: model.steps.slice(current.steps.length), model, commands, options, env: manifest.env, before: current.steps.length, manifestOptions: manifest.options };
}

/** A change as --dry-run shows it: nothing is applied, nothing is locked. */
export function dockerPlan(commandsFor: CommandsFor, choice: ProfileChoice): DockerChange & { readonly creates: boolean } {
  const p = planChange(commandsFor, choice);
  return { steps: p.before === undefined ? p.model.steps : p.steps, model: p.model, commands: p.commands, creates: p.before === undefined };
}

/**
 * Docker commands on the sandbox, as one change: all of them are applied, or none. The first
 * change creates the engine (with the profile asked for); later ones build on it. The engine
 * is read, the commands made, applied and recorded under its lock, so two changes at once
 * run one after the other, as dockerd serialises its API calls; one that fails half-way is
 * undone and leaves the engine as it was.
 */
export async function dockerDoAll(commandsFor: CommandsFor, runner: Runner, choice: ProfileChoice, signal?: AbortSignal): Promise<DockerChange> {
  return withLabLock(sandboxName(), runner, 'a docker command', async () => {
    const p = planChange(commandsFor, choice);
    if (p.before === undefined) {
      await labUp(p.model, p.env, p.options, runner, { signal });
      return p;
    }
    rewriteRecord(sandboxName(), p.options, p.before);
    try {
      await labAdvance(sandboxName(), p.model.steps.length, runner, { signal });
    } catch (err) {
      rewriteRecord(sandboxName(), p.manifestOptions!, undefined);
      throw err;
    }
    return p;
  });
}

/** One docker command (see dockerDoAll). */
export async function dockerDo(commandFor: (current: SandboxModel) => DockerCommand, runner: Runner, choice: ProfileChoice, signal?: AbortSignal): Promise<{ step: Step; model: SandboxModel; command: DockerCommand }> {
  const { steps, model, commands } = await dockerDoAll((current) => [commandFor(current)], runner, choice, signal);
  return { step: steps.at(-1)!, model, command: commands[0]! };
}

/** `nslab docker reset`: everything the sandbox ever applied, undone from its journal. */
export async function dockerReset(runner: Runner): Promise<boolean> {
  return withLabLock(sandboxName(), runner, 'docker reset', async () => {
    if (!instanceExists(sandboxName())) return false;
    await labDown(sandboxName(), runner);
    return true;
  });
}
