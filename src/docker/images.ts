import { NslabError } from '../errors.js';

export interface ServicePort {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** What an image's config says: its ENTRYPOINT, CMD and EXPOSE lines (from Docker Hub's images). */
export interface ImageConfig {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly expose: readonly string[];
}

const image = (cmd: readonly string[], expose: readonly string[] = [], entrypoint: readonly string[] = []): ImageConfig => ({ entrypoint, cmd, expose });
const entrypointed = (service: string, expose: readonly string[]) => image([service], expose, ['docker-entrypoint.sh']);

/**
 * The well-known images nslab knows. There are no images in nslab: the config decides what
 * `docker ps` and inspect show, and which ports the container's stand-in service answers on.
 */
export const IMAGES: Readonly<Record<string, ImageConfig>> = {
  nginx: image(['nginx', '-g', 'daemon off;'], ['80/tcp'], ['/docker-entrypoint.sh']),
  httpd: image(['httpd-foreground'], ['80/tcp']),
  caddy: image(['caddy', 'run', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'], ['80/tcp', '443/tcp']),
  traefik: image(['traefik'], ['80/tcp'], ['/entrypoint.sh']),
  redis: entrypointed('redis-server', ['6379/tcp']),
  valkey: entrypointed('valkey-server', ['6379/tcp']),
  memcached: entrypointed('memcached', ['11211/tcp']),
  postgres: entrypointed('postgres', ['5432/tcp']),
  mysql: entrypointed('mysqld', ['3306/tcp', '33060/tcp']),
  mariadb: entrypointed('mariadbd', ['3306/tcp']),
  mongo: entrypointed('mongod', ['27017/tcp']),
  rabbitmq: entrypointed('rabbitmq-server', ['4369/tcp', '5671/tcp', '5672/tcp', '25672/tcp']),
  elasticsearch: image(['eswrapper'], ['9200/tcp', '9300/tcp'], ['/bin/tini', '--', '/usr/local/bin/docker-entrypoint.sh']),
  registry: image(['/etc/docker/registry/config.yml'], ['5000/tcp'], ['/entrypoint.sh']),
  coredns: image([], ['53/tcp', '53/udp'], ['/coredns']),
  busybox: image(['sh']),
  alpine: image(['/bin/sh']),
  ubuntu: image(['/bin/bash']),
  debian: image(['bash']),
};

/**
 * An image nslab does not know (the user's own `app`): what it runs is unknown, and such an
 * image is most often a service. It stands in with a process that keeps running.
 */
const UNKNOWN = image(['sleep', 'infinity']);

/** An image's config, by its base name (nginx:1.27 is nginx). */
export function imageConfig(name: string): ImageConfig {
  return IMAGES[imageBase(name)] ?? UNKNOWN;
}

/**
 * What an image runs when `docker run` names no command (its ENTRYPOINT and CMD), as `docker
 * ps` shows it.
 */
export function imageCommand(name: string): string[] {
  const c = imageConfig(name);
  return [...c.entrypoint, ...c.cmd];
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
  const all = [...imageConfig(image).expose.map(parseServicePort), ...more];
  const seen = new Set<string>();
  return all.filter((p) => {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
