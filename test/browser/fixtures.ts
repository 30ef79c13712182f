import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { SimDeskSensor } from '../../firmware-sim/desk-sensor.js';
import type { SimDevice } from '../../firmware-sim/device.js';
import { SimNetMeter } from '../../firmware-sim/net-meter.js';
import { SimReader } from '../../firmware-sim/reader.js';
import { SITE, TEST_ADMIN_PASSWORD, type TestController } from '../support/controller.js';

export const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** An access group allowed into `zones` at every hour, and people in it with a badge each. */
export function peopleWithBadges(ctl: TestController, zones: string[], people: Array<{ name: string; uid: string }>): number[] {
  const { rules, people: admin } = ctl.system.access;
  const always = rules.createSchedule({ name: 'Browser tests: always', slots: [{ days: [...ALL_WEEK], from: '00:00', to: '24:00' }], openOnHolidays: true }, 'test');
  const group = rules.createGroup({ name: 'Browser tests', grants: zones.map((zoneId) => ({ zoneId, scheduleId: always })) }, 'test');
  return people.map(({ name, uid }) => {
    const id = admin.createPerson({ kind: 'member', name }, 'test');
    admin.addCredential(id, { uid }, 'test');
    rules.addMembership({ personId: id, groupId: group }, 'test');
    return id;
  });
}

/** Simulated devices of one test file, provisioned through the API and stopped at the end. */
export class Sims {
  readonly #all: SimDevice[] = [];
  /** `ctl` may change (a test that restarts the controller sets it again). */
  constructor(public ctl: TestController) {}

  async desk(deviceId: string, battery = 100): Promise<SimDeskSensor> {
    const secret = await this.ctl.provision(deviceId);
    return this.#start(new SimDeskSensor({
      brokerUrl: this.ctl.system.mqttUrl, site: SITE, deviceId, secret, debounceMs: 0, battery, heartbeatIntervalS: 3_600,
    }));
  }

  async reader(deviceId: string): Promise<SimReader> {
    const secret = await this.ctl.provision(deviceId);
    return this.#start(new SimReader({
      brokerUrl: this.ctl.system.mqttUrl, site: SITE, deviceId, secret, heartbeatIntervalS: 3_600, failMode: 'fail-secure',
    }));
  }

  /** A network meter that reports only when told to. */
  async meter(deviceId: string, ports: string[]): Promise<SimNetMeter> {
    const secret = await this.ctl.provision(deviceId);
    return this.#start(new SimNetMeter({
      brokerUrl: this.ctl.system.mqttUrl, site: SITE, deviceId, secret, ports, reportIntervalS: 0, heartbeatIntervalS: 3_600,
    }));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#all.map((d) => d.stop().catch(() => undefined)));
  }

  async #start<T extends SimDevice>(device: T): Promise<T> {
    this.#all.push(device);
    await device.start();
    return device;
  }
}

/** A badge the controller grants, then the door opened and closed: a passage. Resolves with the time of the door-open PUBACK. */
export async function walkThrough(reader: SimReader, uid: string): Promise<number> {
  expect(await reader.presentBadge(uid)).toMatchObject({ source: 'controller', grant: true });
  await reader.openDoor();
  const acked = Date.now();
  await reader.closeDoor();
  return acked;
}

/** Logs in as the admin through the page's own form, and waits for the live stream. */
export async function loginThroughForm(page: Page): Promise<void> {
  await page.locator('#login-username').fill('admin');
  await page.locator('#login-password').fill(TEST_ADMIN_PASSWORD);
  await page.locator('#login-submit').click();
  await page.locator('#status[data-state="live"]').waitFor({ timeout: 5_000 });
}
