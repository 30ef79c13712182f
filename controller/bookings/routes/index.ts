import type { HttpPlugin } from '../../http/types.js';
import { bookingRoutes } from './bookings.js';
import { dayRoutes } from './day.js';
import type { BookingRoutesDeps } from './deps.js';
import { staffRoutes } from './staff.js';

export type { BookingRoutesDeps } from './deps.js';

/** The bookings API: resources and days, bookings and blocks, notices and iCalendar feeds. */
export function bookingsRoutes(deps: BookingRoutesDeps): HttpPlugin[] {
  return [dayRoutes(deps), bookingRoutes(deps), staffRoutes(deps)];
}
