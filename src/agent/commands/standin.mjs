// @ts-check
import dgram from 'node:dgram';
import net from 'node:net';

/**
 * The stand-in for a container's service (there are no images): a listener on each of its
 * ports, TCP or UDP, that answers every connection or datagram with the container's name.
 * So a published port, or one service reaching another, is proven by a real answer.
 * Ports are "80/tcp", "53/udp". With `--ipv6` first (a container with an IPv6 address), it
 * listens on both families, as a service bound to [::] does.
 */
export function standin(...args) {
  const dual = args[0] === '--ipv6';
  const [name, ...ports] = dual ? args.slice(1) : args;
  const servers = [];
  for (const spec of ports) {
    const [port, proto = 'tcp'] = spec.split('/');
    if (proto === 'udp') {
      const sock = dual ? dgram.createSocket({ type: 'udp6', ipv6Only: false }) : dgram.createSocket('udp4');
      sock.on('message', (_msg, rinfo) => sock.send(`${name}\n`, rinfo.port, rinfo.address));
      sock.bind(Number(port), dual ? '::' : '0.0.0.0');
      servers.push(() => sock.close());
    } else {
      const server = net.createServer((socket) => socket.end(`${name}\n`));
      server.listen({ port: Number(port), host: dual ? '::' : '0.0.0.0', ipv6Only: false });
      servers.push(() => server.close());
    }
  }
  console.log(`listening ${ports.join(' ')}`);
  process.on('SIGTERM', () => {
    for (const close of servers) close();
    process.exit(0);
  });
}
