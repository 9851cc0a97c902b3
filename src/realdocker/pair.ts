import { engineId } from '../model/ipam6.js';
import type { ProfileChoice } from '../sandbox/session.js';
import { dockerReset, sandboxRunning } from '../sandbox/session.js';
import { resolveProfile } from '../docker/profile.js';
import type { Runner } from '../exec/runner.js';
import { preflight } from '../kernel/preflight.js';
import { ensureImage, imageOfRun, realDocker, startRealEngine, stopRealEngine } from './client.js';
import { realEngineFor } from './engines.js';
import { holdEngines } from './story.js';
import { renderDifference } from './views.js';
import type { Io } from '../program/context.js';

// `nslab docker --real COMMAND`: the same docker command on nslab's engine and on a real
// dockerd side by side (a pair of engines of their own, pair<N> and real<N>, kept like the
// sandbox), both outputs printed, then every difference between the two docker hosts.

export type DockerRun = (argv: readonly string[], io: Io) => Promise<number>;

export async function dockerPair(argv: readonly string[], io: Io, runner: Runner, runnerFor: (dryRun: boolean, verbose: boolean) => Runner, choice: ProfileChoice, run: DockerRun): Promise<number> {
  const profile = resolveProfile({ docker: choice.docker ?? '28' }).docker;
  const engine = realEngineFor(profile);
  const names = { nslab: `pair${profile}`, real: `real${profile}` };
  preflight();
  const before = process.env.NSLAB_DOCKER_NAME;
  process.env.NSLAB_DOCKER_NAME = names.nslab;
  try {
    if (argv[0] === 'reset') {
      await dockerReset(runner);
      await stopRealEngine(runner, names.real);
      io.out(`the pair of engines (nslab's ${names.nslab}, docker ${engine.version}'s ${names.real}) and everything on them are removed\n`);
      return 0;
    }
    await startRealEngine(runner, engine, names.real, (line) => io.err(`${line}\n`), undefined, { engineId: engineId(names.nslab) });
    let out = '';
    let err = '';
    const code = await run(['--docker', profile, '--quiet', ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
    const image = imageOfRun(argv);
    if (image) await ensureImage(runner, names.real, image);
    const real = await realDocker(runner, names.real, argv);
    io.out(`== nslab (--docker ${profile}): exit ${code}\n${out}${err}`);
    io.out(`== docker ${engine.version}: exit ${real.exitCode}\n${real.stdout}${real.stderr}`);
    if (!sandboxRunning()) return code === real.exitCode ? 0 : 1;
    const held = await holdEngines(runner, runnerFor, { profile, nslab: names.nslab, real: names.real });
    io.out(held.differences.length === 0 ? `== nothing differs: ${held.compared.length} aspects compared\n` : `== ${held.differences.length} of ${held.compared.length} aspects differ:\n\n${held.differences.map((d) => `${renderDifference(d)}\n`).join('\n')}`);
    return held.differences.length === 0 && code === real.exitCode ? 0 : 1;
  } finally {
    if (before === undefined) delete process.env.NSLAB_DOCKER_NAME;
    else process.env.NSLAB_DOCKER_NAME = before;
  }
}
