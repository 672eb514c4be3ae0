/** API tokens: random, shown once, stored only as a SHA-256 hash. */
import { createHash, randomBytes } from 'node:crypto';

/** Prefix that makes Plugboard tokens recognisable to secret scanners. */
export const TOKEN_PREFIX = 'pb_';

/** A new random API token (256 bits). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
