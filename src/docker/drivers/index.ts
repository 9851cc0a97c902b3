import type { Network } from '../cnm.js';
import { bridgeDriver } from './bridge.js';
import type { DriverHost, NetworkDriver } from './driver.js';
import { macvlanDriver } from './macvlan.js';
import { overlayDriver } from './overlay.js';

/** The drivers `docker network create -d` can name, each made for one docker host. */
export function driversFor(host: DriverHost): Readonly<Record<Network['driver'], NetworkDriver>> {
  return { bridge: bridgeDriver(host), macvlan: macvlanDriver(host), overlay: overlayDriver(host) };
}
