// @ts-check
import net from 'node:net';

/**
 * Connects, reads until the server closes, prints one JSON line; exit 0 only if it connected.
 * A fixed local port lets a trace pick this connection's packets out of the captures.
 */
export function tcpClient(host, port, timeoutMs = '1000', localPort = '', until = 'end') {
  const started = performance.now();
  const socket = net.connect({ host, port: Number(port), ...(localPort ? { localPort: Number(localPort) } : {}) });
  // A trace asks only whether the handshake completed, not what the server has to say.
  if (until === 'connect') socket.on('connect', () => finish({ ok: true, data: 'connected' }));
  let data = '';
  const finish = (result) => {
    console.log(JSON.stringify({ ...result, ms: Math.round((performance.now() - started) * 1000) / 1000 }));
    socket.destroy();
    process.exit(result.ok ? 0 : 1);
  };
  socket.setTimeout(Number(timeoutMs), () => finish({ ok: false, error: `no answer within ${timeoutMs} ms` }));
  socket.on('data', (chunk) => (data += chunk));
  socket.on('end', () => finish({ ok: true, data: data.trim() }));
  socket.on('error', (err) => finish({ ok: false, error: err.message }));
}
