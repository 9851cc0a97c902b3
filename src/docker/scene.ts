import type { Op } from '../ops/op.js';
import type { Endpoint, Sandbox } from './cnm.js';
import { sharedMode } from './cnm.js';
import { dockerLine, type DockerCommand } from './commands.js';
import type { Engine } from './engine.js';
import { allocatePorts, bindingOrder } from './port-spec.js';

// A lab is a scene of docker commands: each is given as data, done by the Engine, and shown to
// the learner as the line it is (dockerLine), so a step's `docker:` line is never typed apart
// from what the step does. The lab's containers run what it starts in them itself: no stand-in
// services here, unlike `nslab docker` (commands.ts applyCommand).

type Command<K extends DockerCommand['kind']> = Omit<Extract<DockerCommand, { kind: K }>, 'kind'>;

/** `docker network create ...` */
export function networkCreate(engine: Engine, c: Command<'network-create'>): ReturnType<Engine['networkCreate']> & { line: string } {
  return { ...engine.networkCreate(c.name, c), line: dockerLine({ kind: 'network-create', ...c }) };
}

/** `docker run -d --network NET ...` on a network: its endpoint. */
export function run(engine: Engine, c: Command<'run'>): { endpoint: Endpoint; ops: Op[]; line: string } {
  const publish = allocatePorts(bindingOrder(engine.spec.profile.docker, c.publish ?? []), []);
  return { ...engine.run(c.name, { ...c, publish }), line: dockerLine({ kind: 'run', ...c }) };
}

/** `docker run -d --network host|none|container:X ...`: a sandbox with no endpoint of its own. */
export function runShared(engine: Engine, c: Command<'run'>): { sandbox: Sandbox; ops: Op[]; line: string } {
  const mode = sharedMode(c.network);
  if (!mode) throw new Error(`${c.network ?? 'bridge'} is a network, not a mode: use run`);
  return { ...engine.runShared(c.name, mode, { ...c, publish: [] }), line: dockerLine({ kind: 'run', ...c }) };
}

/** `docker network connect NET CTR` */
export function connect(engine: Engine, c: Command<'network-connect'>): { endpoint: Endpoint; ops: Op[]; line: string } {
  return { ...engine.connect(c.network, c.container, c), line: dockerLine({ kind: 'network-connect', ...c }) };
}

/** `docker network disconnect NET CTR` */
export function disconnect(engine: Engine, c: Command<'network-disconnect'>): { ops: Op[]; line: string } {
  return { ops: engine.disconnect(c.network, c.container), line: dockerLine({ kind: 'network-disconnect', ...c }) };
}


/** `docker rm -f CTR` */
export function rm(engine: Engine, c: Command<'rm'>): { ops: Op[]; line: string } {
  return { ops: engine.rm(c.name), line: dockerLine({ kind: 'rm', ...c }) };
}

/** `docker network rm NET` */
export function networkRm(engine: Engine, c: Command<'network-rm'>): { ops: Op[]; line: string } {
  return { ops: engine.networkRm(c.name), line: dockerLine({ kind: 'network-rm', ...c }) };
}
