import type { Io } from '../../program/context.js';
import { runnerFor } from '../../program/context.js';
import { dockerProgram, type DockerGlobals } from '../../dockercli/program.js';
import { dockerPair } from '../../realdocker/pair.js';

// `nslab docker ...`: not a yargs command. Docker's grammar is not yargs' (flags end at the
// image, `-itd` is three flags, `--name=web` carries its value), so everything after
// `docker` goes to the docker CLI's own parser and words (src/dockercli/).
export function dockerCommand(argv: readonly string[], io: Io, globals: DockerGlobals): Promise<number> {
  return dockerProgram(argv, io, runnerFor(io), { ...globals, real: dockerPair });
}
