// @ts-check
import dgram from 'node:dgram';

/**
 * Sends one datagram from a fixed local port (so a trace can pick it out of the captures),
 * waits for one answer, prints one JSON line; exit 0 only if something answered.
 */
export function udpSend(host, port, localPort, timeoutMs = '1000') {
  const started = performance.now();
  const socket = dgram.createSocket('udp4');
  const finish = (result) => {
    console.log(JSON.stringify({ ...result, ms: Math.round((performance.now() - started) * 1000) / 1000 }));
    socket.close();
    process.exit(result.ok ? 0 : 1);
  };
  socket.on('error', (err) => finish({ ok: false, error: err.message }));
  socket.on('message', (msg) => finish({ ok: true, data: msg.toString('utf8').slice(0, 200) }));
  socket.bind(Number(localPort), () => {
    socket.send('nslab trace\n', Number(port), host);
    setTimeout(() => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }), Number(timeoutMs));
  });
}
