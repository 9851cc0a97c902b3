// @ts-check
import dgram from 'node:dgram';
import net from 'node:net';

/**
 * The stand-in for a container's service (there are no images): a listener on each of its
 * ports, TCP or UDP, that answers every connection or datagram with the container's name.
 * So a published port, or one service reaching another, is proven by a real answer.
 * Ports are "80/tcp", "53/udp".
 */
export function standin(name, ...ports) {
  const servers = [];
  for (const spec of ports) {
    const [port, proto = 'tcp'] = spec.split('/');
    if (proto === 'udp') {
      const sock = dgram.createSocket('udp4');
      sock.on('message', (_msg, rinfo) => sock.send(`${name}\n`, rinfo.port, rinfo.address));
      sock.bind(Number(port), '0.0.0.0');
      servers.push(() => sock.close());
    } else {
      const server = net.createServer((socket) => socket.end(`${name}\n`));
      server.listen(Number(port), '0.0.0.0');
      servers.push(() => server.close());
    }
  }
  console.log(`listening ${ports.join(' ')}`);
  process.on('SIGTERM', () => {
    for (const close of servers) close();
    process.exit(0);
  });
}
