import type { SimDeviceSpec } from './building-devices.js';
import { SimDeskSensor, type SimDeskSensorOptions } from './desk-sensor.js';
import type { SimDevice, SimDeviceOptions } from './device.js';
import { SimNetMeter, type SimNetMeterOptions } from './net-meter.js';
import { SimReader, type SimReaderOptions } from './reader.js';

/** Options every device of a run shares; the device id and secret come per device. */
export type CommonDeviceOptions = Omit<SimDeviceOptions, 'deviceId' | 'secret'> &
  Pick<SimDeskSensorOptions, 'debounceMs'> & Pick<SimNetMeterOptions, 'width' | 'reportIntervalS'> & Pick<SimReaderOptions, 'decisionTimeoutMs'>;

/** Builds the simulated device a building file describes (it is not started). */
export function createSimDevice(spec: SimDeviceSpec, secret: string, common: CommonDeviceOptions): SimDevice {
  const base = { ...common, deviceId: spec.deviceId, secret };
  switch (spec.kind) {
    case 'reader': return new SimReader({
      ...base, heldOpenLimitS: spec.heldOpenLimitS, failMode: spec.failMode,
      ...(spec.unlockS === undefined ? {} : { unlockMs: spec.unlockS * 1000 }),
    });
    case 'desk': return new SimDeskSensor(base);
    case 'meter': return new SimNetMeter({ ...base, ports: spec.ports });
  }
}
