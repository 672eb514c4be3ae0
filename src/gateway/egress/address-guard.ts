/**
 * The SSRF guard's address rules: a classifier for one IP address and the allow-list policy built on
 * it. Addresses are classified by their parsed value, never by string patterns (R-18: string checks
 * miss `127.1`, `[::ffff:7f00:1]` and friends). IPv6 forms that carry an IPv4 address (mapped,
 * compatible, translated, NAT64, 6to4) are classified by the embedded address.
 */
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import { EgressDeniedError, configInvalid } from './errors.ts';

/** Why an address is not public. `metadata` is a cloud instance-metadata endpoint. */
export type BlockedRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'metadata';

/** IPv6 notations that embed an IPv4 address. */
export type EmbeddedIpv4Form = 'ipv4-mapped' | 'ipv4-compatible' | 'ipv4-translated' | 'nat64' | '6to4';

/** The classification of one IP address. */
export type AddressClass =
  | { readonly range: 'public'; readonly embedded?: { readonly form: EmbeddedIpv4Form; readonly ipv4: string } }
  | {
      readonly range: BlockedRange;
      /** The rule that matched, e.g. `127.0.0.0/8`. */
      readonly cidr: string;
      /** Set when the address is an IPv6 form of an IPv4 address; `cidr` then is the IPv4 rule. */
      readonly embedded?: { readonly form: EmbeddedIpv4Form; readonly ipv4: string };
    };

type V4Rule = readonly [base: number, prefix: number, range: BlockedRange, cidr: string];

function v4(text: string, range: BlockedRange): V4Rule {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  return [ipv4ToNumber(address.octets), prefix, range, text];
}

/** First match wins: specific endpoints come before the ranges that contain them. */
const V4_RULES: readonly V4Rule[] = [
  v4('169.254.169.254/32', 'metadata'), // AWS, Azure, GCP, OCI instance metadata
  v4('169.254.170.2/32', 'metadata'), // AWS ECS task metadata
  v4('100.100.100.200/32', 'metadata'), // Alibaba Cloud metadata
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade-nat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  v4('192.0.2.0/24', 'reserved'), // documentation (TEST-NET-1)
  v4('192.88.99.0/24', 'reserved'), // 6to4 relay anycast (deprecated)
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'), // benchmarking
  v4('198.51.100.0/24', 'reserved'), // documentation (TEST-NET-2)
  v4('203.0.113.0/24', 'reserved'), // documentation (TEST-NET-3)
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // future use
];

type V6Rule = readonly [parts: readonly number[], prefix: number, range: BlockedRange, cidr: string];

function v6(text: string, range: BlockedRange): V6Rule {
  const [address, prefix] = ipaddr.IPv6.parseCIDR(text);
  return [address.parts, prefix, range, text];
}

/** IPv6 rules checked after the embedded-IPv4 forms; anything outside 2000::/3 is reserved too. */
const V6_RULES: readonly V6Rule[] = [
  v6('fd00:ec2::254/128', 'metadata'), // AWS metadata over IPv6
  v6('64:ff9b:1::/48', 'reserved'), // local-use NAT64 (RFC 8215): embeds IPv4 at a site-chosen offset
  v6('100::/64', 'reserved'), // discard-only
  v6('2001::/23', 'reserved'), // IETF protocol assignments (Teredo, benchmarking, ORCHID, …)
  v6('2001:db8::/32', 'reserved'), // documentation
  v6('3fff::/20', 'reserved'), // documentation
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local'),
  v6('ff00::/8', 'multicast'),
];

function ipv4ToNumber(octets: readonly number[]): number {
  return (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
}

function numberToIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The netmask of a prefix length (JavaScript shifts count modulo 32, so /0 and /32 are special). */
function v4Mask(prefix: number): number {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return 0xffffffff;
  return ~(0xffffffff >>> prefix) >>> 0;
}

function v4Matches(value: number, base: number, prefix: number): boolean {
  return ((value & v4Mask(prefix)) >>> 0) === base;
}

function v6Matches(parts: readonly number[], base: readonly number[], prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((parts[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
}

function classifyV4(value: number): AddressClass {
  for (const [base, prefix, range, cidr] of V4_RULES) {
    if (v4Matches(value, base, prefix)) return { range, cidr };
  }
  return { range: 'public' };
}

/** The IPv4 address an IPv6 address carries, and in which notation, if any. */
function embeddedIpv4(p: readonly number[]): { form: EmbeddedIpv4Form; value: number } | undefined {
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = p;
  const low = ((p6 << 16) | p7) >>> 0;
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0) {
    if (p4 === 0 && p5 === 0xffff) return { form: 'ipv4-mapped', value: low }; // ::ffff:0:0/96
    if (p4 === 0xffff && p5 === 0) return { form: 'ipv4-translated', value: low }; // ::ffff:0:0:0/96
    if (p4 === 0 && p5 === 0) return { form: 'ipv4-compatible', value: low }; // ::/96 (deprecated)
  }
  if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) return { form: 'nat64', value: low }; // 64:ff9b::/96
  if (p0 === 0x2002) return { form: '6to4', value: ((p1 << 16) | p2) >>> 0 }; // 2002::/16
  return undefined;
}

/**
 * Classifies one IP address (IPv4 dotted-quad or any IPv6 text, with or without brackets or a zone
 * id). Throws EgressConfigInvalid-coded UserInputError for text that is not an IP address.
 */
export function classifyAddress(address: string): AddressClass {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(text);
  if (family === 4) return classifyV4(ipv4ToNumber(ipaddr.IPv4.parse(text).octets));
  if (family !== 6 && !ipaddr.IPv6.isValid(text)) {
    throw configInvalid(`"${address}" is not an IP address — give an IPv4 dotted quad or an IPv6 address`);
  }
  const parts = ipaddr.IPv6.parse(text).parts;
  if (parts.every((part) => part === 0)) return { range: 'unspecified', cidr: '::/128' };
  if (parts.slice(0, 7).every((part) => part === 0) && parts[7] === 1) return { range: 'loopback', cidr: '::1/128' };
  const embedded = embeddedIpv4(parts);
  if (embedded !== undefined) {
    const inner = classifyV4(embedded.value);
    const info = { form: embedded.form, ipv4: numberToIpv4(embedded.value) };
    if (inner.range !== 'public') return { range: inner.range, cidr: inner.cidr, embedded: info };
    // An IPv4-compatible address is deprecated (RFC 4291) and never a legitimate destination.
    if (embedded.form === 'ipv4-compatible') return { range: 'reserved', cidr: '::/96', embedded: info };
    return { range: 'public', embedded: info };
  }
  for (const [base, prefix, range, cidr] of V6_RULES) {
    if (v6Matches(parts, base, prefix)) return { range, cidr };
  }
  if (((parts[0] ?? 0) & 0xe000) !== 0x2000) return { range: 'reserved', cidr: 'outside 2000::/3' };
  return { range: 'public' };
}

/** Options of the address policy (the `egress.allow` part of the egress configuration). */
export interface AddressPolicyOptions {
  /**
   * Destinations admitted although their address is not public: CIDRs (`10.1.0.0/16`, `fd00::/8`),
   * single addresses (`127.0.0.1`, `::1`), host names (`mock.internal`) and host-name suffixes
   * (`*.corp.example`, which matches `a.corp.example` but not `corp.example`). A host-name entry
   * admits connections made *for that name* only; a DNS answer for any other name is judged by its
   * address alone.
   */
  readonly allow?: readonly string[];
  /**
   * Lifts the special refusal of cloud metadata endpoints (169.254.169.254, 169.254.170.2,
   * 100.100.100.200, fd00:ec2::254, metadata.google.internal). They still need an `allow` entry.
   */
  readonly allowMetadata?: boolean;
}

/** The allow-list, parsed once. */
export interface AddressPolicy {
  /** Checks a literal host or a connected address; returns the refusal, or undefined when allowed. */
  check(host: string, address: string): EgressDeniedError | undefined;
  /** Checks a host name before any DNS lookup (refuses well-known metadata names). */
  checkName(host: string): EgressDeniedError | undefined;
}

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

interface ParsedAllowList {
  readonly v4: readonly (readonly [base: number, prefix: number])[];
  readonly v6: readonly (readonly [parts: readonly number[], prefix: number])[];
  readonly hosts: ReadonlySet<string>;
  readonly suffixes: readonly string[];
}

/** Lower-cases a host and drops a trailing dot, so `Example.COM.` and `example.com` compare equal. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

const HOST_PATTERN = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function parseAllowList(entries: readonly string[]): ParsedAllowList {
  const v4List: (readonly [number, number])[] = [];
  const v6List: (readonly [readonly number[], number])[] = [];
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    const unbracketed = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
    if (ipaddr.isValidCIDR(unbracketed) || ipaddr.isValid(unbracketed)) {
      if (!unbracketed.includes('/') && !isIP(unbracketed)) {
        throw configInvalid(`egress.allow entry "${raw}" is not a canonical IP address — write IPv4 as four decimal parts (e.g. "127.0.0.1")`, { entry: raw });
      }
      const [address, prefix] = unbracketed.includes('/') ? ipaddr.parseCIDR(unbracketed) : [ipaddr.parse(unbracketed), -1];
      if (address.kind() === 'ipv4') {
        v4List.push([ipv4ToNumber((address as ipaddr.IPv4).octets), prefix === -1 ? 32 : prefix]);
      } else {
        v6List.push([(address as ipaddr.IPv6).parts, prefix === -1 ? 128 : prefix]);
      }
      continue;
    }
    const host = normalizeHost(entry);
    if (host.startsWith('*.') && HOST_PATTERN.test(host.slice(2))) {
      suffixes.push(host.slice(1));
      continue;
    }
    if (HOST_PATTERN.test(host)) {
      hosts.add(host);
      continue;
    }
    throw configInvalid(
      `egress.allow entry "${raw}" is neither a CIDR ("10.0.0.0/8"), an IP address ("127.0.0.1", "::1"), a host name ("api.internal") nor a suffix ("*.corp.example") — fix or remove it`,
      { entry: raw },
    );
  }
  // Masked bases so that "10.1.2.3/8" means 10.0.0.0/8, as the CIDR notation intends.
  return {
    v4: v4List.map(([base, prefix]) => [(base & v4Mask(prefix)) >>> 0, prefix] as const),
    v6: v6List,
    hosts,
    suffixes,
  };
}

function describe(range: BlockedRange): string {
  switch (range) {
    case 'metadata':
      return 'a cloud instance-metadata endpoint';
    case 'carrier-grade-nat':
      return 'carrier-grade NAT (shared address space)';
    case 'unique-local':
      return 'unique-local (private IPv6)';
    case 'site-local':
      return 'site-local (deprecated private IPv6)';
    case 'unspecified':
      return 'the unspecified address ("this host")';
    default:
      return range;
  }
}

/** Builds the address policy; throws EgressConfigInvalid naming a bad `egress.allow` entry. */
export function createAddressPolicy(options: AddressPolicyOptions = {}): AddressPolicy {
  const allow = parseAllowList(options.allow ?? []);
  const allowMetadata = options.allowMetadata === true;

  function hostAllowed(host: string): boolean {
    if (allow.hosts.size === 0 && allow.suffixes.length === 0) return false;
    const name = normalizeHost(host);
    if (allow.hosts.has(name)) return true;
    for (const suffix of allow.suffixes) if (name.endsWith(suffix)) return true;
    return false;
  }

  function addressAllowed(address: string): boolean {
    const text = address.startsWith('[') ? address.slice(1, -1) : address;
    const family = isIP(text);
    if (family === 4) {
      if (allow.v4.length === 0) return false;
      const value = ipv4ToNumber(ipaddr.IPv4.parse(text).octets);
      return allow.v4.some(([base, prefix]) => v4Matches(value, base, prefix));
    }
    const parsed = ipaddr.IPv6.parse(text);
    if (allow.v6.some(([base, prefix]) => v6Matches(parsed.parts, base, prefix))) return true;
    // An IPv4 allow entry also admits that address written as IPv4-mapped IPv6 (dual-stack sockets).
    if (parsed.isIPv4MappedAddress() && allow.v4.length > 0) {
      const value = ipv4ToNumber(parsed.toIPv4Address().octets);
      return allow.v4.some(([base, prefix]) => v4Matches(value, base, prefix));
    }
    return false;
  }

  function denial(host: string, address: string, found: Exclude<AddressClass, { range: 'public' }>): EgressDeniedError {
    const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const form = found.embedded === undefined ? '' : ` (the ${found.embedded.form} form of ${found.embedded.ipv4})`;
    const fix =
      found.range === 'metadata'
        ? 'metadata endpoints stay refused even when allow-listed; only an admin who really needs them can set egress.allowMetadata and add an egress.allow entry'
        : `if this destination is trusted, an admin can allow-list it in config egress.allow (e.g. "${address.includes(':') ? `${address.replace(/^\[|\]$/g, '')}/128` : `${address}/32`}"${isIP(host.replace(/^\[|\]$/g, '')) === 0 ? ` or "${normalizeHost(host)}"` : ''})`;
    return new EgressDeniedError(`egress to ${shownHost} refused: address ${address}${form} is ${describe(found.range)} (rule ${found.cidr}) — ${fix}`, {
      host: normalizeHost(host),
      address,
      range: found.range,
      rule: found.cidr,
      ...(found.embedded === undefined ? {} : { embeddedIpv4: found.embedded.ipv4, form: found.embedded.form }),
    });
  }

  return {
    check(host, address) {
      const found = classifyAddress(address);
      if (found.range === 'public') return undefined;
      if (found.range === 'metadata' && !allowMetadata) return denial(host, address, found);
      if (addressAllowed(address)) return undefined;
      if (isIP(host.replace(/^\[|\]$/g, '')) === 0 && hostAllowed(host)) return undefined;
      return denial(host, address, found);
    },
    checkName(host) {
      if (allowMetadata) return undefined;
      const name = normalizeHost(host);
      if (!METADATA_NAMES.has(name)) return undefined;
      return new EgressDeniedError(
        `egress to ${name} refused: it is a cloud instance-metadata host name — metadata endpoints stay refused even when allow-listed; only an admin who really needs them can set egress.allowMetadata and add an egress.allow entry`,
        { host: name, range: 'metadata', rule: 'metadata host name' },
      );
    },
  };
}
