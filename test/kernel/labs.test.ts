import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { main } from '../../src/cli/main.js';
import { drawnEdges, edgesThroughBoxes, type DrawnEdge } from '../view/svg-geometry.js';
import { cli, failed, labNames, namespacesOf, replayAndVerify, rootSnapshot, type Outcome } from './support.js';

/**
 * The lab's SVG, drawn from the kernel, against the kernel: each veth pair `peers` lists is
 * exactly one edge between its two namespaces' boxes, no edge runs through another box, and
 * every DNAT rule and MASQUERADE'd bridge the host has is written on the picture.
 */
async function checkPicture(name: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'nslab-svg-')), `${name}.svg`);
  expect((await cli('diagram', name, '--svg', file)).code).toBe(0);
  const svg = readFileSync(file, 'utf8');
  const peers = JSON.parse((await cli('peers', name, '--json')).out) as { namespace: string; interface: string; peerNamespace: string; peerInterface: string }[];
  const veths = drawnEdges(svg).filter((e) => e.kind === 'veth' || e.kind === 'underlay');
  const ends = (e: DrawnEdge) => [e.from, e.to].map((id) => `${id.split('/')[0]!.slice(3)}/${id.slice(id.lastIndexOf('/') + 1)}`).sort();
  const seen = peers.map((p) => [`${p.namespace}/${p.interface}`, `${p.peerNamespace}/${p.peerInterface}`].sort().join(' '));
  // peers lists a pair from both ends when both are in the lab: each pair once.
  expect(veths.map((e) => ends(e).join(' ')).sort()).toEqual([...new Set(seen)].sort());
  expect(edgesThroughBoxes(svg)).toEqual([]);
  for (const ns of namespacesOf(name)) {
    const rules = execFileSync('ip', ['netns', 'exec', ns, 'iptables-save', '-t', 'nat'], { encoding: 'utf8' });
    for (const m of rules.matchAll(/-A \S+ (?:.* )?-d (?!127\.0\.0\.11)\S+ .*--dport (\d+) -j DNAT --to-destination (\S+)/g)) expect(svg).toContain(`${m[1]} -&gt; ${m[2]}`);
    const has = (...argv: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8' }).trim() !== '';
    // A docker host with a way out (connect's host has none: its MASQUERADE rules have nowhere to apply).
    const host = has('ip', 'link', 'show', 'type', 'bridge') && has('ip', 'route', 'show', 'default');
    if (host && /-j MASQUERADE/.test(rules) && execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim() === '1') {
      expect(drawnEdges(svg).filter((e) => e.kind === 'masquerade' && e.boxes[0] === `ns:${ns}`).length, `${ns} masquerades`).toBeGreaterThan(0);
    }
  }
}

// Every lab in labs/index.ts, so labs added later are covered without touching this file.
const IDS = LABS.map((l) => l.id);

describe('every lab against the kernel', () => {
  const { fresh, before: rootBefore } = labNames('g');

  it.each(IDS)('lab %s --yes --json --record: every check passes; down leaves nothing; the transcript replays with bash and verifies', async (id) => {
    const name = fresh(id);
    const transcript = join(mkdtempSync(join(tmpdir(), 'nslab-record-')), `${id}.sh`);
    const r = await cli('lab', id, '--yes', '--json', '--name', name, '--record', transcript);
    expect(r.err).toBe(`recorded to ${transcript}: replay it with \`sudo bash ${transcript}\`\n`);
    const result = JSON.parse(r.out) as { pass: boolean; quit: boolean; applied: number; steps: { checks: Outcome[] }[]; outcomes: Outcome[] };
    expect(failed([...result.steps.flatMap((s) => s.checks), ...result.outcomes])).toEqual([]);
    expect(result).toMatchObject({ pass: true, quit: false });
    expect(result.outcomes.length).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    expect(namespacesOf(name).length).toBeGreaterThan(0);

    // The lab stays up for exploring; verify from "another process" sees the same.
    const v = await cli('verify', name, '--json');
    expect(v.code).toBe(0);
    await checkPicture(name);

    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(rootBefore());

    // What nslab ran, replayed by bash alone on a machine without the lab, verifies the same.
    const script = readFileSync(transcript, 'utf8');
    expect(script).toContain(`# --- Step 1: `);
    expect(script).toContain(`# Check it: nslab verify ${name} --lab ${id}\n`);
    await replayAndVerify(transcript, name, id);
    expect(rootSnapshot()).toEqual(rootBefore());
  });

  it.each(IDS)('lab %s --dry-run: the printed script builds it with bash alone, and it verifies', async (id) => {
    const name = fresh(id);
    const dry = await cli('lab', id, '--name', name, '--dry-run');
    expect(dry.code).toBe(0);
    const script = join(mkdtempSync(join(tmpdir(), 'nslab-script-')), `${id}.sh`);
    writeFileSync(script, dry.out);
    await replayAndVerify(script, name, id);
    expect(rootSnapshot()).toEqual(rootBefore());
  });

  /** `nslab lab veth` in a (fake) terminal, Enter typed once: step 1 ran, and the guide waits at step 2. */
  async function atStepTwo(name: string) {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let out = '';
    const running = main(['lab', 'veth', '--name', name], { out: (t) => (out += t), err: (t) => (out += t), input });
    input.write('\n');
    await expect.poll(() => out.includes('Step 2/5'), { timeout: 10_000 }).toBe(true);
    expect(namespacesOf(name)).toEqual([`nslab-${name}-blue`, `nslab-${name}-red`]);
    return { answer: (line: string) => input.write(`${line}\n`), running, out: () => out };
  }

  it('in a terminal it waits for Enter; q tears down what the steps built', async () => {
    const name = fresh('veth');
    const guide = await atStepTwo(name);
    guide.answer('q');
    expect(await guide.running).toBe(0);
    const out = guide.out();
    expect(out).toContain('Stopped after step 1 of 5; everything it built has been removed.');
    expect(namespacesOf(name)).toEqual([]);
    const ls = JSON.parse((await cli('ls', '--json')).out) as { running: { name: string }[] };
    expect(ls.running.map((r) => r.name)).not.toContain(name);
  });

  it('in a terminal, s stops at a step and keeps the lab; --from carries it on', async () => {
    const name = fresh('veth');
    const guide = await atStepTwo(name);
    guide.answer('s');
    expect(await guide.running).toBe(0);
    expect(guide.out()).toContain(`Lab ${name} is still up, at step 1 of 5.`);
    const ls = JSON.parse((await cli('ls', '--json')).out) as { running: { name: string; step?: number }[] };
    expect(ls.running.find((r) => r.name === name)?.step).toBe(1);
    const on = await cli('lab', 'veth', '--name', name, '--from', '2', '--yes', '--json');
    expect(JSON.parse(on.out)).toMatchObject({ pass: true, applied: 5 });
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
  });

  it('verify --lab refuses a lab that was never built, and changes nothing', async () => {
    const name = fresh('none');
    const v = await cli('verify', name, '--lab', 'veth');
    expect(v.code).toBe(2);
    expect(v.err).toContain(`lab ${name} (veth) is not built: namespace nslab-${name}-red does not exist`);
    expect(namespacesOf(name)).toEqual([]);
  });
});
