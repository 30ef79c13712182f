import type Database from 'better-sqlite3';
import type { Building } from '../../building/schema.js';
import type { AccessModule } from '../module.js';

export interface AccessRoutesDeps {
  access: AccessModule;
  building: Building;
  /** read-only queries of the logs (decisions, passages); writes go through the access module */
  sqlite: Database.Database;
  clock: () => number;
}
