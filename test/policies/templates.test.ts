/**
 * Each of the 16 policy templates, run from a real instance of the published corpus: the chain is
 * built from all of the connector's policies (as the gateway will), and the tests look at the
 * request the backend receives or the response the caller gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRecord } from '../../src/expressions/index.ts';
import { PolicyError, createPolicyChain } from '../../src/policies/index.ts';
import type { PolicyChain } from '../../src/policies/index.ts';
import { connector, context, request, response } from './policy-kit.ts';

function chainOf(folder: string): PolicyChain {
  const chain = createPolicyChain(connector(folder).policies);
  return chain;
}

/** A property of a JSON object (undefined for anything else). */
function field(value: unknown, name: string): unknown {
  return isRecord(value) ? value[name] : undefined;
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

describe('setheader', () => {
  const airmeet = chainOf('certified-connectors/Airmeet');
  const connection = { username: 'access-key-1', password: 'secret-key-1', region: 'api-gateway.airmeet.com' };

  it('sends the connection credentials as headers on every Airmeet operation', async () => {
    const sent = await airmeet.applyRequest('GetAirmeets', request({ headers: { accept: 'text/plain' } }), context({ connectionParameters: connection }));
    assert.equal(sent.headers['x-access-key'], 'access-key-1');
    assert.equal(sent.headers['x-secret-key'], 'secret-key-1');
    assert.equal(sent.headers['region'], 'api-gateway.airmeet.com');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.headers['accept'], 'application/json', 'override replaces what the caller sent');
  });

  it('sets the response Location header only for the operation it names', async () => {
    const trigger = await airmeet.applyResponse('AirmeetTriggers', response({ status: 201 }), context({ connectionParameters: connection }));
    assert.equal(trigger.headers['location'], 'https://api-gateway.airmeet.com/prod/platform-integration/v1/webhook-deregister');
    const other = await airmeet.applyResponse('GetAirmeets', response(), context({ connectionParameters: connection }));
    assert.equal(other.headers['location'], undefined);
  });

  it('keeps a header the caller sent when existsAction is skip (Oneflow)', async () => {
    const oneflow = chainOf('certified-connectors/Oneflow');
    const sent = await oneflow.applyRequest('PartyCreate', request({ headers: { 'content-type': 'application/pdf' } }), context({ connectionParameters: { userEmail: 'ada@example.com' } }));
    assert.equal(sent.headers['content-type'], 'application/pdf');
    assert.equal(sent.headers['x-oneflow-user-email'], 'ada@example.com');
    assert.equal(sent.headers['x-oneflow-custom-source'], 'power_automate');
    const fresh = await oneflow.applyRequest('PartyCreate', request(), context({ connectionParameters: { userEmail: 'ada@example.com' } }));
    assert.equal(fresh.headers['content-type'], 'application/json', 'skip sets the header when it is absent');
  });

  it('appends to a header the caller sent when existsAction is append (Event Tickets)', async () => {
    const tickets = chainOf('certified-connectors/Event Tickets');
    const ctx = context({ connectionParameters: { endpointUrl: 'tickets.example.org' } });
    const appended = await tickets.applyRequest('AttendeeTrigger', request({ headers: { 'eva-app-name': 'my-flow' } }), ctx);
    assert.equal(appended.headers['eva-app-name'], 'my-flow, integration-event-tickets');
    const alone = await tickets.applyRequest('AttendeeTrigger', request(), ctx);
    assert.equal(alone.headers['eva-app-name'], 'integration-event-tickets');
  });

  it('uses the default of @connectionParameters when the connection has no value', async () => {
    const qna = chainOf('certified-connectors/CognitiveServicesQuestionAnswering');
    const sent = await qna.applyRequest('GenerateAnswer', request(), context());
    assert.equal(sent.headers['ocp-apim-subscription-key'], '');
    assert.equal(sent.baseUrl, 'https://westus.api.cognitive.microsoft.com');
  });
});

describe('setqueryparameter', () => {
  it('adds the OData filter and selection Planner needs to list groups', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const sent = await planner.applyRequest('ListGroups', request({ query: [['$top', '5']] }), context({ originalMethod: 'GET' }));
    assert.deepEqual(sent.query, [
      ['$top', '5'],
      ['$filter', "groupTypes/any(c:c eq 'Unified')"],
      ['$select', 'id,displayName'],
    ]);
  });

  it('sends the connection app id as a query parameter (SchoolDigger), replacing what the caller sent', async () => {
    const schools = chainOf('independent-publisher-connectors/SchoolDigger');
    const sent = await schools.applyRequest('Districts_GetAllDistricts2', request({ query: [['appID', 'forged'], ['st', 'WA']] }), context({ connectionParameters: { app_id: 'app-123' } }));
    assert.deepEqual(sent.query, [
      ['st', 'WA'],
      ['appID', 'app-123'],
    ]);
  });
});

describe('dynamichosturl', () => {
  it('builds the JIRA base URL, base path included, from the instance name', async () => {
    const jira = chainOf('certified-connectors/JIRA');
    const sent = await jira.applyRequest('ListPriorityTypes', request({ baseUrl: 'https://yourhost.yourdomain.com/rest/api', path: '/priority' }), context({ connectionParameters: { jirainstance: 'contoso' } }));
    assert.equal(sent.baseUrl, 'https://contoso.atlassian.net/rest/api');
    assert.equal(sent.path, '/2/priority');
  });

  it('applies only to the operations it names (Azure Machine Learning)', async () => {
    const ml = chainOf('certified-connectors/Azure Machine Learning');
    const ctx = context({ connectionParameters: { region: 'westeurope' } });
    const pipeline = await ml.applyRequest('PipelineEndpointSubmitById', request({ baseUrl: 'https://management.azure.com' }), ctx);
    assert.equal(pipeline.baseUrl, 'https://westeurope.api.azureml.ms');
    const other = await ml.applyRequest('BatchEndpointsList', request({ baseUrl: 'https://management.azure.com' }), ctx);
    assert.equal(other.baseUrl, 'https://management.azure.com');
  });

  it('uses the connection value, or the default, and adds https:// to a bare host', async () => {
    const encodian = chainOf('certified-connectors/Encodian');
    assert.equal((await encodian.applyRequest('SignPdf', request(), context())).baseUrl, 'https://api.apps-encodian.com');
    assert.equal((await encodian.applyRequest('SignPdf', request(), context({ connectionParameters: { region: 'https://eu.apps-encodian.com/' } }))).baseUrl, 'https://eu.apps-encodian.com');
    const deskDirector = chainOf('certified-connectors/DeskDirector');
    assert.equal((await deskDirector.applyRequest('FindCompanies', request(), context({ connectionParameters: { siteHost: 'acme.deskdirector.com', apiKey: 'k' } }))).baseUrl, 'https://acme.deskdirector.com');
  });

  it('adds https:// to a value without a scheme, and refuses a value that is not a URL (Electricity Maps)', async () => {
    const maps = chainOf('independent-publisher-connectors/Electricity Maps');
    const sent = await maps.applyRequest('CarbonLatest', request(), context({ connectionParameters: { base_product_url: 'api-access.electricitymaps.com/free-tier/' } }));
    assert.equal(sent.baseUrl, 'https://api-access.electricitymaps.com/free-tier');
    const error = await rejection(maps.applyRequest('CarbonLatest', request(), context({ connectionParameters: { base_product_url: 'ftp://files.example' } })));
    assert.equal(error.code, 'PolicyResult');
    assert.match(error.message, /`urlTemplate` produced a value that is not an http\(s\) URL/);
  });

  it('lets a later instance override an earlier one for the operations it names (DeskDirector)', async () => {
    const deskDirector = chainOf('certified-connectors/DeskDirector');
    const sent = await deskDirector.applyRequest('CallAdvancedAction', request(), context({ connectionParameters: { siteHost: 'acme.deskdirector.com', apiKey: 'k' } }));
    assert.equal(sent.baseUrl, 'https://functions.deskdirector.com');
    assert.equal(sent.headers['dd-host'], 'acme.deskdirector.com');
    assert.equal(sent.headers['authorization'], 'DdApi k');
  });

  it('fails with the connection parameter and the policy pointer named when the connection lacks the value', async () => {
    const jira = chainOf('certified-connectors/JIRA');
    const error = await rejection(jira.applyRequest('ListPriorityTypes', request(), context({ connectionParameters: { username: 'ada', password: 'super-secret' } })));
    assert.equal(error.code, 'PolicyConnectionParameterMissing');
    assert.equal(error.kind, 'user');
    assert.match(error.message, /policy 16 "Set JIRA Address" \(`dynamichosturl`\) at \/properties\/policyTemplateInstances\/16: connection parameter `jirainstance` has no value/);
    assert.equal(error.details?.['pointer'], '/properties/policyTemplateInstances/16');
    assert.doesNotMatch(error.message, /super-secret/);
  });
});

describe('dynamicsubdomain', () => {
  it('puts the customer subdomain into the AlisQI URL', async () => {
    const alisqi = chainOf('certified-connectors/AlisQI');
    const sent = await alisqi.applyRequest('GetResultsOrMasterData', request({ baseUrl: 'https://alisqi.com/api', path: '/getResults' }), context({ connectionParameters: { subdomain: 'acme' } }));
    assert.equal(sent.baseUrl, 'https://acme.alisqi.com/api');
    assert.equal(sent.path, '/getResults');
  });
});

describe('routerequesttoendpoint', () => {
  const jira = chainOf('certified-connectors/JIRA');
  const jiraConnection = { jirainstance: 'contoso' };

  it('routes a JIRA comment to the v2 endpoint with the issue key, keeping method and query', async () => {
    const sent = await jira.applyRequest(
      'AddComment',
      request({ method: 'POST', path: '/issue/ABC-1/comment', query: [['expand', 'renderedBody']], body: { body: 'hi' } }),
      context({ originalMethod: 'POST', pathParameters: { issueKey: 'ABC-1' }, connectionParameters: jiraConnection }),
    );
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/2/issue/ABC-1/comment');
    assert.deepEqual(sent.query, [['expand', 'renderedBody']]);
    assert.deepEqual(sent.body, { body: 'hi' });
  });

  it('encodes path parameter values it substitutes', async () => {
    const sent = await jira.applyRequest('GetIssue', request({ path: '/issue/a%2Fb' }), context({ pathParameters: { issueKey: 'a/b c' }, connectionParameters: jiraConnection }));
    assert.equal(sent.path, '/2/issue/a%2Fb%20c');
  });

  it('adds the leading slash a relative newPath lacks (DPIRD Weather)', async () => {
    const dpird = chainOf('independent-publisher-connectors/DPIRD Weather');
    const sent = await dpird.applyRequest('GetStation', request({ path: '/station/BJ' }), context({ pathParameters: { stationCode: 'BJ' } }));
    assert.equal(sent.path, '/stations/BJ');
  });

  it('builds the path from query parameters the caller sent (Zoho Calendar)', async () => {
    const zoho = chainOf('certified-connectors/Zoho Calendar');
    const ctx = context({ connectionParameters: { 'token:customHost': '.eu' } });
    const sent = await zoho.applyRequest('Get_Event', request({ query: [['cuid', 'cal 1'], ['euid', 'ev1']] }), ctx);
    assert.equal(sent.path, '/api/v1/calendars/cal%201/events/ev1');
    assert.equal(sent.baseUrl, 'https://calendar.zoho.eu');
    assert.equal(sent.headers['user-agent'], 'MS PowerAutomate');
  });

  it('refuses to run the Pixela route whose newPath misspells queryParameters, naming the policy', async () => {
    const pixela = chainOf('independent-publisher-connectors/Pixela');
    const error = await rejection(pixela.applyRequest('PixelsGet', request({ query: [['graphID', 'g1']] }), context({ connectionParameters: { username: 'ada' } })));
    assert.equal(error.code, 'PolicyInvalid');
    assert.match(error.message, /policy 5 .*`routerequesttoendpoint`.* at \/properties\/policyTemplateInstances\/5: cannot run because it is invalid: .*`queryParamters`.*did you mean `queryParameters`/);
  });
});

describe('setproperty', () => {
  it('adds the webhook topic array LawVu expects', async () => {
    const lawvu = chainOf('certified-connectors/LawVu');
    const sent = await lawvu.applyRequest('Triggers_CreateSubscriptionMatterFileCreatedOrUpdated', request({ method: 'POST', body: { url: 'https://flow.example/cb' } }), context({ originalMethod: 'POST', connectionParameters: { 'token:customHost': 'api.lawvu.com' } }));
    assert.deepEqual(sent.body, { url: 'https://flow.example/cb', topics: ['matter.file.created', 'matter.file.updated'] });
    assert.equal(sent.path, '/account-apis/v1/webhooks/subscriptions');
  });

  it('turns the user id AzureAD receives into a directory object URL', async () => {
    const azureAd = chainOf('certified-connectors/AzureAD');
    const sent = await azureAd.applyRequest('AddUserToGroup', request({ method: 'POST', body: { '@odata.id': 'user-42' } }), context());
    assert.deepEqual(sent.body, { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/user-42' });
  });

  it('wraps Blackbaud gift payments and receipts into arrays', async () => {
    const blackbaud = chainOf('certified-connectors/Blackbaud Church Management');
    const sent = await blackbaud.applyRequest('CreateGift', request({ method: 'POST', body: { amount: 5, payments: { method: 'Cash' }, receipts: { type: 'Email' } } }), context());
    assert.deepEqual(sent.body, { amount: 5, payments: [{ method: 'Cash' }], receipts: [{ type: 'Email' }] });
  });

  it('sets a property on each element of a collection (Planner references)', async () => {
    const references = connector('certified-connectors/Planner').policies.filter((policy) => policy.templateId === 'setproperty' && policy.parameters['newPropertyParentPathTemplate'] === '@body().references');
    assert.equal(references.length, 2);
    const chain = createPolicyChain(references);
    const sent = await chain.applyRequest('UpdateTaskDetails_V2', request({ body: { references: [{ resourceLink: 'a' }, { resourceLink: 'b' }] } }), context());
    assert.deepEqual(sent.body, {
      references: [
        { resourceLink: 'a', previewPriority: ' !', '@odata.type': 'microsoft.graph.plannerExternalReference' },
        { resourceLink: 'b', previewPriority: ' !', '@odata.type': 'microsoft.graph.plannerExternalReference' },
      ],
    });
  });

  it('copies the iObeya next page URL into nextLink in the response, and leaves a last page alone', async () => {
    const iobeya = chainOf('certified-connectors/iObeya');
    const page = await iobeya.applyResponse('ListRooms', response({ body: { data: [1], next: 'https://x.api.iobeya.com/v1/rooms?page=2' } }), context());
    assert.deepEqual(page.body, { data: [1], next: 'https://x.api.iobeya.com/v1/rooms?page=2', nextLink: 'https://x.api.iobeya.com/v1/rooms?page=2' });
    const last = await iobeya.applyResponse('ListRooms', response({ body: { data: [2] } }), context());
    assert.deepEqual(last.body, { data: [2] });
  });
});

describe('convertobjecttoarray', () => {
  it('lists the CO2 Signal zones dictionary as an array in the response', async () => {
    const co2 = chainOf('independent-publisher-connectors/CO2 Signal');
    const result = await co2.applyResponse('GetZones', response({ body: { DE: { zoneName: 'Germany' }, FR: { zoneName: 'France' } } }), context());
    assert.deepEqual(result.body, {
      DE: { zoneName: 'Germany' },
      FR: { zoneName: 'France' },
      Zones: [
        { Name: 'DE', Details: { zoneName: 'Germany' } },
        { Name: 'FR', Details: { zoneName: 'France' } },
      ],
    });
  });

  it('converts each task’s assignments in a Planner task list', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const result = await planner.applyResponse(
      'ListTasks_V3',
      response({ body: { value: [{ id: 't1', assignments: { u1: { orderHint: 'x' } } }, { id: 't2', assignments: {} }] } }),
      context(),
    );
    assert.deepEqual(result.body, {
      value: [
        { id: 't1', assignments: { u1: { orderHint: 'x' } }, _assignments: [{ userId: 'u1', value: { orderHint: 'x' } }] },
        { id: 't2', assignments: {}, _assignments: [] },
      ],
    });
  });

  it('leaves an error response without the property unchanged', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const error = { error: { code: 'NotFound' } };
    const result = await planner.applyResponse('GetTask_V2', response({ status: 404, body: error }), context());
    assert.deepEqual(result.body, error);
  });
});

describe('convertarraytoobject, stringtoarray, encodepropertyvalue and stringreplace', () => {
  it('turn Planner’s "id1;id2" assignees into the assignments dictionary Graph expects', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const sent = await planner.applyRequest(
      'CreateTask_V3',
      request({ method: 'POST', path: '/v1.0/planner/tasks', body: { title: 'Write tests', assignments: 'user.one@contoso.com; u2' } }),
      context({ originalMethod: 'POST' }),
    );
    const entry = { orderHint: ' !', '@odata.type': 'microsoft.graph.plannerAssignment' };
    assert.deepEqual(sent.body, { title: 'Write tests', assignments: { 'user%2Eone%40contoso%2Ecom': entry, u2: entry } });
  });

  it('key Planner checklist items by id, dropping the key from each item', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const ctx = context({ originalMethod: 'PATCH', pathParameters: { id: 'task-1' }, answer: () => response({ body: { '@odata.etag': 'W/"etag-7"' } }) });
    const sent = await planner.applyRequest(
      'UpdateTaskDetails_V2',
      request({ method: 'PATCH', body: { checklist: [{ id: 'c1', title: 'one', isChecked: false }], references: [{ resourceLink: 'https://a.example/x.docx', alias: 'doc' }] } }),
      ctx,
    );
    assert.deepEqual(sent.body, {
      checklist: { c1: { title: 'one', isChecked: false, '@odata.type': 'microsoft.graph.plannerChecklistItem' } },
      references: { 'https%3A//a%2Eexample/x%2Edocx': { alias: 'doc', previewPriority: ' !', '@odata.type': 'microsoft.graph.plannerExternalReference' } },
    });
    assert.equal(sent.headers['if-match'], 'W/"etag-7"');
  });

  it('decode Planner reference keys again in the response (stringreplace)', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const result = await planner.applyResponse(
      'GetTaskDetails_V2',
      response({ body: { references: { 'https%3A//a%2Eexample/x%2Edocx': { alias: 'doc' } } } }),
      context(),
    );
    assert.deepEqual(result.body, { references: [{ resourceLink: 'https://a.example/x.docx', value: { alias: 'doc' } }] });
  });

  it('cut the id out of each FreeAgent invoice URL', async () => {
    const freeAgent = chainOf('independent-publisher-connectors/FreeAgent');
    const result = await freeAgent.applyResponse(
      'ListInvoices',
      response({ body: { invoices: [{ url: 'https://api.freeagent.com/v2/invoices/42', reference: 'INV-1' }] } }),
      context(),
    );
    assert.deepEqual(result.body, { invoices: [{ url: 'https://api.freeagent.com/v2/invoices/42', reference: 'INV-1', id: '42', title: "'42-INV-1'" }] });
  });
});

describe('moveproperties', () => {
  it('moves AzureAD custom properties to the top of the PATCH body', async () => {
    const azureAd = chainOf('certified-connectors/AzureAD');
    const sent = await azureAd.applyRequest('UpdateUser', request({ method: 'PATCH', body: { jobTitle: 'Engineer', customProperties: { extension_abc_costCenter: '42' } } }), context());
    assert.deepEqual(sent.body, { jobTitle: 'Engineer', extension_abc_costCenter: '42' });
  });

  it('leaves the body alone when there is nothing to move', async () => {
    const azureAd = chainOf('certified-connectors/AzureAD');
    const sent = await azureAd.applyRequest('UpdateUser', request({ method: 'PATCH', body: { jobTitle: 'Engineer' } }), context());
    assert.deepEqual(sent.body, { jobTitle: 'Engineer' });
  });
});

describe('updatenextlink', () => {
  it('points Planner’s @odata.nextLink back at the gateway', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const next = 'https://graph.microsoft.com/v1.0/planner/plans/p1/tasks?$skiptoken=abc';
    const result = await planner.applyResponse('ListTasks_V3', response({ body: { value: [], '@odata.nextLink': next } }), context());
    assert.equal(field(result.body, '@odata.nextLink'), `https://plugboard.example/apim/next?link=${encodeURIComponent(next)}`);
  });

  it('rewrites the nextLink property Azure IoT Central names, and nothing on other operations', async () => {
    const iot = chainOf('certified-connectors/AzureIoTCentral');
    const listed = await iot.applyResponse('Devices_List_V1', response({ body: { value: [], nextLink: 'https://app.azureiotcentral.com/api/devices?page=2' } }), context());
    assert.match(String(field(listed.body, 'nextLink')), /^https:\/\/plugboard\.example\/apim\/next\?link=/);
    const body = { value: [], nextLink: 'https://app.azureiotcentral.com/x' };
    const other = await iot.applyResponse('Devices_Get_V1', response({ body }), context());
    assert.deepEqual(other.body, body);
  });
});

describe('setvaluefromurl', () => {
  it('fetches a Cradl AI client-credentials token and sends it as a bearer token to the API host', async () => {
    const cradl = chainOf('certified-connectors/Cradl AI');
    const ctx = context({ connectionParameters: { api_key: 'Y2xpZW50OnNlY3JldA==' }, answer: () => response({ body: { access_token: 'tok-1', expires_in: 3600 } }) });
    const sent = await cradl.applyRequest('GetModels', request({ baseUrl: 'https://api.lucidtech.ai/v1', path: '/models' }), ctx);
    assert.equal(ctx.sent.length, 1);
    const [tokenCall] = ctx.sent;
    assert.equal(tokenCall?.method, 'POST');
    assert.equal(tokenCall?.baseUrl, 'https://auth.lucidtech.ai');
    assert.equal(tokenCall?.path, '/oauth2/token');
    assert.deepEqual(tokenCall?.query, [['grant_type', 'client_credentials']]);
    assert.equal(tokenCall?.headers['authorization'], 'Basic Y2xpZW50OnNlY3JldA==');
    assert.equal(tokenCall?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(sent.baseUrl, 'https://api.lucidtech.ai/v1');
    assert.equal(sent.headers['authorization'], 'Bearer tok-1');
    assert.equal(sent.headers['content-type'], 'application/json');
  });

  it('copies the Planner task etag into If-Match before an update', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const ctx = context({ originalMethod: 'PATCH', pathParameters: { id: 'task 1' }, answer: () => response({ body: { id: 'task 1', '@odata.etag': 'W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc="' } }) });
    const sent = await planner.applyRequest('UpdateTask_V3', request({ method: 'PATCH', baseUrl: 'https://graph.microsoft.com', body: { title: 'x' } }), ctx);
    assert.equal(ctx.sent[0]?.method, 'GET');
    assert.equal(ctx.sent[0]?.path, '/v1.0/planner/tasks/task%201');
    assert.equal(sent.headers['if-match'], 'W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc="');
    assert.equal(sent.path, '/v1.0/planner/tasks/task%201');
  });

  it('fails, naming the auxiliary call, when it does not succeed', async () => {
    const planner = chainOf('certified-connectors/Planner');
    const ctx = context({ pathParameters: { id: 'gone' }, answer: () => response({ status: 404, body: { error: 'not found' } }) });
    const error = await rejection(planner.applyRequest('DeleteTask', request({ method: 'DELETE' }), ctx));
    assert.equal(error.code, 'PolicyAuxiliaryCallFailed');
    assert.equal(error.kind, 'operational');
    assert.equal(error.retryable, false);
    assert.match(error.message, /the auxiliary call GET \/v1\.0\/planner\/tasks\/gone answered 404/);
  });
});

describe('pollingtrigger', () => {
  const security = chainOf('certified-connectors/MicrosoftGraphSecurity');

  it('asks each poll only for alerts newer than the newest one already seen', () => {
    const trigger = security.pollingTrigger('OnNewHighSeverityAlerts');
    assert.ok(trigger !== undefined);
    const previous = { value: [{ id: 'a2', lastModifiedDateTime: '2026-01-02T10:00:00Z' }, { id: 'a1', lastModifiedDateTime: '2026-01-01T09:00:00Z' }] };
    assert.deepEqual(trigger.nextPollQuery(previous), { query: [['$filter', "Severity eq 'High' and lastModifiedDateTime gt 2026-01-02T10:00:00Z"]], unresolved: [] });
    assert.deepEqual(trigger.items(previous).map((item) => field(item, 'id')), ['a2', 'a1']);
    assert.equal(trigger.nextLinkProperty, '@odata.nextLink');
  });

  it('leaves the cursor to the scheduler on the first poll and after an empty page', () => {
    const trigger = security.pollingTrigger('OnAllNewAlerts');
    assert.ok(trigger !== undefined);
    assert.deepEqual(trigger.nextPollQuery(undefined), { query: [], unresolved: ['$filter'] });
    assert.deepEqual(trigger.nextPollQuery({ value: [] }), { query: [], unresolved: ['$filter'] });
    assert.deepEqual(trigger.items({ value: [] }), []);
    assert.deepEqual(trigger.items(undefined), []);
  });

  it('sends constant trigger settings on every poll (Event Tickets) and none for other operations', () => {
    const tickets = chainOf('certified-connectors/Event Tickets');
    const trigger = tickets.pollingTrigger('NewOrderTrigger');
    assert.ok(trigger !== undefined);
    assert.deepEqual(trigger.nextPollQuery(undefined), { query: [['per_page', '1']], unresolved: [] });
    assert.deepEqual(trigger.items({ orders: [{ id: 7 }] }), [{ id: 7 }]);
    assert.equal(security.pollingTrigger('GetAlerts'), undefined);
  });
});

describe('setconnectionstatustounauthenticated', () => {
  const deskDirector = chainOf('certified-connectors/DeskDirector');

  it('flags the connection for a new sign-in when DeskDirector answers 401', async () => {
    const result = await deskDirector.applyResponse('FindCompanies', response({ status: 401, body: { message: 'Unauthorized' } }), context());
    assert.equal(result.connectionUnauthenticated, true);
    assert.equal(result.status, 401);
  });

  it('does not flag other statuses', async () => {
    const result = await deskDirector.applyResponse('FindCompanies', response({ status: 403 }), context());
    assert.equal(result.connectionUnauthenticated, undefined);
  });
});
