import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCatalog, defaultConnectorName } from '../../src/catalog/index.ts';
import type { Catalog } from '../../src/catalog/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { BUILTIN_CONNECTORS_DIR } from '../../src/server/index.ts';

const FIXTURE = resolve(import.meta.dirname, '..', 'fixtures', 'catalog', 'echo');
let work: string;
let store: Store;
let catalog: Catalog;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'plugboard-catalog-'));
  store = await openStore({ driver: 'sqlite', memory: true });
  catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
});
after(async () => {
  await store.close();
  rmSync(work, { recursive: true, force: true });
});

test('re-importing a changed definition creates a new version and keeps the old one addressable', async () => {
  const folder = join(work, 'Echo Service');
  cpSync(FIXTURE, folder, { recursive: true });
  const first = await catalog.importPath(folder, { environment: 'default' });
  assert.deepEqual([first.name, first.version, first.created], ['echo-service', 1, true]);

  const unchanged = await catalog.importPath(folder, { environment: 'default' });
  assert.deepEqual([unchanged.version, unchanged.created], [1, false]);

  const file = join(folder, 'apiDefinition.swagger.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"summary": "Echo a message"', '"summary": "Echo a message back"'));
  const second = await catalog.importPath(folder, { environment: 'default' });
  assert.deepEqual([second.version, second.created], [2, true]);

  const latest = await catalog.show('default', 'echo-service');
  assert.equal(latest.version.version, 2);
  assert.equal(latest.definition.operations[0]?.summary, 'Echo a message back');
  const old = await catalog.show('default', 'echo-service', 1);
  assert.equal(old.definition.operations[0]?.summary, 'Echo a message');
  assert.deepEqual((await catalog.versions('default', 'echo-service')).map((v) => v.version), [1, 2]);
});

test('environments are separate catalogs', async () => {
  await store.environments.create({ name: 'staging' });
  const result = await catalog.importPath(FIXTURE, { environment: 'staging', name: 'echo' });
  assert.equal(result.version, 1);
  assert.deepEqual((await catalog.list('staging')).map((c) => c.name), ['echo']);
  assert.ok(!(await catalog.list('default')).some((c) => c.name === 'echo'));
});

test('delete removes the connector and all its versions', async () => {
  await catalog.importPath(FIXTURE, { environment: 'default', name: 'to-delete' });
  await catalog.delete('default', 'to-delete');
  await assert.rejects(catalog.show('default', 'to-delete'), { code: 'ConnectorNotFound' });
  await assert.rejects(catalog.delete('default', 'to-delete'), { code: 'ConnectorNotFound' });
});

test('a definition with errors is refused with the list of errors', async () => {
  const folder = join(work, 'broken');
  cpSync(FIXTURE, folder, { recursive: true });
  const file = join(folder, 'apiDefinition.swagger.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"operationId": "Echo",', ''));
  await assert.rejects(catalog.importPath(folder, { environment: 'default' }), (error: Error & { code?: string; details?: { errors?: unknown[] } }) => {
    assert.equal(error.code, 'ConnectorInvalid');
    assert.match(error.message, /not imported/);
    assert.ok((error.details?.errors?.length ?? 0) > 0);
    return true;
  });
  assert.ok(!(await catalog.list('default')).some((c) => c.name === 'broken'));
});

test('built-in connectors are imported flagged built-in, once', async () => {
  const results = await catalog.syncBuiltins('default');
  assert.ok(results.length > 0);
  const again = await catalog.syncBuiltins('default');
  assert.ok(again.every((r) => !r.created), 'an unchanged built-in keeps its version');
  const builtin = (await catalog.list('default')).find((c) => c.name === 'plugboard');
  assert.equal(builtin?.builtin, true);
  await catalog.syncBuiltins();
  assert.ok((await catalog.list('staging')).some((c) => c.name === 'plugboard' && c.builtin), 'without an environment name, every environment gets them');
});

test('default names come from the folder or file name', () => {
  assert.equal(defaultConnectorName('/x/certified-connectors/HubSpot CRM V2/'), 'hubspot-crm-v2');
  assert.equal(defaultConnectorName('/x/petstore.openapi.yaml'), 'petstore');
  assert.equal(defaultConnectorName('api.swagger.json'), 'api');
});
