import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireRoot } from '../../../src/kernel/preflight.js';
import { findTool, requireTools } from '../../../src/kernel/tools.js';

describe('preflight', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
    vi.restoreAllMocks();
  });

  it('refuses to run without root, and says to use sudo', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    expect(() => requireRoot()).toThrow(expect.objectContaining({ message: 'nslab must run as root to create network namespaces', hint: 'run it with sudo, e.g. `sudo npm start`' }));
  });

  it('names every missing tool and the Debian packages that provide them', () => {
    process.env.PATH = '/nonexistent';
    expect(() => requireTools(['ip', 'brctl', 'ping'])).toThrow(
      expect.objectContaining({ message: 'ip, brctl, ping not found (Debian package iproute2, bridge-utils, iputils-ping)', hint: 'run the set-up from the nslab checkout: sudo ./scripts/provision.sh' }),
    );
  });

  it('finds tools on PATH', () => {
    expect(findTool('sh')).toMatch(/\/sh$/);
    expect(findTool('no-such-tool-here')).toBeUndefined();
  });
});
