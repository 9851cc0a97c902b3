import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { BIN } from './support.js';

// What the tests of `nslab web` share: the real command as a user starts it, a request with
// any Host, Origin and token a browser or an attacker could send, and Debian's Chromium.

export interface RunningWeb {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly token: string;
  err(): string;
  /** Ctrl-C, and wait for it to exit. */
  stop(): Promise<number | null>;
}

export function startWeb(argv: readonly string[]): Promise<RunningWeb> {
  const child = spawn(BIN, ['web', ...argv, '--port', '0'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nslab web printed no URL in 30 s: ${out}${err}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`nslab web exited (${code}) before printing a URL: ${out}${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child,
        url: m[1]!,
        port: Number(m[2]),
        token: decodeURIComponent(m[3]!),
        err: () => err,
        stop: async () => {
          child.kill('SIGINT');
          return exited;
        },
      });
    });
  });
}

export interface Answer {
  readonly status: number;
  readonly body: { error?: string; hint?: string } & Record<string, unknown>;
}

/** A request as anyone could send it: the Host and Origin headers are the caller's. */
export function knock(port: number, path: string, o: { method?: string; host?: string; origin?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers: Record<string, string> = { host: o.host ?? `127.0.0.1:${port}` };
    if (o.origin) headers.origin = o.origin;
    if (o.token) headers['x-nslab-token'] = o.token;
    if (data) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let body: Answer['body'];
        try {
          body = JSON.parse(text);
        } catch {
          body = { text };
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A websocket as anyone could open it: how it ends (refused with a status, or closed with a code), and what it was sent. */
export function openSocket(url: string, origin: string | undefined, o: { untilMessage?: boolean } = {}): Promise<{ opened: boolean; status?: number; code?: number; reason?: string; said: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    let said = '';
    let opened = false;
    ws.on('open', () => (opened = true));
    ws.on('message', (d) => {
      said += d.toString();
      if (o.untilMessage) ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode, said });
      ws.terminate();
    });
    ws.on('close', (code, reason) => resolve({ opened, code, reason: reason.toString(), said }));
    ws.on('error', () => undefined);
    setTimeout(() => {
      resolve({ opened, said });
      ws.terminate();
    }, 5000);
  });
}

/** Debian's Chromium (no browser download), headless, as root, kept off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** The processes running in a namespace, by command name. */
export function processesIn(ns: string): string[] {
  let pids: string[];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    try {
      return [execFileSync('cat', [`/proc/${pid}/comm`], { encoding: 'utf8' }).trim()];
    } catch {
      return [];
    }
  });
}
