/**
 * Master key material: parsing base64 keys, their check values, and the key file (one base64 key
 * per line, `#` comments, oldest first). Error messages name the source and line, never a key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UserInputError } from '../core/index.ts';
import { KEY_BYTES } from './envelope.ts';
import { SecretsErrorCode } from './errors.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^[A-Za-z0-9_-]+$/;

/** A new random master key. */
export function generateMasterKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

/** The base64 text of a key, as written into key files. */
export function encodeMasterKey(key: Uint8Array): string {
  return Buffer.from(key).toString('base64');
}

/**
 * The key check value stored per version: an HMAC of a fixed text under the key. It identifies
 * the key (so a wrong key is refused before any row is touched) without revealing it.
 */
export function keyCheckValue(key: Uint8Array): string {
  return createHmac('sha256', key).update('plugboard master key check value v1', 'utf8').digest('hex');
}

/** True when both keys are the same bytes (constant time). */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decodes one base64 (or base64url) key of 32 bytes; `where` names it in the error. */
export function decodeMasterKey(text: string, where: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = BASE64.test(trimmed) ? Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64') : undefined;
  if (bytes === undefined || bytes.length !== KEY_BYTES) {
    throw new UserInputError(
      `${where} is not a master key: it must be the base64 encoding of exactly ${KEY_BYTES} random bytes${bytes === undefined ? '' : ` (it decodes to ${bytes.length})`} — generate one with \`openssl rand -base64 32\``,
      { code: SecretsErrorCode.MasterKeyInvalid },
    );
  }
  return new Uint8Array(bytes);
}

/** Parses key file text: one key per line, blank lines and `#` comments ignored, oldest first. */
export function parseKeyFileText(text: string, source: string): Uint8Array[] {
  const keys: Uint8Array[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    keys.push(decodeMasterKey(trimmed, `line ${index + 1} of ${source}`));
  });
  if (keys.length === 0) {
    throw new UserInputError(`${source} holds no master key — write one base64 key per line (generate one with \`openssl rand -base64 32\`)`, {
      code: SecretsErrorCode.MasterKeyInvalid,
    });
  }
  return keys;
}

/** Parses `PLUGBOARD_MASTER_KEY`: one key, or several separated by commas or whitespace, oldest first. */
export function parseKeyList(text: string, variable: string): Uint8Array[] {
  const parts = text.split(/[\s,]+/).filter((part) => part !== '');
  if (parts.length === 0) {
    throw new UserInputError(`${variable} is empty — set it to a base64 key (\`openssl rand -base64 32\`) or unset it`, { code: SecretsErrorCode.MasterKeyInvalid });
  }
  return parts.map((part, index) => decodeMasterKey(part, parts.length === 1 ? variable : `key ${index + 1} of ${variable}`));
}

/** The text of a key file holding `keys` (oldest first). */
export function keyFileText(keys: readonly Uint8Array[]): string {
  return [
    '# Plugboard master keys. Keep this file secret and back it up together with the database:',
    '# without it the stored connection secrets cannot be decrypted.',
    '# One base64 key per line, oldest first; `plugboard secrets rotate-master-key` maintains it.',
    ...keys.map(encodeMasterKey),
    '',
  ].join('\n');
}
