/** Rating: usage records → invoice lines. Pure functions; see docs/billing-rating.md. */
export { rateAccount, rateLateUsage, RatingError, BYTES_PER_GB, BYTES_PER_MB } from './rate.js';
export { monthCalendar, dayIndex, dayLength, type MonthCalendar } from './calendar.js';
export { cheapestCombination, dayPrice, type PaygChoice, type PaygDay, type PaygPrices } from './payg.js';
export { divRound, prorate, monthFraction, frEuros, frMonth, frNumber } from './money.js';
export type * from './types.js';
