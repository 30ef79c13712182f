/** The tariff file: schema, loader, the centre's defaults (menil-flin-tariff.json). */
export { Tariff, Plan, Room, BILLING_MODES, PERSON_KINDS, type BillingMode, type PersonKind } from './schema.js';
export { DEFAULT_TARIFF_FILE, TariffError, loadTariff, parseTariff, tariffProblems, tariffBuildingProblems } from './load.js';
