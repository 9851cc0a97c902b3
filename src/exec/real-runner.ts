import { execa, type ResultPromise } from 'execa';
import type { Logger } from 'pino';
import { renderCmd, toArgv, type Cmd } from './command.js';
import { CommandError, type Background, type CmdResult, type RunOptions, type Runner, type StartOptions } from './runner.js';

// Tools print localised text otherwise, and parsers (ping, iptables) read it.
const ENV = { LANG: 'C', LC_ALL: 'C' };

export interface RealRunnerOptions {
  readonly logger: Logger;
  /** Called with each command before it runs (`--verbose`). */
  readonly echo?: ((line: string) => void) | undefined;
}

export class RealRunner implements Runner {
  readonly dryRun = false;
  readonly #logger: Logger;
  readonly #echo: ((line: string) => void) | undefined;

  constructor(options: RealRunnerOptions) {
    this.#logger = options.logger;
    this.#echo = options.echo;
  }

  async run(c: Cmd, options: RunOptions = {}): Promise<CmdResult> {
    const [file, ...args] = toArgv(c);
    this.#echo?.(`+ ${renderCmd(c)}`);
    const started = performance.now();
    const r = await execa(file!, args, {
      reject: false,
      env: ENV,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    const result: CmdResult = {
      cmd: c,
      argv: [file!, ...args],
      exitCode: r.exitCode ?? (r.timedOut ? 124 : 127),
      stdout: String(r.stdout ?? ''),
      // A program that could not start (ENOENT) has no exit code; its reason is in the message.
      stderr: r.exitCode === undefined && !r.timedOut && !r.stderr ? (r.message ?? 'could not start') : String(r.stderr ?? ''),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      timedOut: r.timedOut,
    };
    this.#logger.info(
      { netns: c.netns ?? null, argv: result.argv, exitCode: result.exitCode, durationMs: result.durationMs, stderr: result.stderr || undefined },
      'cmd',
    );
    if (result.exitCode !== 0 && !options.allowFail) throw new CommandError(result);
    return result;
  }

  async attach(c: Cmd): Promise<number> {
    const [file, ...args] = toArgv(c);
    this.#echo?.(`+ ${renderCmd(c)}`);
    const r = await execa(file!, args, { reject: false, stdio: 'inherit' });
    this.#logger.info({ netns: c.netns ?? null, argv: [file, ...args], exitCode: r.exitCode ?? null }, 'attach');
    return r.exitCode ?? 1;
  }

  async start(c: Cmd, options: StartOptions = {}): Promise<Background> {
    const [file, ...args] = toArgv(c);
    this.#echo?.(`+ ${renderCmd(c)} &`);
    this.#logger.info({ netns: c.netns ?? null, argv: [file, ...args] }, 'start');
    const child: ResultPromise = execa(file!, args, { reject: false, env: ENV, stdin: 'ignore', buffer: false });
    let out = '';
    let readyLine: string | undefined;
    const exited = child.then((r) => r);
    const ready = new Promise<void>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 5000;
      const timer = setTimeout(() => reject(new Error(`\`${renderCmd(c)}\` not ready after ${timeoutMs} ms`)), timeoutMs);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (options.ready && readyLine === undefined) {
          const line = out.split('\n').find((l) => options.ready!.test(l));
          if (line !== undefined) {
            readyLine = line;
            clearTimeout(timer);
            resolve();
          }
        }
      });
      let errText = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => (errText += chunk));
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
        child.kill('SIGTERM');
        await exited;
      },
    };
  }
}
