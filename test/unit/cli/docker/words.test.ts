import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlagError, parseFlags, type FlagSpec } from '../../../../src/dockercli/flags.js';
import { cli } from '../../../kernel/support.js';

// nslab docker's grammar, and its words held against a real docker CLI's: each line below was
// typed into a real 26.1.5 and 28.5.2 (test/fixtures/real-docker/cli-*.json holds what each
// printed). nslab speaks 26's words under --docker 27 and 28's under --docker 28; with no
// engine running, none of these lines needs one.

interface Printed {
  readonly line: string;
  readonly code: number;
  readonly stderr: string;
}
const real = (v: string): Printed[] => JSON.parse(readFileSync(new URL(`../../../fixtures/real-docker/cli-${v}.json`, import.meta.url), 'utf8')) as Printed[];

/** argv of a shell line as the probe typed it (single quotes only). */
const words = (line: string): string[] => (line.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'|'$/g, ''));

/** The lines whose answer needs no daemon state: usage, templates, the CLI's own checks. */
const STATELESS = /^docker (run( --foo| -d -p| -d --network-alias|$)|exec web$|netork|network (nope|create$|create -q|connect x$)|ps x|port|inspect --format)/;

beforeAll(() => {
  process.env.NSLAB_STATE_DIR = mkdtempSync(join(tmpdir(), 'nslab-docker-words-'));
  process.env.NSLAB_DOCKER_NAME = 'words';
});

describe.each([
  ['26.1.5', '27'],
  ['28.5.2', '28'],
])("nslab docker's words against a real docker %s (under --docker %s)", (version, profile) => {
  const cases = real(version).filter((r) => STATELESS.test(r.line));

  it('covers the lines it was given', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c.line, c] as const))('%s', async (_line, c) => {
    const [, ...argv] = words(c.line);
    const r = await cli('docker', '--docker', profile, ...argv);
    expect(r.code).toBe(c.code);
    // nslab's own hint follows Docker's words on a line of its own.
    const docker = r.err.replace(/^hint: .*\n/gm, '');
    // 26's unknown management subcommand lists every subcommand docker has; nslab lists its own.
    if (version === '26.1.5' && c.line === 'docker network nope') expect(docker).toMatch(/^\nUsage: {2}docker network COMMAND\n\nManage networks\n\nCommands:\n/);
    else expect(docker).toBe(c.stderr);
  });
});

describe('the docker flag grammar (pflag)', () => {
  const RUN: FlagSpec[] = [
    { name: 'detach', short: 'd', kind: 'bool', help: '' },
    { name: 'interactive', short: 'i', kind: 'bool', help: '' },
    { name: 'tty', short: 't', kind: 'bool', help: '' },
    { name: 'name', kind: 'string', help: '' },
    { name: 'publish', short: 'p', kind: 'list', help: '' },
  ];
  const run = (...argv: string[]) => parseFlags(argv, RUN, { interspersed: false });

  it('stops at the image: everything after it is the container command, flags and all', () => {
    expect(run('-d', '--name', 'api', '-p', '8080:80', 'busybox', 'httpd', '-f', '-p', '80')).toEqual({ flags: { detach: true, name: 'api', publish: ['8080:80'] }, args: ['busybox', 'httpd', '-f', '-p', '80'] });
  });

  it('bundles shorthands, takes --name=web and -p8080:80, and ends flags at --', () => {
    expect(run('-itd', '--name=web', '-p8080:80', '-p', '9090:90', 'nginx')).toEqual({ flags: { interactive: true, tty: true, detach: true, name: 'web', publish: ['8080:80', '9090:90'] }, args: ['nginx'] });
    expect(run('--', '-d')).toEqual({ flags: {}, args: ['-d'] });
    expect(run('--detach=false', 'x').flags).toEqual({ detach: false });
  });

  it('interspersed commands take flags after their arguments', () => {
    expect(parseFlags(['web', '-f'], [{ name: 'force', short: 'f', kind: 'bool', help: '' }], { interspersed: true })).toEqual({ flags: { force: true }, args: ['web'] });
  });

  it("refuses what it does not know in pflag's words", () => {
    expect(() => run('--foo')).toThrow(new FlagError('unknown flag: --foo'));
    expect(() => run('-x')).toThrow(new FlagError("unknown shorthand flag: 'x' in -x"));
    expect(() => run('-itx')).toThrow(new FlagError("unknown shorthand flag: 'x' in -itx"));
    expect(() => run('--name')).toThrow(new FlagError('flag needs an argument: --name'));
    expect(() => run('-p')).toThrow(new FlagError("flag needs an argument: 'p' in -p"));
  });
});
