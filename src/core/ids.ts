/** Identifiers. Random ids use the platform's Web Crypto, so `core` imports no module. */

/** A new random identifier (UUID v4, lower case). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

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
