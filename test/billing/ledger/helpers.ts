import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type SellerConfig } from '../../../controller/config.js';
import type { InvoiceLineInput } from '../../../controller/billing/lines.js';
import { BillingAccounts, Ledger, type Buyer } from '../../../controller/billing/ledger/index.js';
import { openDatabase, type OpenDb } from '../../../controller/db/open.js';

/** A fictional but valid seller (Luhn-valid SIREN/SIRET, matching VAT key, valid IBAN). */
export const SELLER_ENV = {
  SELLER_NAME: 'SPL Ménil-Flin Innovation',
  SELLER_LEGAL_FORM: 'SPL au capital de 37 000 € – RCS Nancy',
  SELLER_ADDRESS: 'Ancien petit séminaire, 1 rue du Château',
  SELLER_POSTCODE: '54120',
  SELLER_CITY: 'Ménil-Flin',
  SELLER_SIREN: '123 456 782',
  SELLER_SIRET: '12345678200010',
  SELLER_VAT_NUMBER: 'FR11123456782',
  SELLER_IBAN: 'FR76 3000 6000 0112 3456 7890 189',
  SELLER_EMAIL: 'facturation@menil-flin.example',
};

export const completeSeller = (): SellerConfig => loadConfig(SELLER_ENV).seller;
export const unsetSeller = (): SellerConfig => loadConfig({}).seller;

export const TZ = 'Europe/Paris';
/** 2026-04-01 02:00 Paris (00:00 UTC). */
export const APRIL_1 = Date.UTC(2026, 3, 1, 0, 0);

export interface Fixture {
  dir: string;
  file: string;
  db: OpenDb;
  people: { alice: number; bob: number; mallory: number };
  company: number;
  now: { t: number };
  ledger: Ledger;
  accounts: BillingAccounts;
  close(): void;
}

/** A real SQLite file in a temp folder, migrated, with two members, a company and its resident. */
export function openFixture(opts: { seller?: SellerConfig; at?: number } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'mf-ledger-'));
  const file = join(dir, 'controller.db');
  const db = openDatabase(file, { synchronous: 'NORMAL' });
  const now = { t: opts.at ?? APRIL_1 };
  const add = db.sqlite.prepare('INSERT INTO people (kind, name, email, company_id, created_at) VALUES (?, ?, ?, ?, 0) RETURNING id');
  const company = (db.sqlite.prepare("INSERT INTO companies (name, created_at) VALUES ('Atelier Vezouze SARL', 0) RETURNING id").get() as { id: number }).id;
  const id = (r: unknown) => (r as { id: number }).id;
  const people = {
    alice: id(add.get('member', 'Alice Martin', 'alice@example.org', null)),
    bob: id(add.get('resident', 'Bob Durand', 'bob@example.org', company)),
    mallory: id(add.get('member', '<script>alert("x")</script> & Cie', null, null)),
  };
  const ledger = new Ledger({ sqlite: db.sqlite, clock: () => now.t, timeZone: TZ, seller: opts.seller ?? completeSeller() });
  const accounts = new BillingAccounts({ sqlite: db.sqlite, clock: () => now.t });
  return {
    dir, file, db, people, company, now, ledger, accounts,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function line(over: Partial<InvoiceLineInput> = {}): InvoiceLineInput {
  const quantity = over.quantity ?? 1;
  const unitPriceCents = over.unitPriceCents ?? 1500;
  return {
    code: 'day-pass', description: 'Pass journée coworking', personId: null, quantity, unit: 'day', unitPriceCents,
    amountCents: Math.round(quantity * unitPriceCents), vatRateBp: 2000, evidence: [{ kind: 'presence_session', id: 1 }],
    ...over,
  };
}

export const consumer = (name = 'Alice Martin'): Buyer => ({
  name, address: { lines: ['3 rue des Vosges'], postcode: '54000', city: 'Nancy', country: 'FR' },
  email: 'alice@example.org', siren: null, siret: null, vatNumber: null, isBusiness: false,
});

export const business = (): Buyer => ({
  name: 'Atelier Vezouze SARL', address: { lines: ['12 avenue de la Vezouze'], postcode: '54300', city: 'Lunéville', country: 'FR' },
  email: 'compta@vezouze.example', siren: '552100554', siret: '55210055400013', vatNumber: 'FR96552100554', isBusiness: true,
});
