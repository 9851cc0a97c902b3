import { buildSandbox, SANDBOX_ID, sandboxCommands, type SandboxModel } from './sandbox.js';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { LabOptions } from '../plan/lab.js';
import { detectEnv, labAdvance, labDown, labUp } from '../lifecycle/lifecycle.js';
import { instanceDir, instanceExists, readManifest, rewriteRecord, staleClaim } from '../lifecycle/state.js';
import { parseSubnet } from '../model/ipam.js';
import { validateLabName } from '../model/names.js';
import type { Step } from '../plan/plan.js';
import type { DockerCommand } from './commands.js';
import { profileLabel, resolveProfile } from './profile.js';

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

/**
 * Does one docker command on the sandbox: creates the engine on first use (with the profile
 * asked for), else builds on the running one. The command is checked by building the whole
 * model first (Docker's own errors: a name in use, a pool overlap...), so a bad one changes
 * nothing; one that fails half-way is undone and leaves the engine as it was.
 */
export async function dockerDo(c: DockerCommand, runner: Runner, choice: ProfileChoice, signal?: AbortSignal): Promise<{ step: Step; model: SandboxModel }> {
  const { steps, model } = await dockerDoAll([c], runner, choice, signal);
  return { step: steps.at(-1)!, model };
}

/** Several commands as one change (compose up): all of them are applied, or none. */
export async function dockerDoAll(commands: readonly DockerCommand[], runner: Runner, choice: ProfileChoice, signal?: AbortSignal): Promise<{ steps: Step[]; model: SandboxModel }> {
  const asked = profileOptions(choice);
  if (!sandboxRunning()) {
    const options: LabOptions = { ...asked, commands: JSON.stringify(commands) };
    const env = detectEnv();
    const model = buildSandbox({ name: sandboxName(), stateDir: instanceDir(sandboxName()), env, options });
    await labUp(model, env, options, runner, { signal });
    return { steps: model.steps.slice(model.steps.length - commands.length), model };
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
  const before = sandboxCommands(manifest.options);
  const options: LabOptions = { ...manifest.options, commands: JSON.stringify([...before, ...commands]) };
  const previous = buildSandbox({ name: sandboxName(), stateDir: instanceDir(sandboxName()), env: manifest.env, options: manifest.options });
  const model = buildSandbox({ name: sandboxName(), stateDir: instanceDir(sandboxName()), env: manifest.env, options });
  rewriteRecord(sandboxName(), options, previous.steps.length);
  try {
    await labAdvance(sandboxName(), model.steps.length, runner, { signal });
  } catch (err) {
    rewriteRecord(sandboxName(), manifest.options, undefined);
    throw err;
  }
  return { steps: model.steps.slice(previous.steps.length), model };
}

/** `nslab docker reset`: everything the sandbox ever applied, undone from its journal. */
export async function dockerReset(runner: Runner): Promise<boolean> {
  if (!instanceExists(sandboxName())) return false;
  await labDown(sandboxName(), runner);
  return true;
}
