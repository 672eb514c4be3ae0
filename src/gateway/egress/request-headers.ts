/**
 * Request and response header handling. Headers a caller may not send are *stripped*, not refused:
 * the gateway forwards client requests that legitimately carry `Host`, `Connection` or
 * `X-Forwarded-For` (added by a reverse proxy in front of Plugboard), and refusing them would break
 * those deployments. Stripping still guarantees that none of them reaches an upstream (T-E8).
 */
import { requestInvalid } from './errors.ts';

/**
 * Names that are always removed: the connection's own headers (`host`, `content-length`, which
 * undici derives from the URL and body), hop-by-hop headers (RFC 9110 §7.6.1), `expect`, the Azure
 * IMDS `metadata` header, and proxy/forwarding headers that would let a caller spoof where a request
 * came from.
 */
const STRIPPED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'metadata',
  'forwarded',
  'via',
]);

/** Headers removed on a cross-origin redirect, whatever the caller configured. */
export const ALWAYS_SENSITIVE = ['authorization', 'cookie', 'proxy-authorization'] as const;

/** Headers that describe a body; dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'] as const;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when a header name must not be sent upstream. */
export function isStrippedHeader(lowerName: string): boolean {
  return STRIPPED.has(lowerName) || lowerName.startsWith('proxy-') || lowerName.startsWith('x-forwarded-');
}

/**
 * Returns the headers to send: names lower-cased, stripped headers removed (including any header
 * named in `Connection`), size limited. Throws EgressRequestInvalid for a malformed name, a value
 * with CR/LF/NUL, the same header given twice in different letter case, or headers over `maxBytes`.
 */
export function sanitizeRequestHeaders(headers: Readonly<Record<string, string>>, maxBytes: number): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let connectionTokens: string[] | undefined;
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!TOKEN.test(name)) {
      throw requestInvalid(`request header name "${name.slice(0, 64)}" is not a valid HTTP token — use letters, digits and !#$%&'*+.^_\`|~-`, { header: name.slice(0, 64) });
    }
    const lower = name.toLowerCase();
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw requestInvalid(`request header "${lower}" has a value with a line break or NUL character — remove it`, { header: lower });
    }
    bytes += name.length + value.length + 4;
    if (lower === 'connection') {
      connectionTokens = value.split(',').map((token) => token.trim().toLowerCase());
      continue;
    }
    if (isStrippedHeader(lower)) continue;
    if (lower in out) {
      throw requestInvalid(`request header "${lower}" is given twice (letter case differs) — send it once, joining values with ", " if it is a list`, { header: lower });
    }
    out[lower] = value;
  }
  if (bytes > maxBytes) {
    throw requestInvalid(`request headers take ${bytes} bytes, more than the limit of ${maxBytes} — send fewer or shorter headers`, { bytes, limit: maxBytes });
  }
  if (connectionTokens !== undefined) for (const token of connectionTokens) delete out[token];
  return out;
}

/** A copy of `headers` without the named ones (names lower-case). */
export function withoutHeaders(headers: Readonly<Record<string, string>>, names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, headers);
  for (const name of names) delete out[name];
  return out;
}

/** A copy of `headers` without the body-describing ones (for a redirect that becomes a GET). */
export function withoutBodyHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return withoutHeaders(headers, BODY_HEADERS);
}

/**
 * Response headers as one string per lower-case name: repeated headers are joined with ", " (RFC 9110
 * §5.3), as Fetch's `Headers.get` does. `set-cookie` cannot be joined safely (its `Expires` contains
 * commas), so its values are also returned separately.
 */
export function normalizeResponseHeaders(raw: Readonly<Record<string, string | string[] | undefined>>): {
  headers: Record<string, string>;
  setCookie: readonly string[];
} {
  const headers: Record<string, string> = {};
  let setCookie: readonly string[] = [];
  for (const name in raw) {
    const value = raw[name];
    // A header literally named __proto__ would replace the object's prototype; no real API sends one.
    if (value === undefined || name === '__proto__') continue;
    if (typeof value === 'string') {
      headers[name] = value;
      if (name === 'set-cookie') setCookie = [value];
    } else {
      headers[name] = value.join(', ');
      if (name === 'set-cookie') setCookie = value;
    }
  }
  return { headers, setCookie };
}
