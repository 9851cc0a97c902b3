// @ts-check
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `lines` to `path` (creating its directory): a resolv.conf for a namespace, a DNS
 * record. Files are written by the agent so that a lab's ops stay argv, never a shell string.
 * @param {string} path
 * @param {string[]} lines
 */
export function writeFile(path, ...lines) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
}

/** Removes `path`, then its directory if that is now empty; missing counts as removed. */
export function removeFile(/** @type {string} */ path) {
  rmSync(path, { force: true });
  try {
    rmdirSync(dirname(path));
  } catch {
    // not empty, or already gone
  }
}
