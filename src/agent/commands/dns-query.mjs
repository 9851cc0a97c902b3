// @ts-check
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

/**
 * Asks server:port for the A record of `name`, over UDP or TCP, and prints one JSON line:
 * {ok, rcode, addresses, ms} or {ok: false, error}. Exit 0 only when it got an address.
 * The UDP socket is connected, so an ICMP port unreachable (no server) reads as "refused".
 * @param {string} server
 * @param {string} port
 * @param {string} name
 * @param {string} timeoutMs
 * @param {string} transport
 * @param {string} localPort a fixed source port (UDP), so a trace can pick the query out
 */
export function dnsQuery(server, port, name, timeoutMs = '1000', transport = 'udp', localPort = '') {
  const started = performance.now();
  const query = dnsPacket.encode({ type: 'query', id: Math.floor(Math.random() * 65536), flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', class: 'IN', name }] });
  let close = () => {};
  const finish = (/** @type {Record<string, unknown>} */ result) => {
    console.log(JSON.stringify({ ...result, transport, ms: Math.round((performance.now() - started) * 1000) / 1000 }));
    close();
    process.exit(result.ok ? 0 : 1);
  };
  const timer = setTimeout(() => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }), Number(timeoutMs));
  const failed = (/** @type {NodeJS.ErrnoException} */ err) => {
    clearTimeout(timer);
    finish({ ok: false, error: err.code === 'ECONNREFUSED' ? `nothing listens on ${server}:${port}/${transport} (refused)` : err.message });
  };
  const decoded = (/** @type {Buffer} */ msg) => {
    clearTimeout(timer);
    const reply = dnsPacket.decode(msg);
    const addresses = (reply.answers ?? []).filter((a) => a.type === 'A').map((a) => String(a.data));
    finish({ ok: addresses.length > 0, rcode: reply.rcode, addresses });
  };
  if (transport === 'tcp') {
    const socket = net.connect(Number(port), server, () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    close = () => socket.destroy();
    let buffer = Buffer.alloc(0);
    socket.on('error', failed);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) decoded(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
    });
    return;
  }
  const socket = dgram.createSocket('udp4');
  close = () => socket.close();
  socket.on('error', failed);
  socket.on('message', decoded);
  const send = () => socket.connect(Number(port), server, () => socket.send(query));
  if (localPort) socket.bind(Number(localPort), send);
  else send();
}
