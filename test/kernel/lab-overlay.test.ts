import { describe, expect, it } from 'vitest';
import { labSuite, runLab } from './lab-run.js';
import { rootSnapshot } from './support.js';

describe('overlay lab against the kernel', () => {
  const suite = labSuite('ov');
  const { name } = suite;

  it('run: one subnet across two hosts, and tcpdump in the underlay sees VXLAN VNI 4096 on UDP 4789', async () => {
    const by = await runLab('overlay', name);
    expect(by['[step 4] c1 (host1) -> c2 (host2, 10.0.0.3)']).toMatchObject({ reached: false });
    expect(by['c1 (host1) -> c2 (host2, 10.0.0.3)']).toMatchObject({ reached: true });
    const capture = by['underlay carries c1 -> c2 as UDP 4789, VNI 4096 (tcpdump on host1 eth0)']!;
    expect(capture.detail).toMatch(/^198\.51\.100\.2\.\d+ > 198\.51\.100\.3\.4789: VXLAN, flags \[I\] \(0x08\), vni 4096 IP 10\.0\.0\.2 > 10\.0\.0\.3: ICMP echo request$/);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
