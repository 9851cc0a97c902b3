// @ts-check
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';

// Names become file names below: nothing that could climb out of a records directory.
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
// Docker's embedded DNS answers with this TTL (libnetwork resolver.go respTTL).
const TTL = 600;

/**
 * The address of `name` on one of the networks, or undefined. A network is a directory
 * with one file per endpoint (name -> address), read on every query, so `network connect`
 * and `disconnect` show up at once, as they do in Docker's resolver.
 * @param {string[]} networks
 * @param {string} name
 */
function lookup(networks, name) {
  if (!NAME.test(name)) return undefined;
  for (const dir of networks) {
    try {
      return readFileSync(join(dir, name), 'utf8').trim();
    } catch {
      // not on this network
    }
  }
  return undefined;
}

/**
 * A DNS server for user-defined networks, like Docker's embedded one: it answers A queries
 * for the names of the endpoints on the networks it is given, NXDOMAIN for anything else
 * (the sandbox has no upstream to forward to). Listens on UDP host:port.
 * @param {string} host
 * @param {string} port
 * @param {string[]} networks
 */
export function dnsServer(host, port, ...networks) {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, peer) => {
    let query;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: a real server drops it too
    }
    const q = query.questions?.[0];
    const name = q?.name.toLowerCase().replace(/\.$/, '') ?? '';
    const address = lookup(networks, name);
    const answers = q?.type === 'A' && address ? [{ type: 'A', class: 'IN', name: q.name, ttl: TTL, data: address }] : [];
    const reply = dnsPacket.encode({
      id: query.id,
      type: 'response',
      // RD echoed, RA set: what resolvers expect from a recursive server. NXDOMAIN (rcode 3)
      // only when the name is unknown: a known name asked for AAAA gets an empty answer.
      flags: ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | (address ? 0 : 3),
      questions: query.questions ?? [],
      answers: /** @type {any} */ (answers),
    });
    socket.send(reply, peer.port, peer.address);
  });
  socket.bind(Number(port), host, () => console.log(`listening ${host}:${port} udp`));
  process.on('SIGTERM', () => socket.close(() => process.exit(0)));
}
