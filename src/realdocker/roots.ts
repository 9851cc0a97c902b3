import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NslabError } from '../errors.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { RealEngine } from './engines.js';

// The Debian root each real dockerd runs from, built once with mmdebstrap (docker.io,
// docker-cli, iptables, iproute2, busybox-static: 40 s for trixie, 100 s for sid with the
// archive reachable) and kept in a cache of the machine's, so later uses work offline. Each
// dockerd then runs on an overlay of it and leaves the cache as it was. Nothing half-made
// stays: a root is built aside and renamed into place.

export function cacheDir(): string {
  return process.env.NSLAB_CACHE_DIR ?? '/var/cache/nslab/real-docker';
}

/** The unpacked root (the overlay's lower directory) of an engine. */
export const rootDir = (e: RealEngine): string => join(cacheDir(), `${e.suite}-${e.version}`);


const PACKAGES = 'docker.io,docker-cli,iptables,iproute2,busybox-static';

/**
 * An entrypoint that stands in for an image's service: with the image's own command it keeps
 * the container running; with another, it runs that one (as the images' entrypoints do).
 */
const SERVICE = '#!/bin/sh\n# nslab: a stand-in for this image\'s service; it keeps the container running.\ncase "$1" in\n  ""|-*|nginx|*-server|*-foreground|postgres|mysqld|mariadbd|mongod|memcached|traefik|caddy|eswrapper|/etc/*) exec sleep infinity ;;\n  *) exec "$@" ;;\nesac\n';

/** The files the stand-in images have besides busybox: their entrypoints and commands. */
const STAND_IN_FILES: Readonly<Record<string, string>> = {
  'docker-entrypoint.sh': SERVICE,
  'entrypoint.sh': SERVICE,
  'usr/local/bin/docker-entrypoint.sh': SERVICE,
  'usr/local/bin/httpd-foreground': SERVICE,
  'bin/tini': '#!/bin/sh\n[ "$1" = -- ] && shift\nexec "$@"\n',
  coredns: SERVICE,
  'bin/bash': '#!/bin/sh\nexec sh "$@"\n',
};

/** Where the stand-in images' tarball sits inside a root (`docker import` reads it there): named by its content, so a new one never replaces one in use. */
export const standInTar = (): string => `/opt/nslab/stand-in-${createHash('sha256').update(JSON.stringify(STAND_IN_FILES)).digest('hex').slice(0, 12)}.tar`;

/** Does the engine's root exist, unpacked? */
export function haveRoot(e: RealEngine): boolean {
  return existsSync(join(rootDir(e), 'usr', 'sbin', 'dockerd'));
}

/**
 * The engine's root, built first if the cache has none, with the stand-in images' tarball.
 * `say` gets one line before a build (what, where, about how long) and one after (its size).
 */
export async function ensureRoot(e: RealEngine, runner: Runner, say: (line: string) => void): Promise<string> {
  if (!haveRoot(e)) await unpackRoot(e, runner, say);
  if (!existsSync(join(rootDir(e), standInTar()))) await packStandIns(rootDir(e), runner);
  return rootDir(e);
}

async function unpackRoot(e: RealEngine, runner: Runner, say: (line: string) => void): Promise<void> {
  mkdirSync(cacheDir(), { recursive: true });
  const tar = join(cacheDir(), `${e.suite}-${e.version}.tar`);
  const aside = `${rootDir(e)}.building-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  try {
    if (!existsSync(tar)) {
      say(`building the root of a real dockerd ${e.version} (Debian ${e.suite}: ${PACKAGES.replaceAll(',', ', ')}) once, into ${cacheDir()}: about ${e.suite === 'sid' ? 100 : 40} s with the Debian archive reachable`);
      const opts = e.aptopts.flatMap((o) => [`--aptopt=${o}`]);
      // --format: the target's name ends in .part, from which mmdebstrap would guess a directory.
      const r = await runner.run(cmd('mmdebstrap', ['--variant=minbase', '--format=tar', ...opts, `--include=${PACKAGES}`, e.suite, `${tar}.part`]), { allowFail: true, timeoutMs: 20 * 60_000 });
      if (r.exitCode !== 0) {
        rmSync(`${tar}.part`, { force: true });
        const offline = /Could not resolve|Temporary failure resolving|Failed to fetch|Network is unreachable|Connection timed out|Unable to connect/i.test(r.stderr);
        throw new NslabError(offline ? `no route to the Debian archive: the root of a real dockerd ${e.version} cannot be built here` : `mmdebstrap could not build the root of docker.io ${e.version}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`, {
          hint: offline ? `it is built once, on a machine that reaches deb.debian.org, and kept in ${cacheDir()} (NSLAB_CACHE_DIR): copy that directory here, or run this where the archive is reachable` : 'mmdebstrap is installed by scripts/provision.sh',
        });
      }
      renameSync(`${tar}.part`, tar);
      say(`the root of docker.io ${e.version} is built: ${tar} (${(statSync(tar).size / 1e6).toFixed(0)} MB)`);
    }
    mkdirSync(aside, { recursive: true });
    await runner.run(cmd('tar', ['-C', aside, '-xf', tar]));
    renameSync(aside, rootDir(e));
  } catch (err) {
    rmSync(aside, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The images stories run: busybox-static, installed into an empty root of its own, with the
 * entrypoints of the images nslab knows standing in for their services.
 */
async function packStandIns(root: string, runner: Runner): Promise<void> {
  const bb = join(root, 'opt', 'nslab', `bb-${process.pid}`);
  try {
    mkdirSync(join(bb, 'bin'), { recursive: true });
    await runner.run(cmd('cp', [join(root, 'bin', 'busybox'), join(bb, 'bin', 'busybox')]));
    await runner.run(cmd('chroot', [bb, '/bin/busybox', '--install', '-s', '/bin']));
    for (const [path, text] of Object.entries(STAND_IN_FILES)) {
      mkdirSync(join(bb, dirname(path)), { recursive: true });
      writeFileSync(join(bb, path), text, { mode: 0o755 });
    }
    const tar = join(root, standInTar());
    await runner.run(cmd('tar', ['-C', bb, '-cf', `${tar}.part`, '.']));
    renameSync(`${tar}.part`, tar);
  } finally {
    rmSync(bb, { recursive: true, force: true });
  }
}
