import { createHash } from 'node:crypto';

/**
 * The PIN as stored and as sent to keypad readers in their allow-list: SHA-256 of `${uid}:${pin}`
 * in hex. A 4–8 digit PIN cannot be protected by any hash against someone holding the database; it
 * is a second factor beside the badge, and readers must be able to check it alone.
 */
export function pinHash(uid: string, pin: string): string {
  return createHash('sha256').update(`${uid}:${pin}`, 'utf8').digest('hex');
}
