import { say } from '../text/say.js';
import { cmd, renderCmd } from '../exec/command.js';
import { evaluate, type Packet } from '../kernel/packet-filter.js';
import { nsName } from '../model/names.js';
import { node } from './diagnose.js';
import type { CheckContext, Finding } from './types.js';

// Checks on the host's iptables rules, judged by what they do to a packet (the rules a
// learner writes vary: -o eth0 or ! -o docker0, with or without -i), not by their text.

const iptablesCmd = (ctx: CheckContext, n: string, ...args: string[]) => renderCmd(cmd('iptables', args, nsName(ctx.name, n)));

export interface MasqueradeSpec {
  readonly host: string;
  readonly subnet: string;
  readonly bridge: string;
  /** A packet from a container to the internet, as it leaves the host. */
  readonly packet: Packet;
}

export function masqueradeFinding(ctx: CheckContext, m: MasqueradeSpec): Finding {
  const requirement = `${m.host} MASQUERADEs ${m.subnet} leaving through ${m.packet.outIface}`;
  const rules = node(ctx, m.host)?.rules;
  const v = rules ? evaluate(rules, 'nat', 'POSTROUTING', m.packet) : undefined;
  if (v?.target === 'MASQUERADE' || v?.target === 'SNAT') return { requirement, pass: true, detail: say`rule \`${v.rule?.spec.join(' ')}\` (${v.rule?.packets ?? 0} packets)` };
  const fix = iptablesCmd(ctx, m.host, '-t', 'nat', '-A', 'POSTROUTING', '-s', m.subnet, '!', '-o', m.bridge, '-j', 'MASQUERADE');
  const other = rules?.rules.find((r) => r.table === 'nat' && r.chain === 'POSTROUTING' && r.target === 'MASQUERADE');
  if (other) {
    return {
      requirement,
      pass: false,
      detail: say`MASQUERADE rule \`${other.spec.join(' ')}\` does not match traffic from ${m.packet.src} to ${m.packet.dst} out of ${m.packet.outIface}`,
      mistake: 'masquerade-wrong-source',
      hint: say`${iptablesCmd(ctx, m.host, '-t', 'nat', '-D', 'POSTROUTING', ...other.spec)} && ${fix}`,
    };
  }
  return { requirement, pass: false, detail: say`no MASQUERADE rule: replies to ${m.subnet} never find their way back`, mistake: 'masquerade-missing', hint: fix };
}

export interface PublishSpec {
  readonly host: string;
  readonly hostPort: number;
  readonly container: string;
  readonly containerPort: number;
  /** The packet from the internet as it arrives on the host's uplink. */
  readonly packet: Packet;
  readonly bridge: string;
}

/** `-p hostPort:containerPort`: a DNAT rule, then a FORWARD accept for the translated packet. */
export function publishFindings(ctx: CheckContext, p: PublishSpec): Finding[] {
  const rules = node(ctx, p.host)?.rules;
  const want = `${p.container}:${p.containerPort}`;
  const requirement = `${p.host} DNATs tcp port ${p.hostPort} to ${want}`;
  const dnat = rules ? evaluate(rules, 'nat', 'PREROUTING', p.packet) : undefined;
  const anyDnat = rules?.rules.find((r) => r.table === 'nat' && r.target === 'DNAT');
  const addFix = iptablesCmd(ctx, p.host, '-t', 'nat', '-A', 'PREROUTING', '-p', 'tcp', '--dport', String(p.hostPort), '-j', 'DNAT', '--to-destination', want);
  const findings: Finding[] = [];
  if (dnat?.target === 'DNAT' && dnat.rule?.toDestination === want) findings.push({ requirement, pass: true, detail: say`rule \`${dnat.rule.spec.join(' ')}\`` });
  else if (anyDnat) {
    findings.push({
      requirement,
      pass: false,
      detail: say`DNAT rule \`${anyDnat.spec.join(' ')}\` sends port ${anyDnat.dport ?? 'any'} to ${anyDnat.toDestination}, not port ${p.hostPort} to ${want}`,
      mistake: 'wrong-port',
      hint: say`${iptablesCmd(ctx, p.host, '-t', 'nat', '-D', anyDnat.chain, ...anyDnat.spec)} && ${addFix}`,
    });
  } else findings.push({ requirement, pass: false, detail: say`no DNAT rule in nat PREROUTING`, mistake: 'dnat-missing', hint: addFix });

  const translated: Packet = { ...p.packet, dst: p.container, dport: p.containerPort, outIface: p.bridge };
  const fwd = rules ? evaluate(rules, 'filter', 'FORWARD', translated) : undefined;
  const fwdReq = `${p.host} FORWARD accepts tcp to ${want}`;
  if (fwd?.target === 'ACCEPT' || fwd?.target === undefined) findings.push({ requirement: fwdReq, pass: true, detail: fwd?.rule ? say`rule \`${fwd.rule.spec.join(' ')}\`` : say`policy ACCEPT` });
  else {
    findings.push({
      requirement: fwdReq,
      pass: false,
      detail: say`FORWARD ${fwd.rule ? `rule \`${fwd.rule.spec.join(' ')}\`` : `policy ${fwd.target}`} drops the translated packet`,
      mistake: 'dnat-no-forward-accept',
      hint: iptablesCmd(ctx, p.host, '-I', 'FORWARD', '-d', `${p.container}/32`, '-o', p.bridge, '-p', 'tcp', '--dport', String(p.containerPort), '-j', 'ACCEPT'),
    });
  }
  return findings;
}
