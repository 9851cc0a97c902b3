import { timingSafeEqual } from 'node:crypto';

// Who may talk to `nslab web`. The page drives root shells in the lab's namespaces, so a
// request must prove it comes from the person who started it (the token printed with the
// URL) and from a page of ours: a Host of ours (else a DNS-rebound name is talking to us) and,
// where the browser sends one, an Origin of ours (else another site's page is).

export interface Door {
  readonly token: string;
  /** host:port values a request may name, e.g. 127.0.0.1:8722. */
  readonly hosts: readonly string[];
}

export interface Knock {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  /** The token as the request carries it: ?token=, or the X-Nslab-Token header. */
  readonly token: string | undefined;
  /** A websocket upgrade: a browser always sends Origin with it, so it must be there. */
  readonly websocket: boolean;
}

export interface Refusal {
  readonly status: 403 | 421;
  readonly error: string;
  readonly hint: string;
}

/** The host:port names that reach a server bound to `bind` on `port`. */
export function doorHosts(bind: string, port: number): string[] {
  const names = ['127.0.0.1', 'localhost'];
  if (bind !== '0.0.0.0' && bind !== '::' && !names.includes(bind)) names.push(bind.includes(':') ? `[${bind}]` : bind);
  return names.map((n) => `${n}:${port}`);
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Undefined when the request may pass; else why not, in words for the page. */
export function refusal(door: Door, knock: Knock): Refusal | undefined {
  const host = knock.host?.toLowerCase();
  if (host === undefined || !door.hosts.includes(host)) {
    return { status: 421, error: `this server answers only to ${door.hosts.join(' or ')}, and the request named ${host ?? 'no host'}`, hint: 'open the URL nslab web printed, as it printed it' };
  }
  if (knock.origin !== undefined || knock.websocket) {
    const allowed = door.hosts.map((h) => `http://${h}`);
    if (knock.origin === undefined || !allowed.includes(knock.origin.toLowerCase())) {
      return { status: 403, error: `requests from ${knock.origin ?? 'a page that names no origin'} are refused: only nslab's own page may drive the lab`, hint: 'open the URL nslab web printed, as it printed it' };
    }
  }
  if (knock.token === undefined || !sameToken(knock.token, door.token)) {
    return { status: 403, error: knock.token === undefined ? 'this request carries no token' : 'this token is not the one nslab web printed', hint: 'open the URL nslab web printed (with its ?token=...); a new nslab web prints a new one' };
  }
  return undefined;
}
