// @ts-check
// Runs inside a lab namespace (`ip netns exec NS node agent.mjs <command> ...`). Plain
// JavaScript so it starts in tens of milliseconds without a TypeScript loader. It only
// listens on or connects to addresses it is given, and nslab gives it lab addresses only.
// Servers print one ready line on stdout once listening (the runner and `daemon` wait for it).
import { daemon, stop } from './commands/daemon.mjs';
import { httpGet, httpServer } from './commands/http.mjs';
import { files, removeFile, writeFile } from './commands/files.mjs';
import { tcpClient } from './commands/tcp-client.mjs';
import { tcpProxy } from './commands/tcp-proxy.mjs';
import { udpProxy } from './commands/udp-proxy.mjs';
import { udpSend } from './commands/udp-send.mjs';
import { nftDeleteRule } from './commands/nft.mjs';
import { whoamiServer } from './commands/whoami.mjs';
import { standin } from './commands/standin.mjs';

/** @type {Record<string, (...args: string[]) => void>} */
const COMMANDS = {
  'whoami-server': whoamiServer,
  standin,
  'tcp-client': tcpClient,
  'tcp-proxy': tcpProxy,
  'udp-proxy': udpProxy,
  'udp-send': udpSend,
  'nft-delete-rule': nftDeleteRule,
  daemon,
  stop,
  'http-server': httpServer,
  'http-get': httpGet,
  'write-file': writeFile,
  'remove-file': removeFile,
  files: () => void files(),
  // DNS commands load dns-packet only when used, so probes start as fast as before.
  'dns-server': (...a) => void import('./commands/dns-server.mjs').then((m) => m.dnsServer(...a)),
  'dns-query': (...a) => void import('./commands/dns-query.mjs').then((m) => m.dnsQuery(...a)),
  'dns-relay': (...a) => void import('./commands/dns-server.mjs').then((m) => m.dnsRelay(...a)),
  // The real dockerd nslab is held against (src/realdocker/).
  'real-dockerd-start': (...a) => void import('./commands/real-dockerd.mjs').then((m) => m.realDockerdStart(...a)),
  'real-dockerd-stop': (...a) => void import('./commands/real-dockerd.mjs').then((m) => m.realDockerdStop(...a)),
};

const [command, ...args] = process.argv.slice(2);
const run = command === undefined ? undefined : COMMANDS[command];
if (!run) {
  console.error(`agent: unknown command ${command ?? '(none)'}; known: ${Object.keys(COMMANDS).join(', ')}`);
  process.exit(2);
}
run(...args);
