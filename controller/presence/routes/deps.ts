import type Database from 'better-sqlite3';
import type { AccessModule } from '../../access/module.js';
import type { AuditFn } from '../../auth/audit.js';
import type { Building } from '../../building/schema.js';
import type { LiveBuilding } from '../module.js';

export interface LiveRoutesDeps {
  live: LiveBuilding;
  /** where people are now (zone counts) and who they are (names), from memory */
  access: AccessModule;
  building: Building;
  /** read queries (sessions, usage, reports) and the two plain inserts (check-ins, network devices) */
  sqlite: Database.Database;
  clock: () => number;
  audit: AuditFn;
}
