/**
 * How the chain composes instances: sections, operation filters, broken and unknown instances,
 * located compile issues, copies instead of mutation, and the backend view the mock backend uses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Operation } from '../../src/connectors/index.ts';
import { PolicyError, SUPPORTED_POLICY_TEMPLATES, createPolicyChain } from '../../src/policies/index.ts';
import { connector, context, fixtureConnector, request, response } from './policy-kit.ts';

const edge = fixtureConnector('edge-cases');
const chain = createPolicyChain(edge.policies, { file: 'edge-cases/apiProperties.json' });
const connection = context({ connectionParameters: { api_key: 'k-123' } });

function operation(definition: { readonly operations: readonly Operation[] }, operationId: string): Operation {
  const found = definition.operations.find((candidate) => candidate.operationId === operationId);
  assert.ok(found !== undefined, `no operation ${operationId}`);
  return found;
}

async function rejection(promise: Promise<unknown>): Promise<PolicyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PolicyError, `expected PolicyError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('compiling', () => {
  it('reports each bad instance as a located issue and never throws', () => {
    assert.deepEqual(
      chain.issues.map((issue) => [issue.severity, issue.code, issue.path]),
      [
        ['warning', 'policy-template-unknown', '/properties/policyTemplateInstances/4'],
        ['warning', 'policy-section-ineffective', '/properties/policyTemplateInstances/5'],
        ['error', 'policy-expression-syntax', '/properties/policyTemplateInstances/6/parameters/x-ms-apimTemplateParameter.value'],
        ['error', 'policy-parameter-missing', '/properties/policyTemplateInstances/7'],
        ['error', 'policy-parameter-invalid', '/properties/policyTemplateInstances/7/parameters/x-ms-apimTemplateParameter.existsAction'],
        ['error', 'policy-parameter-invalid', '/properties/policyTemplateInstances/8/parameters/x-ms-apimTemplateParameter.httpMethod'],
        ['error', 'policy-parameter-invalid', '/properties/policyTemplateInstances/9/parameters/x-ms-apimTemplateParameter.retainKey'],
        ['warning', 'policy-trigger-config-key-empty', '/properties/policyTemplateInstances/12/parameters/x-ms-apimTemplateParameter.triggerConfig'],
      ],
    );
    assert.ok(chain.issues.every((issue) => issue.file === 'edge-cases/apiProperties.json'));
  });

  it('names the policy, the position and what was expected in a syntax issue', () => {
    const syntax = chain.issues.find((issue) => issue.code === 'policy-expression-syntax');
    assert.match(syntax?.message ?? '', /^policy 6 "Unclosed call" \(`setheader`\): /);
    assert.match(syntax?.message ?? '', /column 39 .*expected ',' or '\)'/);
  });

  it('supports exactly the 16 templates the corpus uses', () => {
    assert.equal(SUPPORTED_POLICY_TEMPLATES.length, 16);
    assert.deepEqual([...SUPPORTED_POLICY_TEMPLATES].sort(), [
      'convertarraytoobject',
      'convertobjecttoarray',
      'dynamichosturl',
      'dynamicsubdomain',
      'encodepropertyvalue',
      'moveproperties',
      'pollingtrigger',
      'routerequesttoendpoint',
      'setconnectionstatustounauthenticated',
      'setheader',
      'setproperty',
      'setqueryparameter',
      'setvaluefromurl',
      'stringreplace',
      'stringtoarray',
      'updatenextlink',
    ]);
  });
});

describe('running', () => {
  it('applies an instance with an empty operation list to every operation', async () => {
    for (const operationId of ['ListItems', 'GetItem', 'ArchiveItem']) {
      const sent = await chain.applyRequest(operationId, request(), context({ connectionParameters: { api_key: 'k-123' }, pathParameters: { id: '1' } }));
      assert.equal(sent.headers['x-api-key'], 'k-123', operationId);
    }
  });

  it('skips a query parameter the caller set when existsAction is skip, and appends with append', async () => {
    const sent = await chain.applyRequest('ListItems', request({ query: [['top', '5'], ['tag', 'mine']] }), connection);
    assert.deepEqual(sent.query, [
      ['top', '5'],
      ['tag', 'mine'],
      ['tag', 'plugboard'],
    ]);
    const defaults = await chain.applyRequest('ListItems', request(), connection);
    assert.deepEqual(defaults.query, [
      ['top', '50'],
      ['tag', 'plugboard'],
    ]);
  });

  it('does not apply instances to operations they do not name', async () => {
    const sent = await chain.applyRequest('GetItem', request({ path: '/items/1' }), connection);
    assert.deepEqual(sent.query, []);
    assert.equal(sent.path, '/items/1');
  });

  it('runs unknown templates and instances in an ineffective section nowhere', async () => {
    const sent = await chain.applyRequest('GetItem', request(), connection);
    assert.equal(sent.baseUrl, 'https://backend.example');
    const answered = await chain.applyResponse('GetItem', response({ body: { a: 1 } }), connection);
    assert.deepEqual(answered, { status: 200, headers: {}, body: { a: 1 } });
  });

  it('fails the operations a broken instance targets with PolicyInvalid, naming the first problem', async () => {
    const error = await rejection(chain.applyRequest('Broken', request(), connection));
    assert.equal(error.code, 'PolicyInvalid');
    assert.equal(error.kind, 'user');
    assert.match(error.message, /^policy 6 "Unclosed call" \(`setheader`\) at \/properties\/policyTemplateInstances\/6: cannot run because it is invalid: `x-ms-apimTemplateParameter\.value` does not parse/);
  });

  it('rewrites path and method, filling placeholders and expressions', async () => {
    const sent = await chain.applyRequest('ArchiveItem', request({ method: 'PUT', path: '/legacy/items/7/archive', query: [['force', 'true']] }), context({ pathParameters: { id: '7' }, connectionParameters: { api_key: 'k' } }));
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/v2/items/7/archive/soft');
    const hard = await chain.applyRequest('ArchiveItem', request(), context({ pathParameters: { id: 'a b' }, connectionParameters: { api_key: 'k', archiveMode: 'hard/now' } }));
    assert.equal(hard.path, '/v2/items/a%20b/archive/hard%2Fnow');
    assert.deepEqual(sent.query, [['force', 'true']]);
  });

  it('fails with the placeholder named when the operation has no such path parameter', async () => {
    const error = await rejection(chain.applyRequest('ArchiveItem', request(), context({ pathParameters: { itemId: '7' }, connectionParameters: { api_key: 'k' } })));
    assert.equal(error.code, 'PolicyResult');
    assert.match(error.message, /placeholder \{id\}, but the operation has no path parameter `id` — use one of \{itemId\}/);
  });

  it('writes a value fetched from an absolute URL into the body', async () => {
    const ctx = context({ connectionParameters: { api_key: 'k' }, answer: () => response({ body: { token: 'sig-9' } }) });
    const sent = await chain.applyRequest('CreateItem', request({ method: 'POST', body: { name: 'x' } }), ctx);
    assert.deepEqual(sent.body, { name: 'x', signature: { token: 'sig-9' } });
    assert.equal(ctx.sent[0]?.baseUrl, 'https://auth.contoso.example');
    assert.equal(ctx.sent[0]?.path, '/tokens');
    assert.deepEqual(ctx.sent[0]?.query, [['scope', 'items']]);
  });

  it('fails, naming the path, when the auxiliary response lacks the value', async () => {
    const ctx = context({ connectionParameters: { api_key: 'k' }, answer: () => response({ body: { other: 1 } }) });
    const error = await rejection(chain.applyRequest('CreateItem', request({ method: 'POST', body: {} }), ctx));
    assert.equal(error.code, 'PolicyAuxiliaryCallFailed');
    assert.match(error.message, /has no value at @body\(\)\.token/);
  });

  it('applies failure-section headers only through applyFailure', async () => {
    const failed = await chain.applyFailure('GetItem', response({ status: 500, body: 'oops' }), connection);
    assert.equal(failed.headers['x-failed-through'], 'plugboard');
    const normal = await chain.applyResponse('GetItem', response({ status: 500 }), connection);
    assert.equal(normal.headers['x-failed-through'], undefined);
  });

  it('never changes the request, response or body the caller passed in', async () => {
    const planner = createPolicyChain(connector('certified-connectors/Planner').policies);
    const original = request({ method: 'POST', headers: { a: '1' }, query: [['q', '1']], body: { title: 't', assignments: 'u1;u2' } });
    const snapshot = structuredClone(original);
    const sent = await planner.applyRequest('CreateTask_V3', original, context({ originalMethod: 'POST' }));
    assert.deepEqual(original, snapshot);
    assert.notDeepEqual(sent.body, snapshot.body);
    const backend = response({ body: { assignments: { u1: {} } } });
    const backendSnapshot = structuredClone(backend);
    await planner.applyResponse('GetTask_V2', backend, context());
    assert.deepEqual(backend, backendSnapshot);
  });

  it('reports a header the request lacks, with the way to give a default', async () => {
    const sap = createPolicyChain(connector('custom-connectors/SAP-ODATA-Demo').policies);
    const error = await rejection(sap.applyRequest('AddProduct', request(), context()));
    assert.equal(error.code, 'PolicyValueMissing');
    assert.match(error.message, /header `x-ms-cookie-header` is not in the request — send it, or give the policy a default: @headers\('x-ms-cookie-header', '…'\)/);
    const sent = await sap.applyRequest('AddProduct', request({ headers: { 'x-ms-cookie-header': 'SAP_SESSIONID=1' } }), context());
    assert.equal(sent.headers['cookie'], 'SAP_SESSIONID=1');
  });
});

describe('polling trigger configuration', () => {
  it('ignores the empty key, reads the next-link key and evaluates the cursor', () => {
    const trigger = chain.pollingTrigger('ListChanges');
    assert.ok(trigger !== undefined);
    assert.equal(trigger.nextLinkProperty, 'next');
    assert.deepEqual(
      trigger.queryTemplates.map((entry) => entry.name),
      ['since'],
    );
    assert.deepEqual(trigger.nextPollQuery({ changes: [{ at: '2026-01-01T00:00:00Z' }] }), { query: [['since', '2026-01-01T00:00:00Z']], unresolved: [] });
    assert.equal(trigger.pointer, '/properties/policyTemplateInstances/12');
    assert.equal(trigger.operationId, 'ListChanges');
  });

  it('is not part of the call itself', async () => {
    const sent = await chain.applyRequest('ListChanges', request(), connection);
    assert.deepEqual(sent.query, []);
  });
});

describe('backend view', () => {
  it('shows the JIRA path the backend really serves, with the method kept', () => {
    const jira = connector('certified-connectors/JIRA');
    const view = createPolicyChain(jira.policies).backendView(operation(jira, 'AddComment'));
    assert.deepEqual(view, {
      method: 'POST',
      path: '/2/issue/{issueKey}/comment',
      addedHeaders: [],
      addedQuery: [],
      bodyTransformed: false,
      baseUrlTemplate: "https://@connectionParameters('jirainstance').atlassian.net/rest/api/",
    });
  });

  it('marks expression segments, added headers and query parameters, and body reshaping', () => {
    const planner = connector('certified-connectors/Planner');
    const plannerChain = createPolicyChain(planner.policies);
    const create = plannerChain.backendView(operation(planner, 'CreateTask_V3'));
    assert.equal(create.path, '/v1.0/planner/tasks');
    assert.equal(create.bodyTransformed, true);
    const groups = plannerChain.backendView(operation(planner, 'ListGroups'));
    assert.deepEqual(groups.addedQuery, ['$filter', '$select']);
    assert.equal(groups.bodyTransformed, false);
    const update = plannerChain.backendView(operation(planner, 'UpdateTask_V3'));
    assert.deepEqual(update.addedHeaders, ['if-match']);
    const zoho = connector('certified-connectors/Zoho Calendar');
    const event = createPolicyChain(zoho.policies).backendView(operation(zoho, 'Get_Event'));
    assert.equal(event.path, "/api/v1/calendars/{@queryParameters('cuid')}/events/{@queryParameters('euid')}");
    assert.deepEqual(event.addedHeaders, ['user-agent']);
  });

  it('shows a fixed method change', () => {
    assert.deepEqual(chain.backendView(operation(edge, 'ArchiveItem')), {
      method: 'POST',
      path: "/v2/items/{id}/archive/{@connectionParameters('archiveMode', 'soft')}",
      addedHeaders: ['x-api-key'],
      addedQuery: [],
      bodyTransformed: false,
      baseUrlTemplate: undefined,
    });
  });
});
