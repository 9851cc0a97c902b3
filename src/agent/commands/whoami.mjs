// @ts-check
import net from 'node:net';

/** TCP server that replies with the source address it sees: NAT made observable. */
export function whoamiServer(host, port) {
  const server = net.createServer((socket) => {
    socket.end(`${socket.remoteAddress?.replace(/^::ffff:/, '')}\n`);
  });
  // Port 0 lets the kernel pick a free port; the ready line says which one it picked.
  server.listen(Number(port), host, () => console.log(`listening ${host}:${server.address().port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
