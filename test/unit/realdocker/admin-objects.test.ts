import { describe, expect, it } from 'vitest';
import { firewallBypassLab } from '../../../labs/firewall-bypass.js';
import { forwardDropLab } from '../../../labs/forward-drop.js';
import { buildLab } from '../../../src/plan/build.js';
import { planOps } from '../../../src/plan/plan.js';
import { adminObjects, withoutAdmin } from '../../../src/realdocker/admin-objects.js';

// The admin's objects, set aside when a real dockerd judges a lab: only those, and nothing of Docker's.

describe("the host admin's objects in a lab", () => {
  it("firewall-bypass: ufw's INPUT rules and policy, and the DOCKER-USER drop; none of Docker's rules", () => {
    const model = buildLab(firewallBypassLab, 'ad1', {}, { brctl: false });
    const admin = adminObjects(planOps(model.steps), model.nodes.host!.ns);
    expect([...admin.rules.get('filter')!].sort()).toEqual([
      '-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
    ]);
    expect([...admin.policies.get('filter')!]).toEqual(['INPUT']);
    // What a real dockerd lacks of them is no difference; what it has that nslab lacks still is.
    const d = { aspect: 'host: iptables filter', nslab: [':INPUT DROP', '-A INPUT -i lo -j ACCEPT', '-A FORWARD -j DOCKER-USER'], real: [':INPUT ACCEPT', '-A FORWARD -j DOCKER-USER'] };
    expect(withoutAdmin(d, admin)).toBeNull();
    expect(withoutAdmin({ ...d, real: [...d.real, '-A DOCKER -j DROP'] }, admin)).toEqual({ aspect: d.aspect, nslab: ['-A FORWARD -j DOCKER-USER'], real: ['-A FORWARD -j DOCKER-USER', '-A DOCKER -j DROP'] });
  });

  it("forward-drop: the VM manager's bridge and its port, not docker0", () => {
    const model = buildLab(forwardDropLab, 'ad2', {}, { brctl: false });
    const admin = adminObjects(planOps(model.steps), model.nodes.host!.ns);
    expect(admin.links).toEqual(['virbr0']);
    expect(admin.rules.get('nat')).toEqual(new Set(['-A POSTROUTING -s 192.168.122.0/24 ! -d 192.168.122.0/24 -j MASQUERADE']));
    const d = { aspect: 'host: bridges and veth ends', nslab: ['docker0 bridge up mtu 1500', 'virbr0 bridge up mtu 1500', '1 x veth veth up mtu 1500 master virbr0 no address'], real: ['docker0 bridge up mtu 1500'] };
    expect(withoutAdmin(d, admin)).toBeNull();
  });
});
