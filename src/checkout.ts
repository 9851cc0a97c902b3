import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout nslab runs from, whether from source or from a bundle (dist/builds/<build>/):
 * the files it hands to other processes (the agent) or serves (the web page) live there, and
 * must still be found when that bundle has been replaced.
 */
export function checkoutRoot(): string {
  // bin/nslab names the checkout (a bundle started from a snapshot has no file of its own).
  if (process.env.NSLAB_ROOT) return process.env.NSLAB_ROOT;
  const here = fileURLToPath(import.meta.url);
  const bundled = here.lastIndexOf('/dist/builds/');
  return bundled >= 0 ? here.slice(0, bundled) : join(dirname(here), '..');
}
