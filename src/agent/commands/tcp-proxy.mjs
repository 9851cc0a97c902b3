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
  // The IPv6 any address takes IPv6 only: IPv4 is the 0.0.0.0 proxy's, as with Docker's two.
  server.listen({ port: Number(port), host, ipv6Only: host.includes(':') }, () => console.log(`listening ${host}:${port} -> ${targetHost}:${targetPort}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
