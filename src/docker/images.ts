import { NslabError } from '../errors.js';

export interface ServicePort {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/**
 * What well-known images listen on (their EXPOSE lines). There are no images in nslab: the
 * image only decides which ports the container's stand-in service answers on.
 */
const IMAGE_PORTS: Readonly<Record<string, readonly string[]>> = {
  nginx: ['80/tcp'],
  httpd: ['80/tcp'],
  caddy: ['80/tcp', '443/tcp'],
  traefik: ['80/tcp'],
  redis: ['6379/tcp'],
  valkey: ['6379/tcp'],
  memcached: ['11211/tcp'],
  postgres: ['5432/tcp'],
  mysql: ['3306/tcp', '33060/tcp'],
  mariadb: ['3306/tcp'],
  mongo: ['27017/tcp'],
  rabbitmq: ['4369/tcp', '5671/tcp', '5672/tcp', '25672/tcp'],
  elasticsearch: ['9200/tcp', '9300/tcp'],
  registry: ['5000/tcp'],
  coredns: ['53/tcp', '53/udp'],
  busybox: [],
  alpine: [],
  ubuntu: [],
  debian: [],
};

/**
 * What an image runs when `docker run` names no command (its ENTRYPOINT and CMD), as `docker
 * ps` shows it; images nslab does not know run sh, as busybox does.
 */
const IMAGE_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  nginx: ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'],
  httpd: ['httpd-foreground'],
  redis: ['docker-entrypoint.sh', 'redis-server'],
  valkey: ['docker-entrypoint.sh', 'valkey-server'],
  postgres: ['docker-entrypoint.sh', 'postgres'],
  mysql: ['docker-entrypoint.sh', 'mysqld'],
  mariadb: ['docker-entrypoint.sh', 'mariadbd'],
  mongo: ['docker-entrypoint.sh', 'mongod'],
  memcached: ['docker-entrypoint.sh', 'memcached'],
  ubuntu: ['/bin/bash'],
  debian: ['bash'],
  alpine: ['/bin/sh'],
  busybox: ['sh'],
};

export function imageCommand(image: string): string[] {
  return [...(IMAGE_COMMANDS[imageBase(image)] ?? ['sh'])];
}

/**
 * The ports a command given after the image listens on, where nslab can tell: busybox's
 * `httpd -p 80`, `nc -l -p 9000`, `python3 -m http.server 8000`. The stand-in answers there.
 */
export function commandPorts(command: readonly string[]): ServicePort[] {
  const [file = '', ...args] = command;
  const base = file.split('/').at(-1)!;
  const after = (flag: string) => {
    const i = args.findIndex((a) => a === flag || a.startsWith(flag));
    if (i < 0) return undefined;
    const v = args[i] === flag ? args[i + 1] : args[i]!.slice(flag.length);
    return v?.split(':').at(-1);
  };
  const tcp = (v: string | undefined): ServicePort[] => (v && /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? [{ port: Number(v), protocol: 'tcp' }] : []);
  if (base === 'httpd') return tcp(after('-p') ?? '80');
  if (base === 'nc' && args.some((a) => /^-\w*l/.test(a))) return tcp(after('-p') ?? args.at(-1));
  if (/^python[\d.]*$/.test(base) && args[0] === '-m' && args[1] === 'http.server') return tcp(args[2] && /^\d+$/.test(args[2]) ? args[2] : '8000');
  return [];
}

/** nginx, nginx:1.27, docker.io/library/nginx:latest and nginx@sha256:... are all nginx. */
export function imageBase(image: string): string {
  const noDigest = image.split('@')[0]!;
  const last = noDigest.split('/').at(-1)!;
  return last.split(':')[0]!.toLowerCase();
}

export function parseServicePort(spec: string): ServicePort {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(spec.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new NslabError(`invalid port ${JSON.stringify(spec)}`, { hint: 'a port is PORT or PORT/tcp or PORT/udp, 1 to 65535' });
  return { port, protocol: (m[2] ?? 'tcp') as 'tcp' | 'udp' };
}

/** The ports the stand-in listens on: the image's, then --expose's, then the container side of -p. */
export function servicePorts(image: string, more: readonly ServicePort[]): ServicePort[] {
  const all = [...(IMAGE_PORTS[imageBase(image)] ?? []).map(parseServicePort), ...more];
  const seen = new Set<string>();
  return all.filter((p) => {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
