/**
 * French company identifiers, checked before they are printed on an invoice.
 * - SIREN: 9 digits, Luhn key (INSEE).
 * - SIRET: SIREN + 5-digit establishment number (NIC), Luhn over the 14 digits; La Poste's
 *   establishments (SIREN 356 000 000) use "sum of the digits is a multiple of 5" instead.
 * - FR VAT number: "FR" + 2-digit key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97.
 * - IBAN: ISO 13616 mod-97 check.
 * Inputs may carry spaces ("123 456 789"); `compact` removes them.
 */

const LA_POSTE_SIREN = '356000000';

export const compact = (value: string): string => value.replace(/[\s.-]/g, '').toUpperCase();

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isValidSiren(siren: string): boolean {
  return /^\d{9}$/.test(siren) && luhn(siren);
}

export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (luhn(siret)) return true;
  if (!siret.startsWith(LA_POSTE_SIREN)) return false;
  let sum = 0;
  for (const c of siret) sum += c.charCodeAt(0) - 48;
  return sum % 5 === 0;
}

/** The key of the French intra-community VAT number of a SIREN: FR{key}{siren}. */
export function frVatKey(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return String(key).padStart(2, '0');
}

export function frVatNumber(siren: string): string {
  return `FR${frVatKey(siren)}${siren}`;
}

export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const c of moved) {
    const code = c.charCodeAt(0);
    const n = code >= 65 ? String(code - 55) : c; // A = 10 … Z = 35
    for (const digit of n) rest = (rest * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** The seller settings as they come from the configuration (values not yet type-checked). */
export interface RawSellerSettings {
  SELLER_COUNTRY?: unknown;
  SELLER_SIREN?: unknown;
  SELLER_SIRET?: unknown;
  SELLER_VAT_NUMBER?: unknown;
  SELLER_IBAN?: unknown;
}

/**
 * What is wrong with the seller identifiers that are set. Missing ones are not problems (they
 * make specimens); values that are not strings are left to the schema's own message.
 */
export function sellerIdentifierProblems(raw: RawSellerSettings): string[] {
  const problems: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? compact(v) : undefined);
  const siren = str(raw.SELLER_SIREN);
  const siret = str(raw.SELLER_SIRET);
  const vat = str(raw.SELLER_VAT_NUMBER);
  const iban = str(raw.SELLER_IBAN);
  if (siren !== undefined && !isValidSiren(siren)) problems.push(`SELLER_SIREN: must be 9 digits with a valid Luhn key (got "${raw.SELLER_SIREN}")`);
  if (siret !== undefined) {
    if (!isValidSiret(siret)) problems.push(`SELLER_SIRET: must be 14 digits with a valid Luhn key (got "${raw.SELLER_SIRET}")`);
    else if (siren !== undefined && !siret.startsWith(siren)) problems.push(`SELLER_SIRET: must start with SELLER_SIREN ${siren} (got "${raw.SELLER_SIRET}")`);
  }
  if (vat !== undefined && (raw.SELLER_COUNTRY ?? 'FR') === 'FR') {
    if (!/^FR[0-9A-Z]{2}\d{9}$/.test(vat)) problems.push(`SELLER_VAT_NUMBER: must be FR, a 2-character key and the SIREN (got "${raw.SELLER_VAT_NUMBER}")`);
    else if (siren !== undefined && vat.slice(4) !== siren) problems.push(`SELLER_VAT_NUMBER: must end with SELLER_SIREN ${siren} (got "${raw.SELLER_VAT_NUMBER}")`);
    else if (/^\d{2}$/.test(vat.slice(2, 4)) && vat.slice(2, 4) !== frVatKey(vat.slice(4))) {
      problems.push(`SELLER_VAT_NUMBER: key ${vat.slice(2, 4)} does not match the SIREN (expected FR${frVatKey(vat.slice(4))}${vat.slice(4)})`);
    }
  }
  if (iban !== undefined && !isValidIban(iban)) problems.push('SELLER_IBAN: not a valid IBAN (mod-97 check)');
  return problems;
}
