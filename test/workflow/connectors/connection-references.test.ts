/** Connection references of the shapes flows come with, and Power Automate's flattened parameters. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { operationArguments, resolveConnectionReferences } from '../../../src/workflow/connectors/index.ts';

describe('resolveConnectionReferences', () => {
  test('reads Power Automate, Logic Apps $connections and Plugboard entries', () => {
    const table = resolveConnectionReferences(
      {
        shared_office365: { connectionName: 'conn-mail', source: 'Embedded', id: '/providers/Microsoft.PowerApps/apis/shared_office365', tier: 'NotSpecified' },
        planner: { connection: 'conn-plan', connector: 'planner' },
      },
      {
        $connections: {
          sharepointonline: {
            connectionId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/connections/conn-sp',
            connectionName: 'sharepointonline',
            id: '/subscriptions/0000/providers/Microsoft.Web/locations/westus/managedApis/sharepointonline',
          },
        },
      },
    );
    assert.deepEqual(table.resolve('shared_office365'), { connectionId: 'conn-mail', connectorName: 'office365' });
    assert.deepEqual(table.resolve('planner'), { connectionId: 'conn-plan', connectorName: 'planner' });
    assert.deepEqual(table.resolve('sharepointonline'), { connectionId: 'conn-sp', connectorName: 'sharepointonline' });
    assert.deepEqual(table.names, ['sharepointonline', 'shared_office365', 'planner']);
    assert.deepEqual(table.issues, []);
  });

  test('finds a key ignoring case, and a $connections entry by the connectionId an evaluated host.connection.name gives', () => {
    const connectionId = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/connections/conn-sp';
    const table = resolveConnectionReferences(undefined, { $connections: { sharepointonline: { connectionId, id: '/…/managedApis/sharepointonline' } } });
    assert.equal(table.resolve('SharePointOnline')?.connectionId, 'conn-sp');
    assert.equal(table.resolve(connectionId)?.connectionId, 'conn-sp');
    assert.equal(table.resolve('office365'), undefined);
  });

  test('the flow’s own entry wins over a $connections entry of the same key', () => {
    const table = resolveConnectionReferences({ office365: { connection: 'conn-new', connector: 'office365' } }, { $connections: { office365: { connectionId: 'conn-old', id: '/x/managedApis/office365' } } });
    assert.equal(table.resolve('office365')?.connectionId, 'conn-new');
  });

  test('an entry that names no connection is an issue, and using it throws ConnectionReferenceInvalid with the fix', () => {
    const table = resolveConnectionReferences({
      shared_teams: { runtimeSource: 'embedded', connection: { connectionReferenceLogicalName: 'new_sharedteams_5f1a' }, api: { name: 'shared_teams' } },
      broken: 'conn-1',
    });
    assert.deepEqual(
      table.issues.map((issue) => issue.path),
      ['/connectionReferences/shared_teams', '/connectionReferences/broken'],
    );
    assert.throws(() => table.resolve('shared_teams'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ConnectionReferenceInvalid');
      assert.match(error.message, /connection reference 'shared_teams' is a solution connection reference \(`new_sharedteams_5f1a`\).*set `connection` to the id of a Plugboard connection/);
      return true;
    });
    assert.throws(() => table.resolve('broken'), /connection reference 'broken' must be an object such as \{ "connection"/);
  });

  test('a valid later entry replaces an invalid earlier one, and its issue goes with it', () => {
    const table = resolveConnectionReferences({ office365: { connection: 'conn-1', connector: 'office365' } }, { $connections: { office365: { id: '/x/managedApis/office365' } } });
    assert.deepEqual(table.issues, []);
    assert.equal(table.resolve('office365')?.connectionId, 'conn-1');
  });

  test('accepts the loader’s normalised references (loadWorkflowDefinition().connectionReferences)', () => {
    const table = resolveConnectionReferences({ shared_office365: { name: 'shared_office365', apiId: '/providers/Microsoft.PowerApps/apis/shared_office365', apiName: 'shared_office365', connectionName: 'conn-mail', connectionId: undefined, raw: {} } });
    assert.deepEqual(table.resolve('shared_office365'), { connectionId: 'conn-mail', connectorName: 'office365' });
  });
});

describe('operationArguments', () => {
  test('a/b keys become properties of parameter a; keys without / are whole values', () => {
    assert.deepEqual(operationArguments({ 'item/Title': 'Hello', 'item/Address/City': 'Oslo', 'item/Address/Zip': '0150', dataset: 'https://contoso.sharepoint.com/sites/x', table: 'list-1' }), {
      item: { Title: 'Hello', Address: { City: 'Oslo', Zip: '0150' } },
      dataset: 'https://contoso.sharepoint.com/sites/x',
      table: 'list-1',
    });
  });

  test('properties add to a whole value in any key order, without changing the caller’s objects', () => {
    const whole = { Title: 'From whole', Address: { Country: 'NO' } };
    const parameters = { 'item/Address/City': 'Oslo', item: whole, 'item/Title': 'From key' };
    assert.deepEqual(operationArguments(parameters), { item: { Title: 'From key', Address: { Country: 'NO', City: 'Oslo' } } });
    assert.deepEqual(whole, { Title: 'From whole', Address: { Country: 'NO' } });
  });

  test('a property of a value that is not an object, or an empty segment, is ConnectorParametersInvalid', () => {
    assert.throws(() => operationArguments({ item: 'text', 'item/Title': 'x' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ConnectorParametersInvalid');
      assert.match(error.message, /parameters key 'item\/Title' sets a property of 'item', which is given as a string, not an object/);
      return true;
    });
    assert.throws(() => operationArguments({ 'item//Title': 'x' }), /parameters key 'item\/\/Title' has an empty segment/);
  });

  test('names such as __proto__ stay plain data', () => {
    const args = operationArguments(JSON.parse('{"body/__proto__": {"polluted": true}}') as Record<string, unknown>);
    assert.deepEqual(Object.keys(args['body'] as object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
