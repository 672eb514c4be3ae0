/**
 * String formats: which ones the mock checks (ajv-formats' full definitions, shared by ajv and the
 * generator so both agree) and a sample value for each. Formats outside this list — the corpus has
 * `enum`, `guid`, `decimal`, `html` and dozens of one-off names — are not checked.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { Format } from 'ajv';

/** The formats the mock checks, by name. */
export const CHECKED_FORMATS: Readonly<Record<string, Format>> = {
  date: fullFormats.date,
  time: fullFormats.time,
  'date-time': fullFormats['date-time'],
  duration: fullFormats.duration,
  uri: fullFormats.uri,
  'uri-reference': fullFormats['uri-reference'],
  url: fullFormats.url,
  email: fullFormats.email,
  hostname: fullFormats.hostname,
  ipv4: fullFormats.ipv4,
  ipv6: fullFormats.ipv6,
  uuid: fullFormats.uuid,
  byte: fullFormats.byte,
  int32: fullFormats.int32,
  int64: fullFormats.int64,
  float: fullFormats.float,
  double: fullFormats.double,
  password: fullFormats.password,
  binary: fullFormats.binary,
};

function runCheck(check: unknown, value: string | number): boolean {
  if (check instanceof RegExp) return check.test(String(value));
  if (typeof check === 'function') {
    const result: unknown = check(value);
    return result === true;
  }
  return true;
}

/** True when `value` satisfies `format` the way ajv checks it (unknown formats accept everything). */
export function formatAccepts(format: string, value: unknown): boolean {
  const definition = Object.hasOwn(CHECKED_FORMATS, format) ? CHECKED_FORMATS[format] : undefined;
  if (definition === undefined || definition === true) return true;
  if (typeof definition === 'string') return true;
  if (definition instanceof RegExp || typeof definition === 'function') return typeof value !== 'string' || runCheck(definition, value);
  if (definition.async === true) return true;
  const appliesTo = definition.type ?? 'string';
  if (appliesTo === 'number') return typeof value !== 'number' || runCheck(definition.validate, value);
  return typeof value !== 'string' || runCheck(definition.validate, value);
}

/** Integer formats: a number with one of these is generated as a whole number. */
export const INTEGER_FORMATS: ReadonlySet<string> = new Set(['int32', 'int64']);


function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * A sample string for a format, or undefined for formats that do not shape strings. `word` is the
 * plain word the generator would otherwise use; `variant` makes values distinct (`uniqueItems`).
 */
export function formatSample(format: string, word: string, variant: number): string | undefined {
  const day = String(10 + (variant % 18)).padStart(2, '0');
  switch (format.toLowerCase()) {
    case 'date-time':
    case 'iso-date-time':
      return `2024-05-${day}T09:30:00Z`;
    case 'date':
      return `2024-05-${day}`;
    case 'time':
    case 'iso-time':
      return `09:${String(30 + (variant % 29)).padStart(2, '0')}:00Z`;
    case 'duration':
      return `P${variant + 1}D`;
    case 'email':
      return `${word}${variant === 0 ? '' : variant}@example.com`;
    case 'uri':
    case 'url':
    case 'uri-reference':
    case 'iri':
      return `https://example.com/${word}/${variant + 1}`;
    case 'hostname':
      return `${word}${variant === 0 ? '' : variant}.example.com`;
    case 'ipv4':
      return `192.0.2.${10 + (variant % 200)}`;
    case 'ipv6':
      return `2001:db8::${(16 + variant).toString(16)}`;
    case 'uuid':
    case 'guid':
      return `3f2504e0-4f89-41d3-9a0c-${(0x0305e82c3301 + variant).toString(16).padStart(12, '0')}`;
    case 'byte':
    case 'base64':
      return base64(variant === 0 ? word : `${word}-${variant}`);
    case 'binary':
      return variant === 0 ? word : `${word}-${variant}`;
    default:
      return undefined;
  }
}
