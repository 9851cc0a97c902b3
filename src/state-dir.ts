import { join } from 'node:path';

/**
 * Where running labs are recorded. /run is cleared at boot, exactly like the namespaces
 * and rules it describes. NSLAB_STATE_DIR overrides it. A leaf, so that the log and the
 * pictures' layout cache can find it without reaching up into the lifecycle.
 */
export function stateDir(): string {
  return process.env.NSLAB_STATE_DIR ?? '/run/nslab';
}

/** A lab instance's own directory: its journal, manifest, DNS records and pidfiles. */
export function instanceDir(name: string): string {
  return join(stateDir(), 'labs', name);
}
