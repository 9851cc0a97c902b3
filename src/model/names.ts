import { createHash } from 'node:crypto';
import { NslabError } from '../errors.js';

/** Every namespace nslab creates starts with this; `nslab clean` finds leftovers by it. */
export const NS_PREFIX = 'nslab-';
/** IFNAMSIZ is 16 including the NUL byte. */
export const IFNAME_MAX = 15;

// Lab and node names become parts of namespace names (`nslab-<lab>-<node>`), so '-' is
// reserved as the separator and nothing a shell or iproute2 treats specially gets through.
const LAB_NAME = /^[a-z][a-z0-9]{0,23}$/;
const NODE_NAME = /^[a-z][a-z0-9_]{0,23}$/;
// What the kernel's dev_valid_name() rejects, plus characters that make scripts fragile.
const IFNAME = /^[A-Za-z0-9_.@-]+$/;

export function validateLabName(name: string): string {
  if (!LAB_NAME.test(name)) {
    throw new NslabError(`invalid lab name ${JSON.stringify(name)}`, {
      hint: 'use a lowercase letter followed by up to 23 lowercase letters or digits, e.g. "docker0" or "t1"',
    });
  }
  return name;
}

export function validateNodeName(name: string): string {
  if (!NODE_NAME.test(name)) {
    throw new NslabError(`invalid node name ${JSON.stringify(name)}`, {
      hint: 'use a lowercase letter followed by lowercase letters, digits or "_", e.g. "c1" or "web"',
    });
  }
  return name;
}

export function validateIfName(name: string): string {
  if (name.length === 0 || name.length > IFNAME_MAX) {
    throw new NslabError(`interface name ${JSON.stringify(name)} is ${name.length} characters; Linux allows at most ${IFNAME_MAX}`, {
      hint: 'choose a shorter interface name',
    });
  }
  if (!IFNAME.test(name) || name === '.' || name === '..') {
    throw new NslabError(`interface name ${JSON.stringify(name)} has characters Linux or a shell will not accept`, {
      hint: 'use letters, digits, "_", "-", "." or "@" only',
    });
  }
  return name;
}

export function nsName(lab: string, node: string): string {
  return `${NS_PREFIX}${lab}-${node}`;
}

/** Splits `nslab-<lab>-<node>` back into its parts; undefined for names nslab did not make. */
export function parseNsName(ns: string): { lab: string; node: string } | undefined {
  if (!ns.startsWith(NS_PREFIX)) return undefined;
  const rest = ns.slice(NS_PREFIX.length);
  const dash = rest.indexOf('-');
  if (dash <= 0 || dash === rest.length - 1) return undefined;
  return { lab: rest.slice(0, dash), node: rest.slice(dash + 1) };
}

/**
 * Docker names the host end `veth` + 7 random hex characters. nslab derives the hex from
 * the endpoint's identity instead, so plans, dry-run scripts and tests are reproducible.
 */
export function vethName(...identity: string[]): string {
  return `veth${createHash('sha256').update(identity.join('/')).digest('hex').slice(0, 7)}`;
}

/** The iptables comment that marks every rule a lab owns. */
export function ruleTag(lab: string): string {
  return `nslab:${lab}`;
}
