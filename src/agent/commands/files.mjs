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

/**
 * `files`: many write-file and remove-file commands in one process, one per line on stdin as
 * JSON ([verb, path, lines...]), in order, stopping at the first that fails.
 */
export async function files() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const lines = input.split('\n').filter(Boolean);
  for (const [i, line] of lines.entries()) {
    try {
      const [verb, path, ...rest] = JSON.parse(line);
      if (verb === 'write-file') writeFile(path, ...rest);
      else if (verb === 'remove-file') removeFile(path);
      else throw new Error(`unknown file command ${verb}`);
    } catch (err) {
      console.error(`files: line ${i + 1} failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  }
}
