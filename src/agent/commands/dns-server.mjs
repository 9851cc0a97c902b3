// @ts-check
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import dnsPacket from 'dns-packet';

// A DNS name of lab records: labels of letters, digits, '_' and '-'.
const NAME = /^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;
// Docker's embedded DNS answers with this TTL (libnetwork resolver.go respTTL).
const TTL = 600;
const UPSTREAM_TIMEOUT_MS = 2000;

/**
 * `@DIR` is a container's view: one file per network it is on, naming that network's
 * directory (read on every query, as the networks are). Any other argument is a network.
 * @param {string} arg
 * @returns {string[]}
 */
function viewed(arg) {
  if (!arg.startsWith('@')) return [arg];
  const view = arg.slice(1);
  try {
    // By network name, in byte order: the order libnetwork's sandbox walks its endpoints in
    // (Endpoint.Less, where no --gw-priority or --internal tells them apart).
    return readdirSync(view)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap((f) => {
        try {
          return [readFileSync(join(view, f), 'utf8').trim()];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

/**
 * The addresses of `name` on the first of the networks that knows it (Sandbox.ResolveName
 * returns the first endpoint's network's answer), read on every query, so `network connect`
 * and `disconnect` show up at once, as they do in Docker's resolver. A network is a directory
 * with one file per endpoint: its address on the first line, its names on the others.
 * @param {string[]} networks
 * @param {string} name
 */
function lookup(networks, name) {
  if (!NAME.test(name)) return [];
  const found = [];
  for (const dir of networks.flatMap(viewed)) {
    let files = [];
    try {
      files = readdirSync(dir);
    } catch {
      continue; // no endpoint on this network yet
    }
    for (const f of files) {
      try {
        const [address, ...names] = readFileSync(join(dir, f), 'utf8').trim().split('\n');
        if (names.map((n) => n.toLowerCase()).includes(name)) found.push(address);
      } catch {
        // the endpoint left while we looked
      }
    }
    if (found.length > 0) return found;
  }
  return found;
}

/**
 * Forwards a query it cannot answer to the upstream server, from this namespace, and hands
 * back whatever comes: as Docker does with the host's nameservers.
 * @param {string} upstream
 * @param {Buffer} msg
 * @returns {Promise<Buffer | undefined>}
 */
function forward(upstream, msg) {
  if (upstream.startsWith('relay:')) return relayed(upstream.slice('relay:'.length), msg);
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    let over = false;
    const done = (/** @type {Buffer | undefined} */ reply) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), UPSTREAM_TIMEOUT_MS);
    socket.on('message', (reply) => done(reply));
    socket.on('error', () => done(undefined));
    // Connected, so that an ICMP unreachable ends it at once, as it ends Go's exchange in
    // Docker's resolver; no route at all fails the send itself.
    socket.connect(53, upstream, (err) => {
      if (err) done(undefined);
      else socket.send(msg, (e) => e && done(undefined));
    });
  });
}

/**
 * Docker's resolver runs in dockerd, which dials an upstream from the host's namespace or,
 * entering it, from the container's (resolver.go dialExtDNS). nslab's resolver lives in the
 * container's namespace; what Docker asks from the host's goes through a relay there, over a
 * Unix socket (a path, which no network namespace separates). `spec` is "SOCKET|SERVER".
 * @param {string} spec
 * @param {Buffer} msg
 * @returns {Promise<Buffer | undefined>}
 */
function relayed(spec, msg) {
  const [path, server] = spec.split('|');
  return new Promise((resolve) => {
    let got = '';
    const socket = net.createConnection(/** @type {string} */ (path));
    const done = (/** @type {Buffer | undefined} */ reply) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(UPSTREAM_TIMEOUT_MS + 500, () => done(undefined));
    socket.on('connect', () => socket.write(`${JSON.stringify({ server, msg: msg.toString('base64') })}\n`));
    socket.on('data', (chunk) => {
      got += chunk;
      if (!got.includes('\n')) return;
      const { reply } = JSON.parse(got.slice(0, got.indexOf('\n')));
      done(reply ? Buffer.from(reply, 'base64') : undefined);
    });
    socket.on('error', () => done(undefined));
  });
}

/**
 * The host side of the relay: started in the docker host's namespace, it forwards each query
 * it is handed to the server named with it, from there, and hands the answer back.
 * @param {string} path
 */
export function dnsRelay(path) {
  mkdirSync(dirname(path), { recursive: true });
  try {
    unlinkSync(path);
  } catch {
    // none left over
  }
  const server = net.createServer((socket) => {
    let got = '';
    socket.on('data', (chunk) => {
      got += chunk;
      if (!got.includes('\n')) return;
      const { server: upstream, msg } = JSON.parse(got.slice(0, got.indexOf('\n')));
      void forward(upstream, Buffer.from(msg, 'base64')).then((reply) => socket.end(`${JSON.stringify({ reply: reply?.toString('base64') ?? null })}\n`));
    });
    socket.on('error', () => socket.destroy());
  });
  server.listen(path, () => console.log(`listening ${path}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/**
 * @param {Buffer} msg
 * @param {string[]} networks
 * @param {string | undefined} upstream
 * @returns {Promise<Buffer | undefined>}
 */
async function answer(msg, networks, upstream) {
  let query;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return undefined; // not DNS: a real server drops it too
  }
  const q = query.questions?.[0];
  const name = q?.name.toLowerCase().replace(/\.$/, '') ?? '';
  const addresses = lookup(networks, name);
  // Docker's resolver passes on what its upstream answers (an NXDOMAIN too), and answers
  // SERVFAIL when none does or it has none (resolver.go serveDNS); a zone's own server says
  // NXDOMAIN.
  let rcode = addresses.length > 0 ? 0 : 3;
  if (addresses.length === 0 && upstream) {
    const reply = upstream === 'none' ? undefined : await forward(upstream, msg);
    if (reply) return reply;
    rcode = 2;
  }
  const answers = q?.type === 'A' ? addresses.map((data) => ({ type: 'A', class: 'IN', name: q.name, ttl: TTL, data })) : [];
  return dnsPacket.encode({
    id: query.id,
    type: 'response',
    // RD echoed, RA set: what resolvers expect from a recursive server. NXDOMAIN (rcode 3)
    // only when the name is unknown: a known name asked for AAAA gets an empty answer.
    flags: ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | rcode,
    questions: query.questions ?? [],
    answers: /** @type {any} */ (answers),
  });
}

/**
 * A DNS server like Docker's embedded one: it answers A queries for the names on the
 * networks it is given, forwards the rest to `upstream` ('none': SERVFAIL, as Docker's
 * resolver without one; '-': none, and NXDOMAIN, as the server of a zone), on UDP
 * host:udpPort and TCP host:tcpPort (TCP messages carry a two-byte length).
 * The same server, with records of its own zone, plays the internet's DNS server.
 * @param {string} host
 * @param {string} udpPort
 * @param {string} tcpPort
 * @param {string} upstream
 * @param {string[]} networks
 */
export function dnsServer(host, udpPort, tcpPort, upstream, ...networks) {
  const up = upstream === '-' ? undefined : upstream;
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, peer) => {
    void answer(msg, networks, up).then((reply) => reply && udp.send(reply, peer.port, peer.address));
  });
  const tcp = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const msg = buffer.subarray(2, 2 + buffer.readUInt16BE(0));
        buffer = buffer.subarray(2 + msg.length);
        void answer(Buffer.from(msg), networks, up).then((reply) => {
          if (!reply) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([len, reply]));
        });
      }
    });
    socket.on('error', () => socket.destroy());
  });
  let ready = 0;
  const listening = () => ++ready === 2 && console.log(`listening ${host}:${udpPort} udp, ${host}:${tcpPort} tcp`);
  udp.bind(Number(udpPort), host, listening);
  tcp.listen(Number(tcpPort), host, listening);
  process.on('SIGTERM', () => {
    tcp.close();
    udp.close(() => process.exit(0));
  });
}
