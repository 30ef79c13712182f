import type Database from 'better-sqlite3';
import { compact, isValidSiren, isValidSiret } from './identifiers.js';
import type { AccountRef, Buyer } from './model.js';

/** A buyer's billing identity as kept in `billing_accounts` (editable; issued documents keep a snapshot). */
export interface BillingIdentity {
  id: number;
  account: AccountRef;
  legalName: string;
  addressLines: string[];
  postcode: string | null;
  city: string | null;
  country: string;
  email: string | null;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  isBusiness: boolean;
}

export type BillingIdentityInput = Omit<BillingIdentity, 'id' | 'addressLines' | 'postcode' | 'city' | 'country' | 'email' | 'siren' | 'siret' | 'vatNumber' | 'isBusiness'>
  & Partial<Pick<BillingIdentity, 'addressLines' | 'postcode' | 'city' | 'country' | 'email' | 'siren' | 'siret' | 'vatNumber' | 'isBusiness'>>;

interface AccountRow {
  id: number; kind: 'person' | 'company'; person_id: number | null; company_id: number | null; legal_name: string;
  address_lines: string; postcode: string | null; city: string | null; country: string; email: string | null;
  siren: string | null; siret: string | null; vat_number: string | null; is_business: number;
}

const toAccount = (r: AccountRow): BillingIdentity => ({
  id: r.id,
  account: { kind: r.kind, id: (r.kind === 'person' ? r.person_id : r.company_id) as number },
  legalName: r.legal_name,
  addressLines: JSON.parse(r.address_lines) as string[],
  postcode: r.postcode,
  city: r.city,
  country: r.country,
  email: r.email,
  siren: r.siren,
  siret: r.siret,
  vatNumber: r.vat_number,
  isBusiness: r.is_business === 1,
});

/**
 * The billing identities of people and companies. `buyerFor` gives the snapshot an invoice prints:
 * the billing account when one is set, otherwise the person's or company's name (and e-mail) from
 * the access tables, a company counting as a business buyer and a person as a consumer.
 */
export class BillingAccounts {
  readonly #get: Database.Statement<[string, number], AccountRow>;
  readonly #upsert: Record<AccountRef['kind'], Database.Statement<[Record<string, unknown>], AccountRow>>;
  readonly #person: Database.Statement<[number], { name: string; email: string | null }>;
  readonly #company: Database.Statement<[number], { name: string }>;

  constructor(private readonly deps: { sqlite: Database.Database; clock: () => number }) {
    const { sqlite } = deps;
    this.#get = sqlite.prepare(`SELECT * FROM billing_accounts WHERE kind = ? AND (CASE kind WHEN 'person' THEN person_id ELSE company_id END) = ?`);
    const upsert = (column: 'person_id' | 'company_id') => sqlite.prepare<[Record<string, unknown>], AccountRow>(
      `INSERT INTO billing_accounts (kind, person_id, company_id, legal_name, address_lines, postcode, city, country, email, siren, siret, vat_number, is_business, created_at, updated_at)
       VALUES (@kind, @personId, @companyId, @legalName, @addressLines, @postcode, @city, @country, @email, @siren, @siret, @vatNumber, @isBusiness, @now, @now)
       ON CONFLICT(${column}) DO UPDATE SET legal_name = excluded.legal_name, address_lines = excluded.address_lines,
         postcode = excluded.postcode, city = excluded.city, country = excluded.country, email = excluded.email,
         siren = excluded.siren, siret = excluded.siret, vat_number = excluded.vat_number, is_business = excluded.is_business,
         updated_at = excluded.updated_at
       RETURNING *`,
    );
    this.#upsert = { person: upsert('person_id'), company: upsert('company_id') };
    this.#person = sqlite.prepare('SELECT name, email FROM people WHERE id = ?');
    this.#company = sqlite.prepare('SELECT name FROM companies WHERE id = ?');
  }

  get(account: AccountRef): BillingIdentity | undefined {
    const r = this.#get.get(account.kind, account.id);
    return r === undefined ? undefined : toAccount(r);
  }

  /** Creates or replaces the billing identity of a person or company; a SIREN or SIRET set must be valid. */
  set(input: BillingIdentityInput): BillingIdentity {
    const siren = input.siren == null ? null : compact(input.siren);
    const siret = input.siret == null ? null : compact(input.siret);
    if (input.legalName.trim() === '') throw new RangeError('billing account: legal name is empty');
    if (siren !== null && !isValidSiren(siren)) throw new RangeError(`billing account: invalid SIREN ${input.siren}`);
    if (siret !== null && (!isValidSiret(siret) || (siren !== null && !siret.startsWith(siren)))) {
      throw new RangeError(`billing account: invalid SIRET ${input.siret}`);
    }
    const values = {
      kind: input.account.kind,
      personId: input.account.kind === 'person' ? input.account.id : null,
      companyId: input.account.kind === 'company' ? input.account.id : null,
      legalName: input.legalName,
      addressLines: JSON.stringify(input.addressLines ?? []),
      postcode: input.postcode ?? null,
      city: input.city ?? null,
      country: input.country ?? 'FR',
      email: input.email ?? null,
      siren,
      siret,
      vatNumber: input.vatNumber == null ? null : compact(input.vatNumber),
      isBusiness: (input.isBusiness ?? input.account.kind === 'company') ? 1 : 0,
      now: this.deps.clock(),
    };
    return toAccount(this.#upsert[input.account.kind].get(values) as AccountRow);
  }

  /** The buyer an invoice of this account prints. Throws when the person or company does not exist. */
  buyerFor(account: AccountRef): Buyer {
    const a = this.get(account);
    if (a !== undefined) {
      return {
        name: a.legalName,
        address: { lines: a.addressLines, postcode: a.postcode, city: a.city, country: a.country },
        email: a.email, siren: a.siren, siret: a.siret, vatNumber: a.vatNumber, isBusiness: a.isBusiness,
      };
    }
    const base = { address: { lines: [], postcode: null, city: null, country: 'FR' }, siren: null, siret: null, vatNumber: null };
    if (account.kind === 'person') {
      const p = this.#person.get(account.id);
      if (p === undefined) throw new Error(`no person ${account.id}`);
      return { ...base, name: p.name, email: p.email, isBusiness: false };
    }
    const c = this.#company.get(account.id);
    if (c === undefined) throw new Error(`no company ${account.id}`);
    return { ...base, name: c.name, email: null, isBusiness: true };
  }
}
