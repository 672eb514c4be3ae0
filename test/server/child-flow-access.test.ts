/**
 * Workflow actions (child flows) in the running server (`plugboard start`): a flow may call only
 * the flows its owner may run (ADR 0004: owner, co-owner, run-only user, admin there). A child acts
 * with its own owner's connections, so a maker's flow calling an admin's flow is refused before any
 * child run; a flow created by the system (no owner) calls children as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateToken, hashToken, loadConfig, startServer } from '../../src/server/index.ts';
import type { RunningServer } from '../../src/server/index.ts';

const ADMIN = 'child-flow-admin-token-0123456789';
const FLOWS = '/api/environments/default/flows';

/** The admin's flow: what it answers stands for what the admin's connections can read. */
const ADMIN_CHILD = {
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
  actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: { payroll: 'admin-only' } }, runAfter: {} } },
};

/** A parent that calls the child `admin-payroll` and answers with what it got. */
const PARENT = {
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
  actions: {
    Call_child: { type: 'Workflow', inputs: { host: { triggerName: 'manual', workflow: { id: 'admin-payroll' } } }, runAfter: {} },
    Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@body('Call_child')" }, runAfter: { Call_child: ['Succeeded'] } },
  },
};

describe('Workflow action: child flow access in the server', () => {
  let dataDir: string;
  let server: RunningServer;
  let makerToken: string;
  let makerId: string;
  let childId: string;

  const call = async (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json() };
  };
  const childRuns = async () => (await server.store.runs.listForFlow(childId)).length;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plugboard-child-flows-'));
    server = await startServer(loadConfig({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PORT: '0', PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN }));
    const maker = await server.store.principals.create({ kind: 'user', name: 'mia', role: 'maker' });
    makerId = maker.id;
    makerToken = generateToken();
    await server.store.apiTokens.create({ principalId: maker.id, name: 'mia', tokenHash: hashToken(makerToken) });
    const child = await call(ADMIN, 'POST', FLOWS, { name: 'admin-payroll', definition: ADMIN_CHILD });
    assert.equal(child.status, 201, JSON.stringify(child.body));
    childId = child.body.id;
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Creates a parent flow as `token`'s principal and runs it, waiting for its end; its Call_child action. */
  async function runParent(token: string, name: string) {
    const created = await call(token, 'POST', FLOWS, { name, definition: PARENT });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ran = await call(token, 'POST', `${FLOWS}/${created.body.id}/run?wait=true`, {});
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    const runs = await server.store.runs.listForFlow(created.body.id);
    assert.equal(runs.length, 1);
    const action = (await server.store.runs.listActions(runs[0]?.id ?? '')).find((record) => record.name === 'Call_child');
    return { answer: ran.body, action, error: action?.error as { code: string; message: string } | null | undefined };
  }

  test("a maker's flow calling an admin's flow fails the action with ChildFlowForbidden and starts no child run", async () => {
    const { answer, action, error } = await runParent(makerToken, 'maker-parent');
    assert.equal(answer.status, 'Failed');
    assert.equal(action?.status, 'Failed');
    assert.equal(error?.code, 'ChildFlowForbidden');
    assert.match(error?.message ?? '', /flow 'admin-payroll' .* may not be run by this flow: the owner of this flow has no run access to it — make that owner a co-owner or run-only user of 'admin-payroll', or call 'admin-payroll' through its callback URL/);
    assert.doesNotMatch(JSON.stringify(answer), /admin-only/);
    assert.equal(await childRuns(), 0, 'the child never ran');
  });

  test("once the maker is a run-only user of the admin's flow, the maker's flow calls it and gets its Response", async () => {
    const shared = await call(ADMIN, 'PUT', `${FLOWS}/${childId}/members/${makerId}`, { access: 'run-only' });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));
    const before = await childRuns();
    const { answer, action } = await runParent(makerToken, 'maker-parent-shared');
    assert.equal(action?.status, 'Succeeded', JSON.stringify(action?.error));
    assert.deepEqual(answer, { payroll: 'admin-only' });
    assert.equal(await childRuns(), before + 1);
  });

  test('a flow created by the system (no owner) calls any flow of its environment, as before', async () => {
    const environment = await server.store.environments.getByName('default');
    assert.ok(environment !== undefined);
    const { flow } = await server.store.flows.create({ environmentId: environment.id, name: 'system-parent', definition: PARENT, ownerId: null });
    const before = await childRuns();
    const ran = await call(ADMIN, 'POST', `${FLOWS}/${flow.id}/run?wait=true`, {});
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.deepEqual(ran.body, { payroll: 'admin-only' });
    assert.equal(await childRuns(), before + 1);
  });
});
