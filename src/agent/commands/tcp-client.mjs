// @ts-check
import net from 'node:net';

/** Connects, reads until the server closes, prints one JSON line; exit 0 only if it connected. */
export function tcpClient(host, port, timeoutMs = '1000') {
  const started = performance.now();
  const socket = net.connect({ host, port: Number(port) });
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
