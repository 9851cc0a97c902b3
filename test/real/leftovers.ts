import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * What a real dockerd and its pair could leave behind, named: namespaces (nslab-<name>-*),
 * processes of dockerd, containerd, the shims and docker-proxy, and the containers' (cgroups
 * /nslab-<name>), mounts naming an instance, cgroup directories, the instance's files.
 */
export function leftovers(names: readonly string[], stateDir: string): string[] {
  const out: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!);
  for (const name of names) {
    out.push(...netns.filter((n) => n.startsWith(`nslab-${name}-`)).map((n) => `namespace ${n}`));
    if (existsSync(join(stateDir, 'labs', name))) out.push(`state ${join(stateDir, 'labs', name)}`);
    for (const dir of existsSync('/etc/netns') ? readdirSync('/etc/netns') : []) if (dir.startsWith(`nslab-${name}-`)) out.push(`file /etc/netns/${dir}`);
    const base = '/sys/fs/cgroup';
    const roots = existsSync(join(base, 'cgroup.controllers')) ? [base] : readdirSync(base).map((c) => join(base, c));
    for (const r of roots) if (existsSync(join(r, `nslab-${name}`))) out.push(`cgroup ${join(r, `nslab-${name}`)}`);
  }
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) if (names.some((n) => line.includes(`/labs/${n}/`))) out.push(`mount ${line}`);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv = '';
    let cgroup = '';
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      cgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    } catch {
      continue;
    }
    const mine = names.some((n) => cgroup.includes(`/nslab-${n}/`) || argv.includes(`/labs/${n}/`));
    if (mine || (/\b(dockerd|containerd|containerd-shim\S*|docker-proxy)\b/.test(argv) && names.some((n) => argv.includes(n)))) out.push(`process ${pid}: ${argv.trim()}`);
  }
  return out;
}
