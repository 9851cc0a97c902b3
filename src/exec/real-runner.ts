import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import type { CommandLog } from '../log.js';
import { batchOutcomes, batchProcess, failedIndex, type BatchOutcome } from './batch.js';
import { fanOutOutcomes, fanOutProcess, isFanOut } from './fan-out.js';
import { cmd, isPlainWord, renderCmd, toArgv, type Cmd } from './command.js';
import { CommandError, type Background, type BatchResult, type CmdResult, type RunOptions, type Runner, type StartOptions, type Terminal } from './runner.js';

// execa is loaded on the first command, not at start: importing it costs ~70 ms, which
// `nslab --help` and a command that runs nothing should not pay.
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));

// Tools print localised text otherwise, and parsers (ping, iptables) read it.
// NODE_EXTRA_CA_CERTS makes every node start read and parse a CA bundle (33 ms of an 18 ms
// start where it is set): the agent nslab runs in namespaces never opens a TLS connection.
// An undefined value leaves the variable out of the child's environment.
const ENV = { LANG: 'C', LC_ALL: 'C', NODE_EXTRA_CA_CERTS: undefined };

export interface RealRunnerOptions {
  readonly logger: CommandLog;
  /** Called with each command before it runs (`--verbose`). */
  readonly echo?: ((line: string) => void) | undefined;
}

// Fan-out batch files live for one process: in memory (tmpfs) where there is one, since
// 200 small files on disk cost 50 ms to write here.
const BATCH_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

// What xargs runs for each command of runEach: $0 is where its files go, the rest the command.
const RUN_EACH_SH = 'o=$0; "$@" >"$o.out" 2>"$o.err"; echo $? >"$o.code"';

// The tools' own "which line" notes: the error is reported against the failing command instead.
function stripBatchNoise(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^Command failed \S+:\d+$/.test(l.trim()))
    .join('\n');
}

export class RealRunner implements Runner {
  readonly dryRun = false;
  readonly #logger: CommandLog;
  readonly #echo: ((line: string) => void) | undefined;

  constructor(options: RealRunnerOptions) {
    this.#logger = options.logger;
    this.#echo = options.echo;
  }

  async run(c: Cmd, options: RunOptions = {}): Promise<CmdResult> {
    this.#echo?.(`+ ${renderCmd(c)}`);
    const result = await this.#exec(c, options);
    this.#logger.info(
      { netns: c.netns ?? null, argv: result.argv, exitCode: result.exitCode, durationMs: result.durationMs, stderr: result.stderr || undefined },
      'cmd',
    );
    if (result.exitCode !== 0 && !options.allowFail) throw new CommandError(result);
    return result;
  }

  // execa with cleanup off: its default registers an exit handler per child, which tripled
  // the cost of a short command (15 ms against 3 ms measured); a child that outlives a
  // killed nslab is harmless here, since teardown kills whatever is left in lab namespaces.
  async #exec(c: Cmd, options: RunOptions): Promise<CmdResult> {
    const [file, ...args] = toArgv(c);
    const started = performance.now();
    const { execa } = await loadExeca();
    const r = await execa(file!, args, {
      reject: false,
      cleanup: false,
      env: ENV,
      stripFinalNewline: false,
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      ...(c.leavesRunning ? { stdout: 'ignore' as const, stderr: 'ignore' as const } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const }),
    });
    const notStarted = r.exitCode === undefined && !r.timedOut;
    return {
      cmd: c,
      argv: [file!, ...args],
      exitCode: notStarted ? 127 : (r.exitCode ?? (r.timedOut ? 124 : 128)),
      stdout: String(r.stdout ?? ''),
      // A program that could not start (ENOENT) has no exit code; its reason is in the message.
      stderr: notStarted && !r.stderr ? (r.shortMessage ?? 'could not start') : String(r.stderr ?? ''),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      timedOut: r.timedOut,
    };
  }

  /**
   * Independent commands through xargs, `parallel` at a time: spawning from nslab's large
   * process costs ~3 ms of its one thread each, from xargs a fraction of that (a 200-sender
   * mesh: 1.4 s through node, 0.8 s through xargs). Each command's output and exit code go to
   * files of its own, in memory. Only plain words go through xargs, which reads quotes; a list
   * with any other word runs one process each, as run() would.
   */
  async runEach(cmds: readonly Cmd[], options: { readonly timeoutMs?: number; readonly parallel?: number } = {}): Promise<CmdResult[]> {
    if (cmds.length === 0) return [];
    const argvs = cmds.map(toArgv);
    if (!argvs.every((a) => a.every(isPlainWord))) return Promise.all(cmds.map((c) => this.run(c, { allowFail: true, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) })));
    for (const c of cmds) this.#echo?.(`+ ${renderCmd(c)}`);
    const dir = mkdtempSync(join(BATCH_DIR, 'nslab-each-'));
    try {
      const list = argvs.map((a, i) => `${join(dir, String(i))} ${a.join(' ')}`).join('\n');
      const each = cmd('xargs', ['-P', String(options.parallel ?? 1), '-L', '1', 'sh', '-c', RUN_EACH_SH]);
      const r = await this.#exec(each, { input: `${list}\n`, ...(options.timeoutMs ? { timeoutMs: cmds.length * options.timeoutMs } : {}) });
      return cmds.map((c, i) => {
        const read = (ext: string) => (existsSync(join(dir, `${i}.${ext}`)) ? readFileSync(join(dir, `${i}.${ext}`), 'utf8') : undefined);
        const code = read('code');
        const exitCode = code === undefined ? (r.timedOut ? 124 : 127) : Number(code.trim());
        const result: CmdResult = { cmd: c, argv: argvs[i]!, exitCode, stdout: read('out') ?? '', stderr: read('err') ?? (code === undefined ? r.stderr : ''), durationMs: r.durationMs, timedOut: r.timedOut && code === undefined };
        // One log line per command, as if each had run alone; durationMs is the whole list's.
        this.#logger.info({ netns: c.netns ?? null, argv: result.argv, exitCode, durationMs: r.durationMs, stderr: result.stderr || undefined, each: { line: i + 1, of: cmds.length } }, 'cmd');
        return result;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async runBatch(cmds: readonly Cmd[]): Promise<BatchResult> {
    if (cmds.length === 0) return { outcomes: [], error: undefined };
    for (const c of cmds) this.#echo?.(`+ ${renderCmd(c)}`);
    let r: CmdResult;
    let outcomes: BatchOutcome[];
    let failed: number | undefined;
    if (isFanOut(cmds)) {
      const dir = mkdtempSync(join(BATCH_DIR, 'nslab-batch-'));
      try {
        const fan = fanOutProcess(cmds, dir);
        for (const f of fan.files) writeFileSync(f.path, f.content);
        r = await this.#exec(fan.cmd, { input: fan.input });
        ({ outcomes, failed } = fanOutOutcomes(fan, cmds.length, r.exitCode, r.stderr));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const batch = batchProcess(cmds);
      r = await this.#exec(batch.cmd, { input: batch.input });
      failed = r.exitCode === 0 ? undefined : failedIndex(cmds[0]!.file, r.stderr, cmds.length);
      outcomes = batchOutcomes(cmds[0]!.file, cmds.length, r.exitCode, failed);
    }
    // One log line per command, as if each had run alone: the log reads the same batched or not.
    for (const [i, c] of cmds.entries()) {
      const outcome = outcomes[i]!;
      const exitCode = outcome === 'done' ? 0 : outcome === 'failed' ? r.exitCode : null;
      this.#logger.info(
        // durationMs is the whole batch's: the lines of one process are not timed apart.
        { netns: c.netns ?? null, argv: toArgv(c), exitCode, outcome, durationMs: r.durationMs, batch: { argv: r.argv, line: i + 1, of: cmds.length } },
        'cmd',
      );
    }
    if (r.exitCode !== 0) this.#logger.info({ argv: r.argv, exitCode: r.exitCode, stderr: r.stderr }, 'batch failed');
    const error = failed === undefined ? (r.exitCode === 0 ? undefined : r) : { ...r, cmd: cmds[failed]!, argv: toArgv(cmds[failed]!), stderr: stripBatchNoise(r.stderr) };
    return { outcomes, error };
  }

  async attach(c: Cmd): Promise<number> {
    const [file, ...args] = toArgv(c);
    this.#echo?.(`+ ${renderCmd(c)}`);
    const { execa } = await loadExeca();
    const r = await execa(file!, args, { reject: false, stdio: 'inherit' });
    this.#logger.info({ netns: c.netns ?? null, argv: [file, ...args], exitCode: r.exitCode ?? null }, 'attach');
    return r.exitCode ?? 1;
  }

  async terminal(c: Cmd, size: { readonly cols: number; readonly rows: number }): Promise<Terminal> {
    const [file, ...args] = toArgv(c);
    this.#echo?.(`+ ${renderCmd(c)} (on a terminal)`);
    // node-pty is a native addon, loaded only by the one command that opens terminals.
    const pty = await import('@lydell/node-pty');
    // A learner's shell speaks the learner's locale and sees nslab on PATH, not nslab's C locale.
    const child = pty.spawn(file!, args, { name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd: homedir(), env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string> });
    this.#logger.info({ netns: c.netns ?? null, argv: [file, ...args], pid: child.pid }, 'terminal');
    return {
      pid: child.pid,
      write: (data) => child.write(data),
      resize: (cols, rows) => child.resize(cols, rows),
      onData: (f) => void child.onData(f),
      onExit: (f) => void child.onExit((e) => f(e.exitCode)),
      kill: () => {
        try {
          child.kill('SIGHUP');
        } catch {
          // Already gone.
        }
      },
    };
  }

  async start(c: Cmd, options: StartOptions = {}): Promise<Background> {
    const [file, ...args] = toArgv(c);
    this.#echo?.(`+ ${renderCmd(c)} &`);
    this.#logger.info({ netns: c.netns ?? null, argv: [file, ...args] }, 'start');
    const { execa } = await loadExeca();
    const child: ResultPromise = execa(file!, args, { reject: false, env: ENV, stdin: options.tiedToUs ? 'pipe' : 'ignore', buffer: false });
    let out = '';
    let readyLine: string | undefined;
    const exited = child.then((r) => r);
    const ready = new Promise<void>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 5000;
      const timer = setTimeout(() => reject(new Error(`\`${renderCmd(c)}\` not ready after ${timeoutMs} ms`)), timeoutMs);
      let errText = '';
      const look = (text: string) => {
        if (!options.ready || readyLine !== undefined) return;
        const line = text.split('\n').find((l) => options.ready!.test(l));
        if (line !== undefined) {
          readyLine = line;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (options.readyOn !== 'stderr') look(out);
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        errText += chunk;
        if (options.readyOn === 'stderr') look(errText);
      });
      void exited.then((r) => {
        clearTimeout(timer);
        reject(new Error(`\`${renderCmd(c)}\` exited (${r.exitCode ?? r.signal}) before it was ready: ${errText.trim()}`));
      });
      if (!options.ready) {
        clearTimeout(timer);
        resolve();
      }
    });
    try {
      await ready;
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      throw err;
    }
    return {
      pid: child.pid,
      get readyLine() {
        return readyLine;
      },
      output: () => out,
      stop: async () => {
        // One tied to us ends as it would when nslab exits: its input closes.
        if (options.tiedToUs) child.stdin?.end();
        else child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(late);
      },
    };
  }
}
