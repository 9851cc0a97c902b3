// @ts-check
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

/**
 * Asks server:port for the A record of `name` over UDP and prints one JSON line:
 * {ok, rcode, addresses, ms} or {ok: false, error}. Exit 0 only when it got an address.
 * The socket is connected, so an ICMP port unreachable (no server) reads as "refused".
 * @param {string} server
 * @param {string} port
 * @param {string} name
 * @param {string} timeoutMs
 */
export function dnsQuery(server, port, name, timeoutMs = '1000') {
  const started = performance.now();
  const socket = dgram.createSocket('udp4');
  const finish = (/** @type {Record<string, unknown>} */ result) => {
    console.log(JSON.stringify({ ...result, ms: Math.round((performance.now() - started) * 1000) / 1000 }));
    socket.close();
    process.exit(result.ok ? 0 : 1);
  };
  const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }), Number(timeoutMs));
  socket.on('error', (err) => {
    clearTimeout(timer);
    finish({ ok: false, error: /** @type {NodeJS.ErrnoException} */ (err).code === 'ECONNREFUSED' ? `nothing listens on ${server}:${port} (refused)` : err.message });
  });
  socket.on('message', (msg) => {
    clearTimeout(timer);
    const reply = dnsPacket.decode(msg);
    const addresses = (reply.answers ?? []).filter((a) => a.type === 'A').map((a) => String(a.data));
    finish({ ok: addresses.length > 0, rcode: reply.rcode, addresses });
  });
  socket.connect(Number(port), server, () => {
    const id = Math.floor(Math.random() * 65536);
    socket.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', class: 'IN', name }] }));
  });
}
