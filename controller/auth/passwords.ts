import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt. The stored string names its parameters, PHC style:
 *   $scrypt$ln=15,r=8,p=3$<salt>$<hash>      (salt and hash in unpadded base64)
 * so the defaults can be raised later and old hashes still verify (and get rehashed at login).
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N */
  ln: number;
  r: number;
  p: number;
}

// OWASP's "N=2^15, r=8, p=3" row: 32 MiB per hash (same strength as 2^17/r8/p1 with a quarter
// of the memory, which matters on a small building controller), about 0.3 s on one core.
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 3 };
const SALT_BYTES = 16; // 128 bits
const KEY_BYTES = 32; // 256 bits
// Bounds on parameters read back from the database: a corrupted or tampered row must not make
// one login allocate gigabytes.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

const FORMAT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node refuses when 128*N*r exceeds maxmem (32 MiB by default, exactly our N): give headroom.
  const maxmem = 256 * N * params.r;
  return new Promise((resolve, reject) => {
    // NFKC: "é" typed as one code point or as e + accent (keyboards and OSes differ) must match.
    scrypt(password.normalize('NFKC'), salt, keylen, { N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed {
  const m = FORMAT.exec(stored);
  if (!m) throw new Error('unsupported password hash format');
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  for (const name of ['ln', 'r', 'p'] as const) {
    const [min, max] = LIMITS[name];
    if (params[name] < min || params[name] > max) throw new Error(`password hash parameter ${name} out of bounds`);
  }
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/** Throws only when the stored hash itself is malformed: that is a server fault, not a wrong password. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parse(stored);
  const candidate = await derive(password, salt, key.length, params);
  return timingSafeEqual(candidate, key);
}

export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const current = parse(stored).params;
  return current.ln !== params.ln || current.r !== params.r || current.p !== params.p;
}
