// @ts-check
// Runs inside a lab namespace (`ip netns exec NS node agent.mjs ...`). Plain JavaScript so
// it starts in tens of milliseconds without a TypeScript loader. Only connects to or
// listens on addresses it is given; nslab gives it addresses inside lab namespaces only.
import net from 'node:net';

const [command, ...args] = process.argv.slice(2);

function whoamiServer(host, port) {
  // Replies with the source address it sees, so NAT becomes observable from the far side.
  const server = net.createServer((socket) => {
    socket.end(`${socket.remoteAddress?.replace(/^::ffff:/, '')}\n`);
  });
  server.listen(Number(port), host, () => console.log(`listening ${host}:${port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

function tcpClient(host, port, timeoutMs) {
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

switch (command) {
  case 'whoami-server':
    whoamiServer(args[0], args[1]);
    break;
  case 'tcp-client':
    tcpClient(args[0], args[1], args[2] ?? '1000');
    break;
  default:
    console.error(`agent: unknown command ${command}`);
    process.exit(2);
}
