import { describe, expect, it } from 'vitest';
import { labSuite, runLab } from './lab-run.js';
import { rootSnapshot } from './support.js';

describe('overlay lab against the kernel', () => {
  const suite = labSuite('ov');
  const { name } = suite;

  it('run: one subnet across two hosts, MTU 1450 to the byte, tcpdump in the underlay sees VXLAN VNI 4096 on UDP 4789', async () => {
    const by = await runLab('overlay', name);
    // Before the hosts know of each other's containers, nothing crosses; after, it does.
    expect(by['[step 5] c1 (host1) -> c2 (host2, 10.0.0.3)']).toMatchObject({ reached: false });
    expect(by['[step 6] c1 (host1) -> c2 (host2, 10.0.0.3)']).toMatchObject({ reached: true });
    expect(by['c1 (host1) -> c2 (host2, 10.0.0.3)']).toMatchObject({ reached: true });
    expect(by["c1 -> c2: 1422 bytes, don't fragment (the overlay's MTU, 1450)"]).toMatchObject({ reached: true });
    expect(by["c1 -> c2: 1423 bytes, don't fragment (one more than fits)"]).toMatchObject({ reached: false });
    expect(by["c1 -> host2's 198.51.100.3 (out by docker_gwbridge: seen as host1, 198.51.100.2)"]).toMatchObject({ detail: 'server saw 198.51.100.2' });
    const capture = by['underlay carries c1 -> c2 as UDP 4789, VNI 4096 (tcpdump on host1 eth0)']!;
    expect(capture.detail).toMatch(/^198\.51\.100\.2\.\d+ > 198\.51\.100\.3\.4789: VXLAN, flags \[I\] \(0x08\), vni 4096 IP 10\.0\.0\.2 > 10\.0\.0\.3: ICMP echo request$/);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
