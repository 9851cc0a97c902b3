import type { LabDefinition } from '../src/plan/lab.js';
import { connectLab } from './connect.js';
import { dnsLab } from './dns.js';
import { dnsUpstreamLab } from './dns-upstream.js';
import { docker0Lab } from './docker0.js';
import { egressLab } from './egress.js';
import { firewallBypassLab } from './firewall-bypass.js';
import { forwardDropLab } from './forward-drop.js';
import { gatewayModesLab } from './gateway-modes.js';
import { hostgwLab } from './hostgw.js';
import { hostServiceLab } from './host-service.js';
import { incidentLab } from './incident.js';
import { ipv6Lab } from './ipv6.js';
import { localhostPublishLab } from './localhost-publish.js';
import { macvlanLab } from './macvlan.js';
import { modesLab } from './modes.js';
import { mtuLab } from './mtu.js';
import { namespacesLab } from './namespaces.js';
import { overlayLab } from './overlay.js';
import { portsLab } from './ports.js';
import { scaleLab } from './scale.js';
import { sourceIpLab } from './source-ip.js';
import { vethLab } from './veth.js';

/** Every lab nslab knows, in the order `nslab ls` shows them (`nslab lab list` sorts by number). */
export const LABS: readonly LabDefinition[] = [
  docker0Lab,
  namespacesLab,
  vethLab,
  egressLab,
  portsLab,
  dnsLab,
  connectLab,
  modesLab,
  macvlanLab,
  overlayLab,
  incidentLab,
  hostgwLab,
  scaleLab,
  firewallBypassLab,
  localhostPublishLab,
  hostServiceLab,
  forwardDropLab,
  sourceIpLab,
  mtuLab,
  gatewayModesLab,
  dnsUpstreamLab,
  ipv6Lab,
];
