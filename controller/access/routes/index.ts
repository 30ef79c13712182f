import type { HttpPlugin } from '../../http/types.js';
import { alarmRoutes } from './alarms.js';
import { antiPassbackRoutes } from './anti-passback.js';
import { calendarRoutes } from './calendar.js';
import { companyRoutes } from './companies.js';
import { credentialRoutes } from './credentials.js';
import type { AccessRoutesDeps } from './deps.js';
import { doorRoutes } from './doors.js';
import { emergencyRoutes } from './emergency.js';
import { groupRoutes } from './groups.js';
import { logRoutes } from './logs.js';
import { peopleRoutes } from './people.js';
import { scheduleRoutes } from './schedules.js';
import { trainingRoutes } from './training.js';
import { visitorPassRoutes } from './visitor-passes.js';

export type { AccessRoutesDeps } from './deps.js';

/**
 * The access-control API: people, badges, rules, doors, emergencies, alarms, logs. Writes go
 * through the access module's admin services (audited, readers updated); reads query SQLite.
 */
export function accessRoutes(deps: AccessRoutesDeps): HttpPlugin[] {
  return [
    companyRoutes(deps),
    peopleRoutes(deps),
    credentialRoutes(deps),
    scheduleRoutes(deps),
    groupRoutes(deps),
    calendarRoutes(deps),
    trainingRoutes(deps),
    visitorPassRoutes(deps),
    doorRoutes(deps),
    emergencyRoutes(deps),
    antiPassbackRoutes(deps),
    alarmRoutes(deps),
    logRoutes(deps),
  ];
}
