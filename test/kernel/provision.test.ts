import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKernel, rootSnapshot } from './support.js';

// scripts/provision.sh is what the Vagrant VM runs as root. Here it runs for real on this
// machine, against a copy of the checkout (npm ci must not wipe the node_modules this test
// runner is loaded from) and with its symlink in a scratch directory instead of /usr/local/bin.
// Node 20.19+ is installed here, so the Node step must find it and skip; installing the
// distribution's Node is exercised by scripts/fresh-machine-test.sh on a bare Debian 13 root.

const repo = resolve(import.meta.dirname, '../..');
const script = join(repo, 'scripts/provision.sh');
const STEPS = ['Debian packages nslab and its tests use', 'Node.js 20.19 or later', 'npm dependencies', 'the bundle nslab starts from', 'nslab on PATH'];

function run(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(file, args, { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, LANG: 'C', ...opts.env } });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** What each `==> step` of the script's output said, by step title. */
function stepsOf(out: string): Map<string, string> {
  const steps = new Map<string, string>();
  for (const block of out.split(/^==> /m).slice(1)) {
    const [title, ...body] = block.split('\n');
    steps.set(title!, body.join('\n'));
  }
  return steps;
}

describe('scripts/provision.sh', () => {
  let scratch: string;
  let project: string;
  let binDir: string;
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    before = rootSnapshot();
    scratch = mkdtempSync(join(tmpdir(), 'nslab-provision-'));
    project = join(scratch, 'nslab');
    binDir = join(scratch, 'bin');
    mkdirSync(project);
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'src', 'labs', 'scripts']) {
      cpSync(join(repo, entry), join(project, entry), { recursive: true });
    }
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('parses, and shellcheck finds nothing in it or in the bin shim', () => {
    const syntax = run('bash', ['-n', script]);
    expect(syntax.err).toBe('');
    expect(syntax.code).toBe(0);
    const lint = spawnSync('shellcheck', [script, join(repo, 'bin/nslab')], { encoding: 'utf8' });
    if ((lint.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new Error('shellcheck not found (install it: apt-get install -y shellcheck)');
    }
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
  });

  it('runs twice: the first installs, the second has nothing to do, and nslab works from PATH', () => {
    const env = { NSLAB_BIN_DIR: binDir };
    // Judged by exit status and by what it did (node_modules, the symlink), not by the
    // wording of apt's warnings, which it keeps to itself unless apt fails.
    const first = run(script, [project], { env });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`done: npm ci in ${project}`);
    expect(first.out).toMatch(/^provision: ready in .*; next, as root: npm start$/m);
    expect(first.out).toContain(`done: built the bundle (${project}/dist/current)`);
    expect(existsSync(join(project, 'node_modules/.nslab-provisioned'))).toBe(true);
    expect(readlinkSync(join(binDir, 'nslab'))).toBe(join(project, 'bin/nslab'));
    const installed = statSync(join(project, 'node_modules/.nslab-provisioned')).mtimeMs;

    // Quiet on success: the second run prints its one closing line and changes nothing.
    const second = run(script, [project], { env });
    expect(second.code, second.err).toBe(0);
    expect(second.out).toBe(`provision: ready in ${project} (nothing to do)\n`);
    expect(statSync(join(project, 'node_modules/.nslab-provisioned')).mtimeMs).toBe(installed);

    // -v names every step, each with nothing to do.
    const verbose = run(script, ['-v', project], { env });
    expect(verbose.code, verbose.err).toBe(0);
    const steps = stepsOf(verbose.out);
    expect([...steps.keys()]).toEqual(STEPS);
    expect(steps.get('Node.js 20.19 or later')).toContain(`nothing to do: node ${process.version}`);
    for (const [title, body] of steps) {
      expect(body, title).toMatch(/^ {4}nothing to do: /m);
      expect(body, title).not.toMatch(/^ {4}done: /m);
    }

    // Called through the symlink from a directory that is not the checkout, as a user would,
    // from the bundle provision built: nothing says it fell back to the TypeScript.
    const help = run(join(binDir, 'nslab'), ['--help'], { cwd: scratch });
    expect(help.err).toBe('');
    expect(help.code).toBe(0);
    expect(existsSync(join(project, 'dist/current/nslab.mjs'))).toBe(true);
    expect(help.out).toContain('nslab run');

    // A source newer than the bundle: the next nslab builds it again before it runs.
    const built = readlinkSync(join(project, 'dist/current'));
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(join(project, 'dist/current/nslab.mjs'), earlier, earlier);
    const again = run(join(binDir, 'nslab'), ['--help'], { cwd: scratch });
    expect(again.code).toBe(0);
    expect(again.out).toContain('nslab run');
    expect(readlinkSync(join(project, 'dist/current'))).not.toBe(built);
    expect(statSync(join(project, 'dist/current/nslab.mjs')).mtimeMs).toBeGreaterThan(earlier.getTime());

    expect(rootSnapshot()).toEqual(before);
  });

  it('installs every tool the labs and the tests use (nothing is left to .ci/run)', () => {
    const packages = /^PACKAGES=\((.*)\)$/m.exec(readFileSync(script, 'utf8'))?.[1]?.split(' ') ?? [];
    for (const pkg of ['iproute2', 'bridge-utils', 'iptables', 'nftables', 'iputils-ping', 'procps', 'tcpdump', 'fping', 'shellcheck', 'chromium']) {
      expect(packages).toContain(pkg);
    }
    const ci = readFileSync(join(repo, '.ci/run'), 'utf8');
    expect(ci).toMatch(/scripts\/provision\.sh/);
    expect(ci).not.toMatch(/apt-get install/);
  });

  it('refuses a directory that is not an nslab checkout, changing nothing', () => {
    const r = run(script, [scratch], { env: { NSLAB_BIN_DIR: binDir } });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`provision: ${scratch} has no package-lock.json: pass the nslab checkout as the first argument\n`);
    expect(r.out).toBe('');
  });
});
