// @ts-check
import http from 'node:http';

/**
 * The web server of the `-p 8080:80` lab: answers every GET with who served it and the
 * client address it saw (so DNAT, which keeps the client's address, is visible).
 */
export function httpServer(host, port, name = 'web', bytes = '0') {
  // A body of `bytes` (a download, for the MTU lab): full-size segments, which small answers never need.
  const padding = Number(bytes) > 0 ? `${'.'.repeat(Math.max(0, Number(bytes) - 1))}\n` : '';
  const server = http.createServer((req, res) => {
    const client = req.socket.remoteAddress?.replace(/^::ffff:/, '');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`hello from ${name}; you are ${client}\n${padding}`);
  });
  server.listen(Number(port), host, () => console.log(`listening ${host}:${port}`));
  // Keep-alive clients would hold close() open: they are dropped, and the server goes at once.
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

/** GETs http://host:port/ and prints one JSON line; exit 0 only if an answer came back. */
export function httpGet(host, port, timeoutMs = '1000') {
  const started = performance.now();
  const finish = (result) => {
    console.log(JSON.stringify({ ...result, ms: Math.round((performance.now() - started) * 1000) / 1000 }));
    process.exit(result.ok ? 0 : 1);
  };
  const req = http.get({ host, port: Number(port), path: '/', timeout: Number(timeoutMs) }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (body += c));
    res.on('end', () => finish({ ok: true, status: res.statusCode, body }));
  });
  req.on('timeout', () => {
    req.destroy();
    finish({ ok: false, error: `no answer within ${timeoutMs} ms` });
  });
  req.on('error', (err) => finish({ ok: false, error: err.message }));
}
