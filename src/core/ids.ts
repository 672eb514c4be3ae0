/** Identifiers. Random ids use the platform's Web Crypto, so `core` imports no module. */

/**
 * A new identifier: a UUID version 7 (RFC 9562, lower case) — 48 bits of millisecond time, then
 * 74 random bits. Ids created later sort later, so rows keyed by them are appended to the end of
 * an index instead of landing on random pages (journal writes stay fast as a database grows).
 */
export function newId(): string {
  if (poolOffset + 16 > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  let time = Date.now();
  // Monotonic within a millisecond (RFC 9562 §6.2, method 1): a 12-bit counter in rand_a, started
  // at a random value below 2048 each millisecond, so ids made one after another sort in that order.
  // A clock that stepped back keeps the last time; a full counter borrows the next millisecond.
  if (time <= lastTime && sequence < 0xfff) {
    time = lastTime;
    sequence += 1;
  } else {
    time = Math.max(time, lastTime + 1);
    sequence = (((bytes[6] ?? 0) & 0x07) << 8) | (bytes[7] ?? 0);
    lastTime = time;
  }
  bytes[6] = sequence >> 8;
  bytes[7] = sequence & 0xff;
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let hex = '';
  for (const byte of bytes) hex += HEX[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let lastTime = 0;
let sequence = 0;

/** Random bytes fetched 4 KiB at a time (one Web Crypto call per 256 ids). */
const pool = new Uint8Array(4096);
let poolOffset = pool.length;
const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A name usable in URLs and file names: lower-case letters, digits and dashes. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'connector' : slug.slice(0, 80);
}
