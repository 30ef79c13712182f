/** Every table, for drizzle and the app; one file per area in tables/ (drizzle-kit reads those). */
export * from './tables/devices.js';
export * from './tables/auth.js';
export * from './tables/access.js';
export * from './tables/live.js';
export * from './tables/bookings.js';
export * from './tables/billing.js';
export * from './tables/billing-run.js';
