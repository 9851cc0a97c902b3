import { NslabError } from '../errors.js';
import type { Network, Sandbox } from '../docker/cnm.js';
import type { SandboxModel } from '../sandbox/sandbox.js';
import type { ContainerRecord } from '../docker/commands.js';

// How dockerd finds what a command names: a container by its name, its full ID or an
// unambiguous prefix of it (`docker exec ec2c85c542b0 ...`); a network likewise.

function byRef<T extends { readonly id: string }>(items: readonly T[], ref: string, nameOf: (t: T) => string): T | 'ambiguous' | undefined {
  const exact = items.find((t) => nameOf(t) === ref || t.id === ref);
  if (exact) return exact;
  if (!/^[0-9a-f]+$/.test(ref)) return undefined;
  const prefixed = items.filter((t) => t.id.startsWith(ref));
  return prefixed.length > 1 ? 'ambiguous' : prefixed[0];
}

type Stopped = ContainerRecord & { readonly id: string };

/**
 * One container among all of them, running or not: a name or full ID first, only then an ID
 * prefix (a stopped a2 is found as a2 even when a running container's ID begins with a2).
 */
function lookupContainer(model: SandboxModel | undefined, ref: string): { readonly sandbox?: Sandbox; readonly stopped?: Stopped } | undefined {
  const running = [...(model?.engine.sandboxes.values() ?? [])].map((s) => ({ id: s.id, name: s.container, sandbox: s }));
  const stopped = [...(model?.containers.values() ?? [])].filter((r) => r.state !== 'running').map((r) => ({ id: model!.engine.containerId(r.name), name: r.name, stopped: { ...r, id: model!.engine.containerId(r.name) } }));
  const found = byRef<{ id: string; name: string; sandbox?: Sandbox; stopped?: Stopped }>([...running, ...stopped], ref, (t) => t.name);
  if (found === 'ambiguous') throw new NslabError(`Multiple IDs found with provided prefix: ${ref}`, { hint: 'give more of the ID, or the name' });
  return found;
}

export function findContainer(model: SandboxModel | undefined, ref: string): Sandbox | undefined {
  return lookupContainer(model, ref)?.sandbox;
}

/** A container that is not running (exited, or created and never started): it has a record and no sandbox. */
export function findStopped(model: SandboxModel | undefined, ref: string): Stopped | undefined {
  return lookupContainer(model, ref)?.stopped;
}

/** Any container, running or not, for what works on both (rm, network connect and disconnect). */
export function anyContainer(model: SandboxModel | undefined, ref: string): { readonly name: string; readonly id: string; readonly sandbox?: Sandbox | undefined } {
  const s = findContainer(model, ref);
  if (s) return { name: s.container, id: s.id, sandbox: s };
  const stopped = findStopped(model, ref);
  if (stopped) return { name: stopped.name, id: stopped.id };
  throw new NslabError(`No such container: ${ref}`, { hint: '`nslab docker ps -a` lists the containers' });
}

/** A running container, for what needs its namespace (exec, attach, port). */
export function container(model: SandboxModel | undefined, ref: string): Sandbox {
  const s = findContainer(model, ref);
  if (s) return s;
  const stopped = findStopped(model, ref);
  if (stopped) throw new NslabError(`container ${stopped.id} is not running`, { hint: stopped.state === 'exited' ? `its command (${stopped.command.join(' ')}) ended at once: a shell keeps running with -it, or give it one that does (sleep infinity)` : `it could not start: ${stopped.error ?? 'see docker inspect'}` });
  throw new NslabError(`No such container: ${ref}`, { hint: '`nslab docker ps -a` lists the containers' });
}

export function findNetwork(model: SandboxModel | undefined, ref: string): Network | undefined {
  const found = byRef([...(model?.engine.networks.values() ?? [])], ref, (n) => n.name);
  if (found === 'ambiguous') throw new NslabError(`network ${ref} is ambiguous (2 matches found based on ID prefix)`, { hint: 'give more of the ID, or the name' });
  return found;
}

export function network(model: SandboxModel | undefined, ref: string): Network {
  const n = findNetwork(model, ref);
  if (!n) throw new NslabError(`network ${ref} not found`, { hint: '`nslab docker network ls` lists them' });
  return n;
}
