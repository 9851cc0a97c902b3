// `npm run bench`: nslab against the fastest hand-written equivalent, on this machine.
// For each N: setup vs a raw `ip -batch` script of the same topology, full-mesh
// verification vs sequential ping, teardown; start-up (--help, ls); docker run and compose up
// against the commands they print; peak memory of up. Whole processes,
// several repetitions, median, nslab and baseline interleaved so load hits both alike.
// `--quick`: one tiny size, one repetition (a kernel test runs it to prove the script works).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { scaleLab } from '../labs/scale.js';
import { GC_KEYS, neighboursNeeded, type GcThresholds } from '../src/doctor/neigh.js';
import { buildLab } from '../src/plan/build.js';
import { mininet, type PeerResult } from './bench/mininet.js';
import { rawIpBatchScript, rawListingScript, rawTeardownScript } from './bench/baseline.js';
import { fpingMesh, median, mustTime, namespacesOf, NSLAB, ROOT, sequentialPing, sh, timed } from './bench/measure.js';
import { renderSizes, renderTargets, type SizeResult, type Target } from './bench/report.js';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    reps: { type: 'string' },
    peers: { type: 'boolean', default: false },
    'pingall-up-to': { type: 'string', default: '200' },
    out: { type: 'string', default: join(ROOT, 'bench-results', 'latest.json') },
  },
});
const sizes = (opts.sizes ?? (opts.quick ? '3' : '10,50,100,200')).split(',').map(Number);
const reps = Number(opts.reps ?? (opts.quick ? 1 : 3));
const lab = `bench${process.pid.toString(36)}`;
const work = mkdtempSync(join(tmpdir(), 'nslab-bench-'));
// A sandbox engine of its own, so a user's `nslab docker` engine is neither in the way nor touched.
const env = { ...process.env, NSLAB_STATE_DIR: join(work, 'state'), NSLAB_DOCKER_NAME: `${lab}k` };
const log = (line: string) => process.stderr.write(`${line}\n`);

if (process.getuid?.() !== 0) throw new Error('the benchmark builds real namespaces: run it as root');

// What provision installed, as a user runs it: one call first, which rebuilds a stale bundle
// (as the user's first call would) rather than timing that rebuild.
log(`timing ${NSLAB} (${sh('readlink', '-f', NSLAB).trim()})`);
mustTime(NSLAB, ['--help']);

// A full mesh of N needs about N*(N-1) neighbour entries; the kernel's default limit
// (1024) holds 31 containers. Raised for the run if needed, restored at the end.
const gcSysctl = (k: string) => `net.ipv4.neigh.default.${k}`;
// Outside the machine's initial network namespace the limits are not visible (nor settable).
const gcVisible = existsSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3');
const savedGc = (gcVisible ? Object.fromEntries(GC_KEYS.map((k) => [k, Number(sh('sysctl', '-n', gcSysctl(k)).trim())])) : {}) as GcThresholds;
const need = neighboursNeeded(Math.max(...sizes));
const raiseGc = gcVisible && need > savedGc.gc_thresh3;
if (!gcVisible) log(`the neighbour limits are not visible in this network namespace; a mesh past ~31 containers may lose packets`);

function bench(n: number): SizeResult {
  const model = buildLab(scaleLab, lab, { containers: n }, { brctl: false });
  const upScript = join(work, `raw-up-${n}.sh`);
  const downScript = join(work, `raw-down-${n}.sh`);
  writeFileSync(upScript, rawIpBatchScript(model));
  writeFileSync(downScript, rawTeardownScript(model));
  const pairs = n * (n - 1);
  const t = { nslabUp: [] as number[], rawUp: [] as number[], verify: [] as number[], warmVerify: [] as number[], warmFloor: [] as number[], down: [] as number[], rawDown: [] as number[] };
  // nslab's verify must pass; the fping script, which retries nothing, may lose a first packet
  // to a cold ARP (it is the floor, not a verifier): each is told apart.
  let allPassed = true;
  let scriptAnswered = true;
  let leftover = 0;
  let seq = { seconds: 0, measured: 0, failed: 0 };
  const floor: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    t.rawUp.push(mustTime('sh', [upScript]));
    t.rawDown.push(mustTime('sh', [downScript]));
    t.nslabUp.push(mustTime(NSLAB, ['up', 'scale', '--containers', String(n), '--name', lab], env));
    // Cold: the mesh just built, no neighbour learned yet. Then warm, in the same state for
    // both: the hand-written script, then nslab again, with every address already resolved.
    const v = timed(NSLAB, ['verify', lab, '--json'], env);
    t.verify.push(v.seconds);
    allPassed &&= v.code === 0;
    const mesh = model.expectations.flatMap((e) => (e.probe.kind === 'ping' ? [{ fromNs: model.nodes[e.probe.from]!.ns!, to: e.probe.to }] : []));
    const warm = fpingMesh(mesh, cpus().length);
    t.warmFloor.push(warm.seconds);
    scriptAnswered &&= warm.allAnswered;
    const again = timed(NSLAB, ['verify', lab, '--json'], env);
    t.warmVerify.push(again.seconds);
    allPassed &&= again.code === 0;
    if (rep === 0) seq = sequentialPing(mesh, Math.min(pairs, opts.quick ? 6 : 150));
    // The hand-written mesh on a cold mesh of its own, as nslab's first verify had.
    mustTime(NSLAB, ['down', lab], env);
    mustTime(NSLAB, ['up', 'scale', '--containers', String(n), '--name', lab], env);
    const f = fpingMesh(mesh, cpus().length);
    floor.push(f.seconds);
    scriptAnswered &&= f.allAnswered;
    t.down.push(mustTime(NSLAB, ['down', lab], env));
    leftover = Math.max(leftover, namespacesOf(lab).length);
  }
  const r: SizeResult = {
    containers: n,
    pairs,
    setup: { nslab: median(t.nslabUp), raw: median(t.rawUp), ratio: median(t.nslabUp) / median(t.rawUp) },
    verify: {
      nslab: median(t.verify),
      fpingScript: median(floor),
      warm: { nslab: median(t.warmVerify), fpingScript: median(t.warmFloor) },
      sequential: seq.seconds,
      sequentialMeasuredPairs: seq.measured,
      speedup: seq.seconds / median(t.verify),
      allPassed: allPassed && seq.failed === 0,
      scriptAnswered,
    },
    teardown: { nslab: median(t.down), raw: median(t.rawDown), leftover },
  };
  log(`N=${n}: ${JSON.stringify(r)}`);
  return r;
}

/**
 * What a picture and a trace cost on a docker0 lab: `diagram --svg` against `diagram` (the
 * same reading of the kernel, without layout), after one warm-up run that compiles the layout
 * engine's code cache as the first picture of a boot does; and `trace c1 -> the internet`.
 */
function picturesAndTrace(): { text: number; svg: number; svgAdded: number; firstSvg: number; trace: number } {
  const name = `${lab}d`;
  mustTime(NSLAB, ['up', 'docker0', '--name', name], env);
  try {
    const file = join(work, 'docker0.svg');
    const firstSvg = mustTime(NSLAB, ['diagram', name, '--svg', file], env);
    const text: number[] = [];
    const svg: number[] = [];
    const trace: number[] = [];
    for (let rep = 0; rep < Math.max(3, reps); rep++) {
      text.push(mustTime(NSLAB, ['diagram', name], env));
      svg.push(mustTime(NSLAB, ['diagram', name, '--svg', file], env));
      trace.push(mustTime(NSLAB, ['trace', name, 'c1', '203.0.113.10'], env));
    }
    return { text: median(text), svg: median(svg), svgAdded: median(svg) - median(text), firstSvg, trace: median(trace) };
  } finally {
    timed(NSLAB, ['down', name], env);
  }
}

/** Start-up: `--help` and `ls` against a bare node start, measured alternately. */
function startup(): { help: number; ls: number; node: number } {
  const help: number[] = [];
  const ls: number[] = [];
  const node: number[] = [];
  for (let rep = 0; rep < Math.max(5, reps); rep++) {
    node.push(mustTime('node', ['-e', '0']));
    help.push(mustTime(NSLAB, ['--help']));
    ls.push(mustTime(NSLAB, ['ls'], env));
  }
  return { help: median(help), ls: median(ls), node: median(node) };
}

/**
 * `nslab docker run` of one container on a running engine against the commands it printed,
 * run as a script (one process each, as printed); and `nslab compose up` of 10 services on
 * 3 networks against the same listing with its ip commands batched per namespace. Each is
 * taken down again between repetitions (by nslab, and by the raw listing of its removal).
 */
function dockerShaped(): { run: { nslab: number; raw: number }; compose: { nslab: number; raw: number } } {
  const t = { run: [] as number[], rawRun: [] as number[], up: [] as number[], rawUp: [] as number[] };
  mustTime(NSLAB, ['docker', 'network', 'create', 'benchnet'], env);
  try {
    const run = ['docker', 'run', '-d', '--net', 'benchnet', '--name', 'web', 'nginx'];
    const rm = ['docker', 'rm', '-f', 'web'];
    const runScript = join(work, 'raw-docker-run.sh');
    const rmScript = join(work, 'raw-docker-rm.sh');
    writeFileSync(runScript, rawListingScript(timed(NSLAB, run, env).stdout, { batch: false }));
    writeFileSync(rmScript, rawListingScript(timed(NSLAB, rm, env).stdout, { batch: false }));
    const file = join(work, 'compose.yaml');
    writeFileSync(file, composeFile(10, 3));
    const up = ['compose', '-f', file, 'up'];
    const down = ['compose', '-f', file, 'down'];
    const upScript = join(work, 'raw-compose-up.sh');
    const downScript = join(work, 'raw-compose-down.sh');
    writeFileSync(upScript, rawListingScript(timed(NSLAB, up, env).stdout, { batch: true }));
    writeFileSync(downScript, rawListingScript(timed(NSLAB, down, env).stdout, { batch: true }));
    for (let rep = 0; rep < Math.max(3, reps); rep++) {
      t.rawRun.push(mustTime('sh', [runScript]));
      mustTime('sh', [rmScript]);
      t.run.push(mustTime(NSLAB, run, env));
      mustTime(NSLAB, rm, env);
      t.rawUp.push(mustTime('sh', [upScript]));
      mustTime('sh', [downScript]);
      t.up.push(mustTime(NSLAB, up, env));
      mustTime(NSLAB, down, env);
    }
  } finally {
    timed(NSLAB, ['docker', 'reset'], env);
  }
  return { run: { nslab: median(t.run), raw: median(t.rawRun) }, compose: { nslab: median(t.up), raw: median(t.rawUp) } };
}

/** A compose file of `services` services spread over `networks` networks, each service on one, the first two on two. */
function composeFile(services: number, networks: number): string {
  const nets = Array.from({ length: networks }, (_, i) => `net${i}`);
  const lines = ['services:'];
  for (let i = 0; i < services; i++) {
    const on = i < 2 ? [nets[0]!, nets[1]!] : [nets[i % networks]!];
    lines.push(`  svc${i}:`, '    image: nginx', `    networks: [${on.join(', ')}]`);
  }
  lines.push('networks:', ...nets.map((n) => `  ${n}: {}`));
  return `${lines.join('\n')}\n`;
}

/** nslab's peak resident memory during `up` of the largest mesh (GNU time's %M, in KiB). */
function peakRss(n: number): number | undefined {
  if (!existsSync('/usr/bin/time')) {
    log('peak memory not measured: GNU time (/usr/bin/time, Debian package time) is not installed');
    return undefined;
  }
  const r = timed('/usr/bin/time', ['-f', '%M', NSLAB, 'up', 'scale', '--containers', String(n), '--name', lab], env);
  if (r.code !== 0) throw new Error(`nslab up under /usr/bin/time failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  mustTime(NSLAB, ['down', lab], env);
  return Number(r.stderr.trim().split('\n').pop());
}

let results: SizeResult[] = [];
let start: ReturnType<typeof startup> | undefined;
let shaped: ReturnType<typeof dockerShaped> | undefined;
let rssKiB: number | undefined;
let pictures: ReturnType<typeof picturesAndTrace> | undefined;
let peers: PeerResult[] = [];
try {
  if (raiseGc) {
    log(`raising ${gcSysctl('gc_thresh2')}/3 for a mesh of ${Math.max(...sizes)} (${need} entries); restored at the end`);
    sh('sysctl', '-w', `${gcSysctl('gc_thresh2')}=${Math.max(savedGc.gc_thresh2, need)}`, `${gcSysctl('gc_thresh3')}=${2 * need}`);
  }
  start = startup();
  if (!opts.quick) pictures = picturesAndTrace();
  if (!opts.quick) shaped = dockerShaped();
  results = sizes.map(bench);
  rssKiB = peakRss(Math.max(...sizes));
  if (opts.peers) peers = sizes.map((n) => mininet(n, Number(opts['pingall-up-to'])));
} finally {
  if (raiseGc) sh('sysctl', '-w', ...GC_KEYS.map((k) => `${gcSysctl(k)}=${savedGc[k]}`));
  timed(NSLAB, ['clean', lab], env);
}

const at = (n: number) => results.find((r) => r.containers === n);
const targets: Target[] = [];
const add = (what: string, limit: string, value: number | undefined, max: number, unit: (v: number) => string) => {
  if (value !== undefined) targets.push({ what, limit, measured: unit(value), met: value <= max });
};
const sec = (v: number) => `${v.toFixed(2)} s`;
const ratio = (v: number) => `${v.toFixed(2)}x`;
const torn = (n: number) => at(n) && (at(n)!.teardown.leftover === 0 ? at(n)!.teardown.nslab : Infinity);
add('nslab --help start-up', `<= 0.15 s (node alone: ${sec(start?.node ?? 0)})`, start?.help, 0.15, sec);
add('nslab ls start-up', '<= 0.15 s', start?.ls, 0.15, sec);
add('setup N=50 vs raw ip -batch', '<= 1.60x', at(50)?.setup.ratio, 1.6, ratio);
add('setup N=200 vs raw ip -batch', '<= 1.15x', at(200)?.setup.ratio, 1.15, ratio);
// Beside each verification limit, the hand-written fping mesh of the same run: on a cold mesh
// that is what the kernel's ARP needs, a floor no verifier goes under on this machine.
const floorOf = (n: number) => (at(n) ? ` (fping script: ${sec(at(n)!.verify.fpingScript)})` : '');
add('full-mesh verification N=50 (2,450 pairs)', `<= 0.60 s${floorOf(50)}`, at(50)?.verify.nslab, 0.6, sec);
// At N=200 the kernel's own ARP flood sets the floor: nslab is judged against the fping script
// of the same run, on a cold mesh and on a warm one.
const vsFloor = (n: number, v: SizeResult['verify'] | undefined, warm: boolean) => (v ? (warm ? v.warm.nslab / v.warm.fpingScript : v.nslab / v.fpingScript) : undefined);
const v200 = at(200)?.verify;
add(`full-mesh verification N=200, cold (nslab ${v200 ? sec(v200.nslab) : '-'}, fping script ${v200 ? sec(v200.fpingScript) : '-'})`, '<= 1.30x the fping script', vsFloor(200, v200, false), 1.3, ratio);
add(`full-mesh verification N=200, warm (nslab ${v200 ? sec(v200.warm.nslab) : '-'}, fping script ${v200 ? sec(v200.warm.fpingScript) : '-'})`, '<= 1.30x the fping script', vsFloor(200, v200, true), 1.3, ratio);
add('teardown N=200, nothing left', '<= 0.30 s', torn(200), 0.3, sec);
if (shaped) {
  add(`docker run, one container (raw: ${sec(shaped.run.raw)})`, '<= 2.00x its commands', shaped.run.nslab / shaped.run.raw, 2, ratio);
  add(`compose up, 10 services on 3 networks (raw: ${sec(shaped.compose.raw)})`, '<= 1.50x its commands batched', shaped.compose.nslab / shaped.compose.raw, 1.5, ratio);
}
add('diagram --svg of docker0: time added to the command', '<= 0.30 s', pictures?.svgAdded, 0.3, sec);
add('trace docker0 c1 -> 203.0.113.10, whole command', '< 2.00 s', pictures?.trace, 2, sec);

const machine = { kernel: release(), cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(2))), node: process.version };
const report = { date: new Date().toISOString(), machine, reps, startup: start, dockerShaped: shaped, peakRssKiB: rssKiB, pictures, sizes: results, peers, targets };
const peerLines = peers.map((p) =>
  'missing' in p
    ? p.missing
    : `Mininet N=${p.containers}: build+teardown ${sec(p.build)} (nslab up+down ${sec((at(p.containers)?.setup.nslab ?? NaN) + (at(p.containers)?.teardown.nslab ?? NaN))}), pingall ${p.pingall === undefined ? 'not run' : `${sec(p.pingall)}${p.pingallPassed ? '' : ' (FAILED)'}`} (nslab verify ${sec(at(p.containers)?.verify.nslab ?? NaN)})`,
);
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  `nslab benchmark (${reps} repetition(s), median; kernel ${machine.kernel}, ${machine.cpus} CPUs, load ${machine.loadavg.join(' ')})\n\n` +
    `${renderSizes(results)}\n\nstart-up: --help ${sec(start!.help)}, ls ${sec(start!.ls)}, node alone ${sec(start!.node)}\n` +
    (rssKiB === undefined ? '' : `peak RSS of nslab up N=${Math.max(...sizes)}: ${(rssKiB / 1024).toFixed(0)} MiB\n`) +
    (shaped ? `docker run: nslab ${sec(shaped.run.nslab)}, its commands ${sec(shaped.run.raw)}; compose up: nslab ${sec(shaped.compose.nslab)}, batched ${sec(shaped.compose.raw)}\n` : '') +
    (pictures ? `docker0 picture: diagram ${sec(pictures.text)}, diagram --svg ${sec(pictures.svg)} (first of the boot ${sec(pictures.firstSvg)}); trace ${sec(pictures.trace)}\n` : '') +
    (peerLines.length ? `${peerLines.join('\n')}\n` : '') +
    `\n${renderTargets(targets)}\n\nwritten to ${opts.out}\n`,
);
process.exitCode = results.every((r) => r.verify.allPassed && r.teardown.leftover === 0) ? 0 : 1;
