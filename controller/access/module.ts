import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AuditFn } from '../auth/audit.js';
import type { DeferredDurability } from '../db/wal-fsync.js';
import type { Building } from '../building/schema.js';
import { buildingDevices } from '../building/devices.js';
import { AlarmStore } from './alarms.js';
import { AllowlistSync } from './allowlist-sync.js';
import { DecisionLog } from './decision-log.js';
import { EmergencyControl } from './emergency.js';
import { PeopleAdmin } from './people-admin.js';
import { createPlacesStore } from './places-store.js';
import type { CommandSender, ReaderPlace } from './ports.js';
import { RulesAdmin } from './rules-admin.js';
import { seedAccessRules } from './seed.js';
import { AccessService } from './service.js';
import { AccessState } from './state.js';

export interface AccessModule {
  state: AccessState;
  service: AccessService;
  allowlists: AllowlistSync;
  people: PeopleAdmin;
  rules: RulesAdmin;
  emergency: EmergencyControl;
  alarms: AlarmStore;
  readers: Map<string, ReaderPlace>;
  /** After a change to access data made outside this module (bookings): reload the state, send deltas to the readers. */
  changed(): void;
  start(): void;
  stop(): void;
}

/** Builds access control from the building and the database; the composition root wires it to the gateway. */
export function createAccessModule(deps: {
  building: Building; sqlite: Database.Database; audit: AuditFn; commands: CommandSender; clock: () => number;
  logger: Logger; isOnline: (deviceId: string) => boolean;
  /** Decision log commits synced off the event loop (WalFsync). */
  durability?: DeferredDurability;
}): AccessModule {
  const { building, sqlite, audit, clock, logger } = deps;
  if (seedAccessRules(sqlite, building)) logger.info('default access rules written (schedules, groups, museum public hours)');
  const readers = new Map<string, ReaderPlace>();
  for (const d of buildingDevices(building)) if (d.kind === 'reader') readers.set(d.deviceId, { deviceId: d.deviceId, doorId: d.doorId, side: d.side });
  const heldLimits = new Map(building.doors.map((d) => [d.id, d.heldOpenLimitS * 1000]));
  const state = new AccessState(building, sqlite, clock);
  state.reload();
  state.loadWhereabouts();
  const alarms = new AlarmStore(sqlite);
  const service = new AccessService({
    state, readers, heldLimitMs: (doorId) => heldLimits.get(doorId) ?? 30_000, commands: deps.commands,
    decisions: new DecisionLog(sqlite, deps.durability), alarms, places: createPlacesStore(sqlite), audit, clock, logger: logger.child({ module: 'access' }),
  });
  const allowlists = new AllowlistSync({ state, readers, commands: deps.commands, sqlite, clock, logger, isOnline: deps.isOnline });
  const changed = () => {
    state.reload();
    allowlists.syncAll();
  };
  const zoneIds = new Set(building.zones.map((z) => z.id));
  const doorIds = new Set(building.doors.map((d) => d.id));
  const people = new PeopleAdmin({ sqlite, audit, clock, changed, zoneExists: (z) => zoneIds.has(z) });
  const rules = new RulesAdmin({ sqlite, audit, clock, changed, zoneExists: (z) => zoneIds.has(z), doorExists: (d) => doorIds.has(d) });
  const emergency = new EmergencyControl({
    sqlite, audit, clock, logger,
    apply: async (mode, by) => {
      changed();
      await service.applyEmergency(mode, by);
    },
  });
  return {
    state, service, allowlists, people, rules, emergency, alarms, readers, changed,
    start: () => {
      allowlists.start();
      emergency.start();
      allowlists.syncAll('full');
    },
    stop: () => {
      emergency.stop();
      allowlists.stop();
      service.stop();
    },
  };
}
