/**
 * Value-based redaction: removes known secret values from text that is about to leave the
 * process (an error message from an upstream API, a log line), in the encodings they usually
 * travel in.
 */

/** Secrets shorter than this are not redacted: they would match ordinary words. */
export const MIN_REDACTED_LENGTH = 4;

/** The replacement for a redacted value. */
export const REDACTED = '***';

/** `text` with every occurrence of each secret (plain, base64, base64url, URL-encoded, hex) replaced by `***`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_REDACTED_LENGTH) continue;
    const bytes = Buffer.from(secret, 'utf8');
    for (const form of [secret, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(secret), bytes.toString('hex')]) {
      if (form.length >= MIN_REDACTED_LENGTH) needles.add(form);
    }
  }
  let out = text;
  // Longest first, so a value is not half-replaced through a shorter encoding of another.
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) out = out.split(needle).join(REDACTED);
  return out;
}
