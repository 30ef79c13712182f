import type { HttpPlugin } from '../../http/types.js';
import type { LiveRoutesDeps } from './deps.js';
import { deskRoutes } from './desks.js';
import { networkRoutes } from './network.js';
import { presenceRoutes } from './presence.js';
import { utilisationRoutes } from './utilisation.js';

export type { LiveRoutesDeps } from './deps.js';

/**
 * The live-building API: desks and check-ins, who is in and their sessions, network devices and
 * usage, and the utilisation report. Writes go through the live-building services, except the
 * two plain inserts (a check-in, a network device) which the services read back.
 */
export function liveBuildingRoutes(deps: LiveRoutesDeps): HttpPlugin[] {
  return [deskRoutes(deps), presenceRoutes(deps), networkRoutes(deps), utilisationRoutes(deps)];
}
