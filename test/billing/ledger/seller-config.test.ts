import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config.js';
import { frVatNumber, isValidIban, isValidSiren, isValidSiret } from '../../../controller/billing/ledger/identifiers.js';
import { logSellerStatus, sellerFromConfig, sellerMissing } from '../../../controller/billing/ledger/index.js';
import { SELLER_ENV } from './helpers.js';
import { configProblems } from '../../support/config-problems.js';

const problemsOf = configProblems;

describe('French identifiers', () => {
  it('checks SIREN and SIRET Luhn keys, the FR VAT key, and IBANs', () => {
    expect(isValidSiren('123456782')).toBe(true);
    expect(isValidSiren('123456789')).toBe(false);
    expect(isValidSiren('12345678')).toBe(false);
    expect(isValidSiret('12345678200010')).toBe(true);
    expect(isValidSiret('12345678200011')).toBe(false);
    expect(isValidSiret('35600000000048')).toBe(true); // La Poste: Luhn
    expect(isValidSiret('35600000000010')).toBe(true); // La Poste: digit sum multiple of 5
    expect(isValidSiret('35600000000011')).toBe(false);
    expect(frVatNumber('123456782')).toBe('FR11123456782');
    expect(frVatNumber('552100554')).toBe('FR96552100554');
    expect(isValidIban('FR7630006000011234567890189')).toBe(true);
    expect(isValidIban('FR7630006000011234567890188')).toBe(false);
  });
});

describe('the seller in the configuration', () => {
  it('is incomplete by default: documents are specimens, and the boot log says so', () => {
    const seller = loadConfig({}).seller;
    expect(seller.missing).toEqual(['SELLER_NAME', 'SELLER_ADDRESS', 'SELLER_POSTCODE', 'SELLER_CITY', 'SELLER_SIREN', 'SELLER_SIRET', 'SELLER_VAT_NUMBER']);
    expect(sellerMissing(sellerFromConfig(seller))).toHaveLength(7);
    const logged: Array<[string, object, string]> = [];
    const logger = { warn: (o: object, m: string) => logged.push(['warn', o, m]), info: (o: object, m: string) => logged.push(['info', o, m]) };
    logSellerStatus(logger, seller);
    expect(logged[0]?.[0]).toBe('warn');
    expect(logged[0]?.[2]).toMatch(/SPÉCIMEN — sans valeur fiscale/);
    logSellerStatus(logger, loadConfig(SELLER_ENV).seller);
    expect(logged[1]?.[0]).toBe('info');
  });

  it('reads the seller from the environment, identifiers without spaces', () => {
    const s = loadConfig(SELLER_ENV).seller;
    expect(s).toMatchObject({
      name: 'SPL Ménil-Flin Innovation', addressLines: ['Ancien petit séminaire, 1 rue du Château'], postcode: '54120', city: 'Ménil-Flin', country: 'FR',
      siren: '123456782', siret: '12345678200010', vatNumber: 'FR11123456782', iban: 'FR7630006000011234567890189', missing: [],
    });
    expect(sellerMissing(sellerFromConfig(s))).toEqual([]);
  });

  it('refuses invalid or inconsistent identifiers, all problems at once', () => {
    const found = problemsOf({ ...SELLER_ENV, SELLER_SIREN: '123456789', SELLER_SIRET: '55210055400013', SELLER_VAT_NUMBER: 'FR12123456782', SELLER_IBAN: 'FR00 1234' });
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/SELLER_SIREN: must be 9 digits with a valid Luhn key/);
    expect(found.join('\n')).toMatch(/SELLER_IBAN: not a valid IBAN/);
    expect(problemsOf({ ...SELLER_ENV, SELLER_SIRET: '55210055400013' })).toEqual([expect.stringMatching(/SELLER_SIRET: must start with SELLER_SIREN 123456782/)]);
    expect(problemsOf({ ...SELLER_ENV, SELLER_VAT_NUMBER: 'FR12123456782' })).toEqual([expect.stringMatching(/key 12 does not match the SIREN \(expected FR11123456782\)/)]);
    expect(problemsOf({ ...SELLER_ENV, SELLER_VAT_NUMBER: 'FR11552100554' })).toEqual([expect.stringMatching(/must end with SELLER_SIREN/)]);
    expect(problemsOf({ SELLER_COUNTRY: 'France' })[0]).toMatch(/SELLER_COUNTRY/);
  });

  it('can come from CONFIG_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-seller-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ ...SELLER_ENV, SELLER_SIREN: 123456782 }));
      expect(loadConfig({ CONFIG_FILE: file }).seller).toMatchObject({ siren: '123456782', missing: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
