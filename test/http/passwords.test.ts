import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from '../../controller/auth/passwords.js';
import { generateToken, hashToken } from '../../controller/auth/tokens.js';

const FAST = { ln: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores a self-describing scrypt string with the default parameters', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(DEFAULT_SCRYPT).toEqual({ ln: 15, r: 8, p: 3 });
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it('refuses a wrong password and salts every hash', async () => {
    const a = await hashPassword('correct horse battery', FAST);
    const b = await hashPassword('correct horse battery', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
  });

  it('matches accented passwords whatever their Unicode composition', async () => {
    const hash = await hashPassword('mot de passe d\u00e9j\u00e0 vu', FAST);
    expect(await verifyPassword('mot de passe de\u0301ja\u0300 vu', hash)).toBe(true);
  });

  it('verifies with the parameters stored in the hash and says when to rehash', async () => {
    const old = await hashPassword('correct horse battery', FAST);
    expect(await verifyPassword('correct horse battery', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, FAST)).toBe(false);
  });

  it('throws on a malformed or abusive stored hash instead of answering false', async () => {
    await expect(verifyPassword('x', 'plain-text')).rejects.toThrow(/format/);
    await expect(verifyPassword('x', '$scrypt$ln=30,r=8,p=1$AAAA$AAAA')).rejects.toThrow(/out of bounds/);
  });
});

describe('tokens', () => {
  it('are 256-bit base64url strings stored as their SHA-256', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
  });
});
