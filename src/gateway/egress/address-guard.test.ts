import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { classifyAddress, createAddressPolicy } from './address-guard.ts';
import { createEgressClient } from './egress-client.ts';
import { isPlugboardError } from '../../core/index.ts';

/** Every IPv4 range the guard must refuse, with the range name it must report. */
const BLOCKED_V4: readonly (readonly [cidr: string, range: string])[] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade-nat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];

const BLOCKED_V6: readonly (readonly [cidr: string, range: string])[] = [
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['::1/128', 'loopback'],
  ['::/128', 'unspecified'],
];

const METADATA = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254'];

function v4ToNumber(text: string): number {
  return ipaddr.IPv4.parse(text).octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function numberToDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A random address inside an IPv4 CIDR. */
function inV4(cidr: string): fc.Arbitrary<number> {
  const [base, prefix] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(prefix));
  return fc.integer({ min: 0, max: size - 1 }).map((offset) => v4ToNumber(base) + offset);
}

function radix(value: number, kind: 'dec' | 'oct' | 'hex' | 'HEX'): string {
  if (kind === 'dec') return String(value);
  if (kind === 'oct') return `0${value.toString(8)}`;
  return kind === 'hex' ? `0x${value.toString(16)}` : `0X${value.toString(16).toUpperCase()}`;
}

const radixKind = fc.constantFrom('dec' as const, 'oct' as const, 'hex' as const, 'HEX' as const);

/** The textual forms a URL host can take for one IPv4 address (WHATWG accepts all of them). */
function v4HostForms(n: number): fc.Arbitrary<string> {
  const parts = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255] as const;
  const hi = ((n >>> 16) & 0xffff).toString(16);
  const lo = (n & 0xffff).toString(16);
  const dotted = numberToDotted(n);
  return fc.oneof(
    fc.constant(dotted),
    fc.tuple(radixKind, radixKind, radixKind, radixKind).map(([a, b, c, d]) => [radix(parts[0], a), radix(parts[1], b), radix(parts[2], c), radix(parts[3], d)].join('.')),
    radixKind.map((k) => radix(n, k)), // 2130706433, 0x7f000001, 017700000001
    fc.tuple(radixKind, radixKind).map(([a, b]) => `${radix(parts[0], a)}.${radix(n & 0xffffff, b)}`), // 127.1
    fc.tuple(radixKind, radixKind, radixKind).map(([a, b, c]) => `${radix(parts[0], a)}.${radix(parts[1], b)}.${radix(n & 0xffff, c)}`),
    fc.constant(`${dotted}.`), // trailing dot
    fc.constant(`[::ffff:${dotted}]`),
    fc.constant(`[::ffff:${hi}:${lo}]`),
    fc.constant(`[::FFFF:${hi.toUpperCase()}:${lo.toUpperCase()}]`),
    fc.constant(`[0000:0000:0000:0000:0000:ffff:${hi.padStart(4, '0')}:${lo.padStart(4, '0')}]`),
    fc.constant(`[::ffff:0:${dotted}]`), // IPv4-translated
    fc.constant(`[64:ff9b::${dotted}]`), // NAT64
    fc.constant(`[64:ff9b::${hi}:${lo}]`),
    fc.constant(`[2002:${hi}:${lo}::1]`), // 6to4
    fc.constant(`[::${dotted}]`), // IPv4-compatible
  );
}

/** A random address inside an IPv6 CIDR, as 8 parts. */
function inV6(cidr: string): fc.Arbitrary<number[]> {
  const [base, prefix] = ipaddr.IPv6.parseCIDR(cidr);
  return fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((random) =>
    base.parts.map((part, i) => {
      const bits = Math.max(0, Math.min(16, prefix - i * 16));
      const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
      return (part & mask) | ((random[i] ?? 0) & ~mask & 0xffff);
    }),
  );
}

function v6HostForms(parts: number[]): fc.Arbitrary<string> {
  const address = new ipaddr.IPv6(parts);
  return fc.oneof(
    fc.constant(`[${address.toString()}]`),
    fc.constant(`[${address.toNormalizedString()}]`),
    fc.constant(`[${parts.map((part) => part.toString(16).padStart(4, '0')).join(':')}]`),
    fc.constant(`[${address.toString().toUpperCase()}]`),
  );
}

/** Single addresses with a more specific rule inside the ranges above. */
const SPECIFIC: Readonly<Record<string, string>> = {
  '169.254.169.254': 'metadata',
  '169.254.170.2': 'metadata',
  '100.100.100.200': 'metadata',
  '255.255.255.255': 'broadcast',
};

test('classifies every address of each blocked IPv4 range as that range', () => {
  for (const [cidr, range] of BLOCKED_V4) {
    fc.assert(
      fc.property(inV4(cidr), (n) => {
        const dotted = numberToDotted(n);
        assert.equal(classifyAddress(dotted).range, SPECIFIC[dotted] ?? range, `${dotted} in ${cidr}`);
      }),
      { numRuns: 300 },
    );
  }
});

test('classifies IPv6 forms of blocked IPv4 addresses by the embedded address', () => {
  fc.assert(
    fc.property(fc.constantFrom(...BLOCKED_V4.map(([cidr]) => cidr)).chain(inV4), (n) => {
      const dotted = numberToDotted(n);
      const hi = ((n >>> 16) & 0xffff).toString(16);
      const lo = (n & 0xffff).toString(16);
      for (const form of [`::ffff:${dotted}`, `::ffff:${hi}:${lo}`, `64:ff9b::${hi}:${lo}`, `2002:${hi}:${lo}::`, `::ffff:0:${hi}:${lo}`]) {
        assert.notEqual(classifyAddress(form).range, 'public', form);
      }
    }),
    { numRuns: 300 },
  );
});

test('classifies random public IPv4 addresses as public', () => {
  fc.assert(
    fc.property(fc.ipV4(), (address) => {
      fc.pre(ipaddr.IPv4.parse(address).range() === 'unicast');
      assert.equal(classifyAddress(address).range, 'public', address);
      const hi = ((v4ToNumber(address) >>> 16) & 0xffff).toString(16);
      const lo = (v4ToNumber(address) & 0xffff).toString(16);
      // The mapped form of a public address reaches that public address, so it is public too.
      assert.equal(classifyAddress(`::ffff:${hi}:${lo}`).range, 'public', `::ffff:${hi}:${lo}`);
    }),
    { numRuns: 2000 },
  );
});

test('classifies random global-unicast IPv6 addresses as public', () => {
  const globalUnicast = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 })
    .chain((rest) => fc.integer({ min: 0x2000, max: 0x3fff }).map((first) => [first, ...rest]));
  fc.assert(
    fc.property(globalUnicast, (parts) => {
      const address = new ipaddr.IPv6(parts);
      fc.pre(address.range() === 'unicast');
      assert.equal(classifyAddress(address.toString()).range, 'public', address.toString());
    }),
    { numRuns: 2000 },
  );
});

test('classifies metadata endpoints as metadata, in any notation', () => {
  for (const address of [...METADATA, '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '[fd00:ec2::254]']) {
    assert.equal(classifyAddress(address).range, 'metadata', address);
  }
});

test('refuses every address of each blocked range in every URL encoding, without connecting', async () => {
  const client = createEgressClient({
    retry: 'none',
    connectTimeoutMs: 200,
    lookup: () => Promise.reject(new Error('no DNS lookup expected for a literal address')),
  });
  try {
    const v4Hosts = fc.constantFrom(...BLOCKED_V4.map(([cidr]) => cidr)).chain(inV4).chain(v4HostForms);
    const v6Hosts = fc.constantFrom(...BLOCKED_V6.map(([cidr]) => cidr)).chain(inV6).chain(v6HostForms);
    await fc.assert(
      fc.asyncProperty(fc.oneof(v4Hosts, v6Hosts), fc.boolean(), async (host, userinfo) => {
        const url = `http://${userinfo ? 'public@' : ''}${host}:8080/path`;
        await assert.rejects(client.send({ method: 'GET', url }), (error: unknown) => {
          assert.ok(isPlugboardError(error), `${url}: ${String(error)}`);
          assert.equal(error.code, 'EgressDenied', `${url}: ${error.message}`);
          return true;
        });
      }),
      { numRuns: 1500 },
    );
  } finally {
    await client.close();
  }
});

test('keeps metadata refused when the private and link-local ranges are allow-listed', () => {
  const policy = createAddressPolicy({ allow: ['10.0.0.0/8', '169.254.0.0/16', 'fd00::/8'] });
  assert.equal(policy.check('10.1.2.3', '10.1.2.3'), undefined);
  assert.equal(policy.check('169.254.1.1', '169.254.1.1'), undefined);
  for (const address of METADATA) {
    const denied = policy.check(address, address);
    assert.equal(denied?.code, 'EgressDenied', address);
    assert.match(denied?.message ?? '', /metadata/);
    assert.match(denied?.message ?? '', /egress\.allowMetadata/);
  }
  assert.equal(policy.checkName('metadata.google.internal')?.code, 'EgressDenied');
});

test('admits a metadata endpoint only with the explicit flag and an allow entry', () => {
  assert.notEqual(createAddressPolicy({ allowMetadata: true }).check('169.254.169.254', '169.254.169.254'), undefined);
  const policy = createAddressPolicy({ allowMetadata: true, allow: ['169.254.169.254'] });
  assert.equal(policy.check('169.254.169.254', '169.254.169.254'), undefined);
  assert.equal(policy.checkName('metadata.google.internal'), undefined);
});

test('a host-name allow entry admits that name only, not other names resolving to the same address', () => {
  const policy = createAddressPolicy({ allow: ['api.internal', '*.corp.example'] });
  assert.equal(policy.check('api.internal', '10.0.0.5'), undefined);
  assert.equal(policy.check('API.Internal.', '10.0.0.5'), undefined);
  assert.equal(policy.check('a.b.corp.example', '192.168.1.1'), undefined);
  assert.equal(policy.check('evil.example', '10.0.0.5')?.code, 'EgressDenied');
  assert.equal(policy.check('corp.example', '10.0.0.5')?.code, 'EgressDenied');
  assert.equal(policy.check('evilcorp.example', '10.0.0.5')?.code, 'EgressDenied');
  // A literal address is never admitted by a name entry.
  assert.equal(policy.check('10.0.0.5', '10.0.0.5')?.code, 'EgressDenied');
});

test('an IPv4 allow entry also admits its IPv4-mapped IPv6 form', () => {
  const policy = createAddressPolicy({ allow: ['127.0.0.1'] });
  assert.equal(policy.check('::ffff:7f00:1', '::ffff:7f00:1'), undefined);
  assert.equal(policy.check('::ffff:7f00:2', '::ffff:7f00:2')?.code, 'EgressDenied');
});

test('names host, address, rule and the egress.allow fix in a refusal', () => {
  const denied = createAddressPolicy().check('internal.test', '10.9.8.7');
  assert.ok(denied);
  assert.match(denied.message, /internal\.test/);
  assert.match(denied.message, /10\.9\.8\.7/);
  assert.match(denied.message, /10\.0\.0\.0\/8/);
  assert.match(denied.message, /egress\.allow/);
  assert.equal(denied.kind, 'forbidden');
  assert.equal(denied.retryable, false);
  assert.deepEqual(denied.details, { host: 'internal.test', address: '10.9.8.7', range: 'private', rule: '10.0.0.0/8' });
});

test('rejects malformed allow-list entries with a message naming the entry', () => {
  for (const entry of ['not a host!', '10.0.0.0/33', '127.1', 'http://example.com', '*.']) {
    assert.throws(
      () => createAddressPolicy({ allow: [entry] }),
      (error: unknown) => isPlugboardError(error) && error.code === 'EgressConfigInvalid' && error.message.includes(entry),
      entry,
    );
  }
});
