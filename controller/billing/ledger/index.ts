/** The ledger of issued invoices and credit notes: what the billing run, the API and the CLI use. */
export { BillingAccounts, type BillingIdentity, type BillingIdentityInput } from './accounts.js';
export { canonicalJson, documentHash, GENESIS_HASH } from './canonical.js';
export { formatNumber, Ledger, ledgerDefaults, type IssueInput, type LedgerDeps } from './ledger.js';
export * from './model.js';
export { divRound, milliToDecimal, toMilli, vatOf } from './money.js';
export { logSellerStatus, sellerFromConfig, sellerMissing, SPECIMEN_TEXT } from './seller.js';
export { IMMUTABILITY_TRIGGERS, verifyChain, type ChainBreak, type ChainProblem, type ChainReport } from './verify.js';
