import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (session cookies, API tokens). Only their SHA-256 is stored: a leaked database
 * does not let anyone log in. A plain hash is enough (no scrypt) because the token has 256 bits
 * of entropy, unlike a password.
 */
const TOKEN_BYTES = 32; // 256 bits

export function generateToken(bytes: number = TOKEN_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
