import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A device secret: 192 random bits, shown once at provisioning. */
export function newDeviceSecret(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Device secrets are random, not chosen by people, so a plain SHA-256 is enough to keep them
 * unguessable from the database; a slow password hash (scrypt) would cost ~50 ms per MQTT
 * connect, which 10,000 devices reconnecting after an outage cannot afford.
 */
export function hashDeviceSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function deviceSecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashDeviceSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
