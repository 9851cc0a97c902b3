import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, labNames, labState, namespacesOf, rootSnapshot } from './support.js';

// The README says which commands take --dry-run (printing what they would run, running
// nothing) and which refuse it (they change nothing). This test reads that paragraph and holds
// every command it names to it, on a running lab whose state must not move.

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const paragraph = readme.slice(readme.indexOf('The commands that change the kernel take'), readme.indexOf('`lab`, `up` and\n`exercise start` take `--record FILE`'));
const [changing, reading] = paragraph.split('The commands that only read');

/** `docker` (`run`, `rm`) and `exercise start` as the command words they name. */
function named(text: string): string[] {
  const out: string[] = [];
  const groups = /`(docker|compose)` \(([^)]*)\)|`([a-z][a-z -]*)`(?: \(with ([^)]*)\))?/g;
  for (const m of text.matchAll(groups)) {
    if (m[1]) for (const sub of m[2]!.matchAll(/`([^`]+)`/g)) if (!sub[1]!.startsWith('--')) out.push(`${m[1]} ${sub[1]}`);
    if (m[3] && !m[3].startsWith('-') && m[3] !== 'dry-run') out.push(m[3]);
  }
  return out;
}

const { fresh, before } = labNames('dr');
const dir = mkdtempSync(join(tmpdir(), 'nslab-dry-'));
/** A compose project of one service, in a directory named after the project. */
function composeFile(project: string): string {
  mkdirSync(join(dir, project), { recursive: true });
  const file = join(dir, project, 'compose.yaml');
  writeFileSync(file, 'services:\n  api:\n    image: nginx\n');
  return file;
}
const lab = fresh('connect');
const engine = `${lab}d`;

/** Each named command as argv against the running lab, the sandbox engine, or a compose file. */
function argvFor(command: string): string[] {
  const [head, ...rest] = command.split(' ');
  const withLab: Record<string, string[]> = {
    run: ['run', 'docker0', '--name', `${lab}x`],
    up: ['up', 'docker0', '--name', `${lab}x`],
    lab: ['lab', 'connect', '--name', lab, '--rewind', '6'],
    down: ['down', lab],
    clean: ['clean', lab],
    'exercise start': ['exercise', 'start', '1'],
    'exercise reset': ['exercise', 'reset', '1'],
    'exercise list': ['exercise', 'list'],
    'exercise shell': ['exercise', 'shell', '1'],
    'exercise check': ['exercise', 'check', '1'],
    'exercise hint': ['exercise', 'hint', '1'],
    'doctor --fix': ['doctor', '--fix'],
    doctor: ['doctor'],
    ls: ['ls'],
    verify: ['verify', lab],
    exec: ['exec', lab, 'web', '--', 'true'],
    inspect: ['inspect', lab],
    peers: ['peers', lab],
    diagram: ['diagram', lab],
    why: ['why', lab, 'web', 'db'],
    trace: ['trace', lab, 'web', 'db'],
    versions: ['versions', 'connect'],
    compare: ['compare', 'connect', '/dev/null'],
  };
  if (head === 'docker') {
    const words: Record<string, string[]> = { run: ['run', '-d', 'nginx'], rm: ['rm', '-f', 'web'], 'network create': ['network', 'create', 'n3'], 'network rm': ['network', 'rm', 'n2'], 'network prune': ['network', 'prune', '-f'], 'network connect': ['network', 'connect', 'n2', 'web'], 'network disconnect': ['network', 'disconnect', 'n1', 'web'], reset: ['reset'], ps: ['ps'], inspect: ['inspect', 'web'], exec: ['exec', 'web', 'true'], port: ['port', 'web'], attach: ['attach', 'web'], 'network ls': ['network', 'ls'], 'network inspect': ['network', 'inspect', 'n1'] };
    return ['docker', ...words[rest.join(' ')]!];
  }
  // up: a project not up yet; the others: one that is.
  if (head === 'compose') return ['compose', '-f', rest[0] === 'up' ? composeFile('later') : composeFile('shop'), rest[0]!, ...(rest[0] === 'exec' ? ['api', 'true'] : [])];
  return withLab[command] ?? withLab[head!]!;
}

describe('--dry-run, as the README says', () => {
  it('the paragraph names both kinds of command', () => {
    expect(named(changing!).length).toBeGreaterThan(10);
    expect(named(reading!).length).toBeGreaterThan(10);
  });

  it('each command that changes the kernel prints what it would run and changes nothing; each that only reads refuses', async () => {
    process.env.NSLAB_DOCKER_NAME = engine;
    expect((await cli('up', 'connect', '--name', lab)).code).toBe(0);
    expect((await cli('docker', '-q', 'network', 'create', 'n1')).code).toBe(0);
    expect((await cli('docker', '-q', 'network', 'create', 'n2')).code).toBe(0);
    expect((await cli('docker', '-q', 'run', '-d', '--name', 'web', '--network', 'n1', 'nginx')).code).toBe(0);
    expect((await cli('compose', '-f', composeFile('shop'), '--quiet', 'up')).code).toBe(0);
    const state = { lab: labState(lab), engine: labState(engine) };
    const wrong: string[] = [];
    for (const command of named(changing!)) {
      const argv = argvFor(command);
      const r = await cli('--dry-run', ...argv);
      if (r.code !== 0 || !/^(#!\/usr\/bin\/env bash|# nslab docker --dry-run)/.test(r.out)) wrong.push(`${command}: exit ${r.code}, ${JSON.stringify((r.out || r.err).slice(0, 160))}`);
    }
    for (const command of named(reading!)) {
      const r = await cli('--dry-run', ...argvFor(command));
      if (r.code !== 2 || !/changes nothing, so it has no --dry-run/.test(r.err)) wrong.push(`${command}: exit ${r.code}, ${JSON.stringify((r.err || r.out).slice(0, 160))}`);
    }
    expect(wrong).toEqual([]);
    expect({ lab: labState(lab), engine: labState(engine) }).toEqual(state);
    expect((await cli('docker', 'reset')).code).toBe(0);
    expect((await cli('down', lab)).code).toBe(0);
    expect(namespacesOf(lab)).toEqual([]);
    expect(rootSnapshot()).toEqual(before());
  });
});
