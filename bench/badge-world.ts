import { randomBytes } from 'node:crypto';
import { startMosquitto } from '../test/support/mosquitto.js';
import { buildingReaders, createBadgeHolder, loadDeviceIds, provisionDevices, startController, type BenchController } from './controller.js';
import { startRawAedes } from './relay.js';

/**
 * What the badge round trip is measured against: the controller with its embedded broker (as
 * `npm start` runs it), or the controller in MQTT_URL mode on an external Mosquitto configured as
 * docs/deployment.md says; in both, the building's readers and the background devices provisioned,
 * and one badge allowed everywhere, always. Or, as the floor of the first, no controller at all:
 * a bare aedes that grants every badge at once in its own process (bench/raw-broker.ts).
 */

export type BadgeBroker = 'embedded' | 'mosquitto' | 'raw-aedes';

export interface BadgeWorld {
  /** The process that answers the badges (the controller's, or the bare broker's). */
  pid: number;
  /** Where the devices connect. */
  mqttUrl: string;
  readers: Array<{ id: string; secret: string; keypad: boolean }>;
  loadSecrets: Map<string, string>;
  dispose(): Promise<void>;
}

const SITE = 'menil-flin';
const newSecret = () => randomBytes(18).toString('base64url');

export async function startBadgeWorld(broker: BadgeBroker, devices: number, badge: { uid: string; pin: string }): Promise<BadgeWorld> {
  const building = buildingReaders();
  const loadIds = loadDeviceIds(devices);
  if (broker === 'raw-aedes') {
    const raw = await startRawAedes({ answerBadges: true });
    const unchecked = 'unchecked'; // the bare broker authenticates no one
    return {
      pid: raw.proc.pid, mqttUrl: raw.url, readers: building.map((r) => ({ ...r, secret: unchecked })),
      loadSecrets: new Map(loadIds.map((id) => [id, unchecked])), dispose: () => raw.stop(),
    };
  }
  if (broker === 'embedded') {
    const ctl = await startController();
    try {
      const readerSecrets = await provisionDevices(ctl, building.map((r) => r.id), { register: false });
      const loadSecrets = await provisionDevices(ctl, loadIds, { register: true });
      await createBadgeHolder(ctl, badge.uid, badge.pin);
      const readers = building.map((r) => ({ ...r, secret: readerSecrets.get(r.id) as string }));
      return { pid: ctl.pid, mqttUrl: ctl.mqttUrl, readers, loadSecrets, dispose: () => ctl.dispose() };
    } catch (err) {
      await ctl.dispose();
      throw err;
    }
  }
  // Mosquitto checks every client's password: the secrets are made here and given to it.
  const readers = building.map((r) => ({ ...r, secret: newSecret() }));
  const loadSecrets = new Map(loadIds.map((id) => [id, newSecret()]));
  const controller = { username: 'controller', password: newSecret() };
  const users = [controller, ...readers.map((r) => ({ username: r.id, password: r.secret })),
    ...[...loadSecrets].map(([username, password]) => ({ username, password }))];
  const mosquitto = await startMosquitto({ site: SITE, users, controllerUsername: controller.username });
  let ctl: BenchController | undefined;
  try {
    ctl = await startController({ MQTT_URL: mosquitto.url, MQTT_USERNAME: controller.username, MQTT_PASSWORD: controller.password });
    await provisionDevices(ctl, loadIds, { register: true, provision: false }); // the controller must know them; Mosquitto checks them
    await createBadgeHolder(ctl, badge.uid, badge.pin);
    const started = ctl;
    const dispose = async (): Promise<void> => {
      try {
        await started.dispose();
      } finally {
        await mosquitto.stop();
      }
    };
    return { pid: ctl.pid, mqttUrl: mosquitto.url, readers, loadSecrets, dispose };
  } catch (err) {
    await ctl?.dispose();
    await mosquitto.stop();
    throw err;
  }
}
