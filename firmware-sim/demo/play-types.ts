import type { BuildingDevices } from '../building-devices.js';
import type { Clock } from '../clock.js';
import type { DemoDay } from './scenario.js';

/** What the demo player is given, and the summary of the day it plays (demo/play.ts). */

export interface PlayerOptions {
  day: DemoDay;
  building: BuildingDevices;
  /** MQTT secret of each device, by id (devices without one are not run). */
  secrets: ReadonlyMap<string, string>;
  brokerUrl: string;
  /** Simulated seconds per real second. */
  speed: number;
  /** Door names for the printed lines, by door id. */
  doorNames?: ReadonlyMap<string, string>;
  print: (line: string) => void;
  warn: (line: string) => void;
  /** Says in the controller that a person took a desk as theirs today (the members' app would). */
  checkin?: (deskId: string, personKey: string) => Promise<void>;
  /** How lines are timed once the day is over (the bookings' last verdicts come later): the real clock, say. Default: the day's end. */
  afterDayTime?: () => string;
  /** The base clock of the schedule (a test passes a manual one). */
  clock?: Clock;
}

export interface DaySummary {
  badges: number;
  granted: number;
  denied: Record<string, number>;
  /** Decisions a reader took alone while its link was down, and how many reached the controller after. */
  offline: number;
  offlineUploaded: number;
  exits: number;
  forgotten: string[];
  deskChanges: number;
  checkins: number;
  lowBattery: string[];
  bytes: number;
  /** Real seconds the day took. */
  realS: number;
}
