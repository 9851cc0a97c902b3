import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from '@fastify/websocket';
import { checkoutRoot } from '../checkout.js';
import { language, localize, translateTemplate } from '../text/i18n.js';
import { pageWords } from '../text/page-words.js';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { allLabs } from '../plan/catalogue.js';
import { doorHosts, refusal, type Door } from './guard.js';
import { exerciseList, ExerciseDesk } from './exercises.js';
import { BusyError, LabSession, type LabChoice, type LabView, type Progress } from './lab-session.js';
import { Terminals } from './terminals.js';
import type { LabEnv } from '../plan/lab.js';

// `nslab web`: one page, one lab, served on 127.0.0.1 with a token. The page's every asset is
// ours (offline, no CDN); its state lives here, in the LabSession, and reaches every open tab
// over /events; changes are POSTs, one at a time.

export interface WebOptions {
  readonly lab: string;
  readonly host: string;
  readonly port: number;
  readonly runner: Runner;
  readonly choose: (lab: string) => LabChoice;
  readonly env: () => LabEnv;
  readonly signal?: AbortSignal | undefined;
  /** For tests: a token of theirs instead of a random one. */
  readonly token?: string | undefined;
}

export interface WebServer {
  readonly url: string;
  readonly token: string;
  readonly port: number;
  readonly terminals: Terminals;
  readonly session: LabSession;
  close(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);
/** The page's files: ours from the checkout, xterm.js from node_modules. Read once. */
const ASSETS: Record<string, { type: string; path: () => string }> = {
  'app.js': { type: 'text/javascript', path: () => join(checkoutRoot(), 'src/web/page/app.js') },
  'app.css': { type: 'text/css', path: () => join(checkoutRoot(), 'src/web/page/app.css') },
  'xterm.js': { type: 'text/javascript', path: () => requireHere.resolve('@xterm/xterm/lib/xterm.js') },
  'xterm.css': { type: 'text/css', path: () => requireHere.resolve('@xterm/xterm/css/xterm.css') },
  'addon-fit.js': { type: 'text/javascript', path: () => requireHere.resolve('@xterm/addon-fit/lib/addon-fit.js') },
};

const statusOf = (err: unknown): number => (err instanceof BusyError ? 409 : err instanceof NslabError ? (/^unknown lab|no lab|not a lab/i.test(err.message) ? 404 : 400) : 500);

function fail(reply: FastifyReply, err: unknown): FastifyReply {
  const status = statusOf(err);
  return reply.code(status).send({ error: (err as Error).message, hint: err instanceof NslabError ? err.hint : undefined });
}

const pageDir = () => join(checkoutRoot(), 'src/web/page');

function page(token: string): string {
  const t = encodeURIComponent(token);
  return readFileSync(join(pageDir(), 'index.html'), 'utf8').replaceAll('{{TOKEN}}', t).replaceAll('{{LANG}}', language());
}

/** The page's words (data-say, w('...')) in the language spoken, for the page to put in. */
function words(): Record<string, string> {
  const all = ['index.html', 'app.js'].flatMap((f) => pageWords(readFileSync(join(pageDir(), f), 'utf8')));
  return Object.fromEntries(all.map((k) => [k, translateTemplate(k)]));
}

export async function startWeb(o: WebOptions): Promise<WebServer> {
  const token = o.token ?? randomBytes(18).toString('base64url');
  const sockets = new Set<WebSocket>();
  const terminals = new Terminals(o.runner);
  const broadcast = (message: { type: 'state'; state: LabView } | { type: 'progress'; progress: Progress }) => {
    const text = JSON.stringify(message);
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(text);
  };
  const session = new LabSession(o.lab, {
    runner: o.runner,
    choose: o.choose,
    signal: o.signal,
    events: {
      state: (state) => {
        terminals.prune();
        broadcast({ type: 'state', state });
      },
      progress: (progress) => broadcast({ type: 'progress', progress }),
    },
  });
  const exercises = new ExerciseDesk(o.runner, o.env);
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  let door: Door = { token, hosts: [] };

  // Every request, the page itself, its assets and both websockets, passes the door first.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Record<string, unknown>;
    const header = req.headers['x-nslab-token'];
    const refused = refusal(door, {
      host: req.headers.host,
      origin: req.headers.origin,
      token: typeof header === 'string' ? header : typeof q.token === 'string' ? q.token : undefined,
      websocket: req.headers.upgrade?.toLowerCase() === 'websocket',
    });
    if (refused) return reply.code(refused.status).header('content-type', 'application/json').send({ error: refused.error, hint: refused.hint });
    return undefined;
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `nslab web has no ${req.method} ${req.url.split('?')[0]}`, hint: 'open the URL nslab web printed' }));
  // Nothing of ours is to be framed by another page, or cached where another user could read it.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-frame-options', 'DENY').header('cache-control', 'no-store').header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'");
    return payload;
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(page(token)));
  app.get('/assets/:file', async (req, reply) => {
    const asset = ASSETS[(req.params as { file: string }).file];
    if (!asset) return reply.code(404).send({ error: `no asset ${(req.params as { file: string }).file}`, hint: 'the page asks only for its own' });
    return reply.type(`${asset.type}; charset=utf-8`).send(readFileSync(asset.path(), 'utf8'));
  });
  app.get('/api/labs', async () => ({
    labs: [...allLabs()].sort((a, b) => (a.number ?? 99) - (b.number ?? 99)).map((l) => ({ id: l.id, number: l.number, title: localize(l.title) })),
    exercises: exerciseList(),
    lang: language(),
    words: words(),
  }));
  const guarded = (f: (body: Record<string, unknown>, params: Record<string, string>) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return await f((req.body ?? {}) as Record<string, unknown>, req.params as Record<string, string>);
    } catch (err) {
      return fail(reply, err);
    }
  };
  app.get('/api/state', guarded(() => session.load()));
  app.post('/api/lab', guarded((b) => session.switchTo(typeof b.lab === 'string' ? b.lab : '')));
  app.post('/api/steps/:n/:action', guarded((_b, p) => {
    if (p.action === 'run') return session.runFrom(p.n);
    if (p.action === 'stop') return session.stopAt(p.n);
    if (p.action === 'rewind') return session.rewindTo(p.n);
    throw new NslabError(`a step has no action ${JSON.stringify(p.action)}`, { hint: 'run, stop or rewind' });
  }));
  app.post('/api/down', guarded(() => session.down()));
  app.post('/api/verify', guarded(() => session.verify()));
  app.post('/api/trace', guarded((b) => session.trace(b.from, b.to, b.port)));
  app.post('/api/exercises/:id/:action', guarded((_b, p) => exercises.act(p.id, p.action)));

  app.get('/events', { websocket: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.send(JSON.stringify({ type: 'state', state: session.view() }));
  });
  app.get('/terminal/:node', { websocket: true }, (socket, req) => {
    const node = (req.params as { node: string }).node;
    const q = req.query as Record<string, unknown>;
    // A terminal that cannot open says why in the page, and closes with a 4xxx code.
    terminals.open(session.model, session.view().at, node, { cols: Number(q.cols), rows: Number(q.rows) }).then(
      (t) => {
        if (socket.readyState !== socket.OPEN) return terminals.close(t);
        t.onData((d) => socket.readyState === socket.OPEN && socket.send(d));
        t.onExit((code) => socket.readyState === socket.OPEN && socket.close(4000, `the shell exited (${code})`));
        socket.on('message', (raw) => {
          let m: { type?: string; data?: unknown; cols?: unknown; rows?: unknown };
          try {
            m = JSON.parse(String(raw));
          } catch {
            return;
          }
          if (m.type === 'input' && typeof m.data === 'string') t.write(m.data);
          else if (m.type === 'resize' && Number.isInteger(m.cols) && Number.isInteger(m.rows)) t.resize(Math.min(400, Math.max(20, m.cols as number)), Math.min(200, Math.max(5, m.rows as number)));
        });
        socket.on('close', () => terminals.close(t));
      },
      (err) => {
        socket.send(`\r\n\x1b[31m${(err as Error).message}\x1b[0m\r\n${err instanceof NslabError && err.hint ? `${err.hint}\r\n` : ''}`);
        socket.close(4400, (err as Error).message.slice(0, 120));
      },
    );
  });

  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  door = { token, hosts: doorHosts(o.host, port) };
  const shown = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shown}:${port}/?token=${encodeURIComponent(token)}`,
    token,
    port,
    terminals,
    session,
    close: async () => {
      terminals.closeAll();
      for (const s of sockets) s.terminate();
      await app.close();
    },
  };
}
