// @ts-check
import net from 'node:net';

/**
 * docker-proxy's job for one TCP port: accept on the host address and port, and splice each
 * connection to the container's address and port. The container sees the proxy's own source
 * address (the bridge gateway), as with the real docker-proxy (moby#15086).
 */
export function tcpProxy(host, port, targetHost, targetPort) {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), targetHost);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  server.listen(Number(port), host, () => console.log(`listening ${host}:${port} -> ${targetHost}:${targetPort}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
