// @ts-check
import dgram from 'node:dgram';

/** How long a client's flow lives without traffic (docker-proxy's UDPConnTrackTimeout). */
const FLOW_IDLE_MS = 90_000;

/**
 * docker-proxy's job for one UDP port: each client (address and port) gets a socket of its own
 * towards the container, and what the container answers goes back to that client from the
 * host's port. As with TCP, the container sees the proxy's address, not the client's.
 */
export function udpProxy(host, port, targetHost, targetPort) {
  const v6 = host.includes(':');
  const server = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
  /** @type {Map<string, { socket: dgram.Socket, timer: NodeJS.Timeout }>} */
  const flows = new Map();
  server.on('message', (msg, client) => {
    const key = `${client.address}:${client.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const socket = dgram.createSocket(targetHost.includes(':') ? 'udp6' : 'udp4');
      socket.on('message', (reply) => server.send(reply, client.port, client.address));
      socket.on('error', () => socket.close());
      flow = { socket, timer: setTimeout(() => {}, 0) };
      flows.set(key, flow);
    }
    const current = flow;
    clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      flows.delete(key);
      current.socket.close();
    }, FLOW_IDLE_MS);
    current.socket.send(msg, Number(targetPort), targetHost);
  });
  server.bind({ port: Number(port), address: host }, () => console.log(`listening ${host}:${port}/udp -> ${targetHost}:${targetPort}`));
  process.on('SIGTERM', () => {
    for (const f of flows.values()) f.socket.close();
    server.close(() => process.exit(0));
  });
}
