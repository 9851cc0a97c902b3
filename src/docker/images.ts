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
