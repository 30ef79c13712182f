import type { SellerConfig } from '../../config.js';
import type { Seller } from './model.js';

/** Printed in place of the seller's name while it is not configured (the document is then a specimen anyway). */
export const UNSET_SELLER_NAME = 'Vendeur non configuré';
export const SPECIMEN_TEXT = 'SPÉCIMEN — sans valeur fiscale';

/** The seller snapshot a document keeps, from the validated config. */
export function sellerFromConfig(c: SellerConfig): Seller {
  return {
    name: c.name ?? UNSET_SELLER_NAME,
    legalForm: c.legalForm,
    address: { lines: [...c.addressLines], postcode: c.postcode, city: c.city, country: c.country },
    siren: c.siren,
    siret: c.siret,
    vatNumber: c.vatNumber,
    iban: c.iban,
    bic: c.bic,
    email: c.email,
  };
}

/** What a seller lacks before its documents have fiscal value (empty when complete). */
export function sellerMissing(s: Seller): string[] {
  const missing: string[] = [];
  if (s.name === '' || s.name === UNSET_SELLER_NAME) missing.push('name');
  if (s.address.lines.length === 0) missing.push('address');
  if (s.address.postcode === null) missing.push('postcode');
  if (s.address.city === null) missing.push('city');
  if (s.siren === null) missing.push('SIREN');
  if (s.siret === null) missing.push('SIRET');
  if (s.vatNumber === null) missing.push('VAT number');
  return missing;
}

interface BootLogger { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

/**
 * The line the composition root logs at boot: documents issued while the seller is incomplete are
 * specimens. (Call it from system.ts: `logSellerStatus(logger, config.seller)`.)
 */
export function logSellerStatus(logger: BootLogger, seller: SellerConfig): void {
  if (seller.missing.length > 0) {
    logger.warn({ missing: seller.missing },
      `billing: the seller's identity is incomplete; every invoice and credit note issued is marked "${SPECIMEN_TEXT}" until these settings are set`);
  } else {
    logger.info({ seller: seller.name, siret: seller.siret }, 'billing: seller identity complete; documents have fiscal value');
  }
}
