import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkRefs, createRefResolver, parseDocument } from './index.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/parse');

function loadFixture(name: string): unknown {
  const parsed = parseDocument(readFileSync(join(fixtures, name)), { file: name });
  assert.equal(parsed.ok, true);
  return parsed.value;
}

/** definitions d0 → d1 → … → d(n-1) → a real schema. */
function refChain(length: number): { definitions: Record<string, unknown> } {
  const definitions: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) definitions[`d${i}`] = { $ref: `#/definitions/d${i + 1}` };
  definitions[`d${length}`] = { type: 'string' };
  return { definitions };
}

describe('checkRefs', () => {
  it('accepts self-recursive and mutually recursive schemas, escaped and percent-encoded pointers, and ref-to-ref', () => {
    assert.deepEqual(checkRefs(loadFixture('refs-legal.json'), { file: 'refs-legal.json' }), []);
  });

  it('reports each broken $ref at the pointer of its $ref member', () => {
    const issues = checkRefs(loadFixture('refs-broken.json'), { file: 'refs-broken.json' });
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity, i.path, i.file]),
      [
        ['ref-cycle', 'error', '/definitions/LoopA/$ref', 'refs-broken.json'],
        ['ref-cycle', 'error', '/definitions/LoopB/$ref', 'refs-broken.json'],
        ['ref-unresolved', 'error', '/paths/~1x/get/parameters/0/schema/$ref', 'refs-broken.json'],
        ['ref-external', 'error', '/paths/~1x/get/parameters/1/schema/$ref', 'refs-broken.json'],
        ['ref-external', 'error', '/paths/~1x/get/parameters/2/schema/$ref', 'refs-broken.json'],
        ['ref-external', 'error', '/paths/~1x/get/parameters/3/schema/$ref', 'refs-broken.json'],
        ['ref-cycle', 'error', '/paths/~1x/get/parameters/4/schema/$ref', 'refs-broken.json'],
      ],
    );
    assert.match(issues[2]?.message ?? '', /"#\/definitions\/missing" points to '#\/definitions\/missing', which does not exist — '#\/definitions' has no 'missing'/);
    assert.match(issues[6]?.message ?? '', /'#\/definitions\/LoopA' → '#\/definitions\/LoopB' → '#\/definitions\/LoopA'/);
  });

  it('never reads an external ref: the message names the ref only, never any file content', () => {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const issues = checkRefs(loadFixture('refs-broken.json'), { file: 'refs-broken.json' }).filter((i) => i.code === 'ref-external');
    assert.equal(issues.length, 3);
    for (const issue of issues) {
      assert.match(issue.message, /never followed \(no file is read and no network request is made\)/);
      for (const line of passwd.split('\n').filter((l) => l.length > 10)) assert.ok(!issue.message.includes(line), 'message leaks /etc/passwd');
    }
    assert.match(issues[0]?.message ?? '', /"http:\/\/169\.254\.169\.254\/latest\/meta-data\/" points to a URL/);
    assert.match(issues[2]?.message ?? '', /"\.\.\/\.\.\/server\.env" points to another file/);
  });

  it('treats a relative file ref with a fragment as external', () => {
    const issues = checkRefs({ a: { $ref: '../x.json#/definitions/A' }, b: { $ref: 'other.json' } }, { file: 'f' });
    assert.deepEqual(
      issues.map((i) => i.code),
      ['ref-external', 'ref-external'],
    );
  });

  it('refuses a 10,000-long ref chain with ref-too-deep, listing 100 and summarising the rest', () => {
    // Speed is measured by bench:catalog, not asserted here (no timing assertions in tests).
    const issues = checkRefs(refChain(10_000), { file: 'chain.json' });
    assert.equal(issues.length, 101);
    assert.equal(issues[0]?.code, 'ref-too-deep');
    assert.equal(issues[0]?.path, '/definitions/d0/$ref');
    assert.deepEqual(issues[100]?.code, 'ref-issues-truncated');
    assert.match(issues[100]?.message ?? '', /^9868 more \$ref problems/);
  });

  it('walks a deeply nested document without recursion', () => {
    let document: unknown = { $ref: '#/missing' };
    for (let i = 0; i < 100_000; i++) document = { a: document };
    const issues = checkRefs(document, { file: 'deep.json' });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, '/a'.repeat(100_000) + '/$ref');
  });
});

describe('createRefResolver', () => {
  const document = loadFixture('refs-legal.json');
  const resolver = createRefResolver(document, { file: 'refs-legal.json' });

  it('resolves JSON pointer escapes ~1 and ~0 and percent-encoding to the canonical pointer', () => {
    assert.deepEqual(resolver.resolve('#/definitions/a~1b'), { ok: true, value: { type: 'string', title: 'slash' }, pointer: '/definitions/a~1b' });
    assert.deepEqual(resolver.resolve('#/definitions/m~0n'), { ok: true, value: { type: 'string', title: 'tilde' }, pointer: '/definitions/m~0n' });
    assert.deepEqual(resolver.resolve('#/definitions/with%20space'), { ok: true, value: { type: 'string', title: 'space' }, pointer: '/definitions/with space' });
    assert.deepEqual(resolver.resolve('#/definitions/a%7E1b'), { ok: true, value: { type: 'string', title: 'slash' }, pointer: '/definitions/a~1b' });
  });

  it('follows a chain of refs to the first real value', () => {
    const result = resolver.resolve('#/definitions/Alias');
    assert.ok(result.ok);
    assert.equal(result.pointer, '/definitions/Tree');
    assert.equal((result.value as { type: string }).type, 'object');
  });

  it('resolves a recursive schema to itself without looping', () => {
    const tree = resolver.resolve('#/definitions/Tree');
    assert.ok(tree.ok);
    const items = (tree.value as { properties: { children: { items: unknown } } }).properties.children.items;
    assert.equal(resolver.deref(items), tree.value);
  });

  it('resolves "#" to the whole document and array indexes', () => {
    assert.deepEqual(createRefResolver({ a: [10, 20] }, { file: 'f' }).resolve('#/a/1'), { ok: true, value: 20, pointer: '/a/1' });
    assert.deepEqual(createRefResolver({ a: 1 }, { file: 'f' }).resolve('#'), { ok: true, value: { a: 1 }, pointer: '' });
  });

  it('does not find inherited properties such as constructor or __proto__', () => {
    const r = createRefResolver({ definitions: {} }, { file: 'f' });
    for (const ref of ['#/definitions/constructor', '#/definitions/__proto__', '#/toString', '#/definitions/hasOwnProperty']) {
      const result = r.resolve(ref);
      assert.equal(result.ok, false, ref);
      assert.equal(result.ok ? '' : result.issue.code, 'ref-unresolved');
    }
  });

  it('refuses array indexes that are out of range or not canonical', () => {
    const r = createRefResolver({ a: [1, 2] }, { file: 'f' });
    for (const ref of ['#/a/2', '#/a/01', '#/a/-1', '#/a/x']) assert.equal(r.resolve(ref).ok, false, ref);
  });

  it('returns an issue for a malformed pointer, naming the fix', () => {
    const r = createRefResolver({}, { file: 'f' });
    const cases: Array<[string, RegExp]> = [
      ['#definitions/A', /must start with '\/'/],
      ['#/a%ZZ', /malformed %-escape/],
      ['#/a~2', /'~' that is not '~0'/],
    ];
    for (const [ref, message] of cases) {
      const result = r.resolve(ref);
      assert.ok(!result.ok, ref);
      assert.equal(result.issue.code, 'ref-unresolved');
      assert.equal(result.issue.file, 'f');
      assert.match(result.issue.message, message);
    }
  });

  it('stops chains at maxHops and detects pure loops, including a ref to itself', () => {
    const chain = createRefResolver(refChain(5), { file: 'f', maxHops: 5 });
    assert.equal(chain.resolve('#/definitions/d1').ok, true);
    const failed = chain.resolve('#/definitions/d0');
    assert.equal(failed.ok ? '' : failed.issue.code, 'ref-too-deep');
    const loop = createRefResolver({ a: { $ref: '#/a' } }, { file: 'f' }).resolve('#/a');
    assert.equal(loop.ok ? '' : loop.issue.code, 'ref-cycle');
  });

  it('derefs a $ref object to its target, passes other values through, and gives undefined when unresolvable', () => {
    const r = createRefResolver({ definitions: { A: { type: 'string' } } }, { file: 'f' });
    assert.deepEqual(r.deref({ $ref: '#/definitions/A' }), { type: 'string' });
    const plain = { type: 'integer' };
    assert.equal(r.deref(plain), plain);
    assert.equal(r.deref({ $ref: '#/definitions/B' }), undefined);
    assert.equal(r.deref({ $ref: 'http://example.com/x' }), undefined);
    const propertyNamedRef = { $ref: { type: 'string' } };
    assert.equal(r.deref(propertyNamedRef), propertyNamedRef);
  });
});
