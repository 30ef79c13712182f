import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { billingAdminRoutes } from './admin.js';
import type { BillingRoutesDeps } from './deps.js';
import { invoiceRoutes } from './invoices.js';
import { billingRunRoutes } from './runs.js';

export type { BillingRoutesDeps } from './deps.js';

export function billingRoutes(deps: BillingRoutesDeps): FastifyPluginAsyncTypebox[] {
  return [billingRunRoutes(deps), invoiceRoutes(deps), billingAdminRoutes(deps)];
}
