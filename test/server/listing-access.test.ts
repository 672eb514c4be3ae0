/**
 * Listings are filtered by the authorizer's decision, and only by it: the decision carries the
 * filters (`flowsVisibleTo`, `runsStartedBy`), the flow and run routes pass them on, and a route
 * reached without a decision (the auth hook missing) fails closed — 403 `RouteMisconfigured`, it
 * lists and changes nothing. The routes run in a real Fastify app (`app.inject`) over SQLite; an
 * onRequest hook stands in for the auth hook so that the decision is the test's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../../src/core/index.ts';
import { handleError } from '../../src/server/error-mapper.ts';
import { createAuthorizer } from '../../src/server/permissions.ts';
import type { AccessDecision } from '../../src/server/permissions.ts';
import { registerFlowRoutes } from '../../src/server/routes/flows.ts';
import { registerRunLifecycleRoutes } from '../../src/server/routes/run-lifecycle.ts';
import { openStore } from '../../src/storage/index.ts';
import type { PrincipalRecord, Store } from '../../src/storage/index.ts';
import { createFlowService } from '../../src/workflow/index.ts';

const FLOWS = '/api/environments/default/flows';

describe('listings follow the access decision', () => {
  let store: Store;
  let ann: PrincipalRecord;
  let bob: PrincipalRecord;
  let annFlow: string;
  let bobFlow: string;
  let annRun: string;
  let bobRun: string;

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    ann = await store.principals.create({ kind: 'user', name: 'ann', role: 'maker' });
    bob = await store.principals.create({ kind: 'user', name: 'bob', role: 'user' });
    const environment = await store.environments.ensure('default');
    annFlow = (await store.flows.create({ environmentId: environment.id, name: 'ann-flow', definition: { actions: {} }, ownerId: ann.id })).flow.id;
    bobFlow = (await store.flows.create({ environmentId: environment.id, name: 'bob-flow', definition: { actions: {} }, ownerId: bob.id })).flow.id;
    await store.flowMembers.put({ flowId: annFlow, principalId: bob.id, access: 'run-only' });
    annRun = (await store.runs.create({ flowId: annFlow, flowVersion: 1, startedBy: ann.id })).id;
    bobRun = (await store.runs.create({ flowId: annFlow, flowVersion: 1, startedBy: bob.id })).id;
  });
  after(async () => store.close());

  /** The flow and run-lifecycle routes, with `decide` standing in for the auth hook (undefined: no decision). */
  async function appWith(decide: (() => AccessDecision) | undefined): Promise<FastifyInstance> {
    const app = Fastify();
    app.setErrorHandler(handleError);
    app.addHook('onRequest', async (request) => {
      request.principal = ann;
      if (decide !== undefined) request.access = decide();
    });
    registerRunLifecycleRoutes(app, {});
    registerFlowRoutes(app, { flows: createFlowService({ store }) });
    await app.ready();
    return app;
  }

  test('without a decision the flow list, the run list and cancel refuse with 403 RouteMisconfigured', async () => {
    const app = await appWith(undefined);
    try {
      for (const [method, url] of [['GET', FLOWS], ['GET', `${FLOWS}/${annFlow}/runs`], ['POST', `${FLOWS}/${annFlow}/runs/${annRun}/cancel`]] as const) {
        const res = await app.inject({ method, url });
        assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
        assert.equal(res.json().error.code, 'RouteMisconfigured', url);
      }
      assert.equal((await store.runs.getSummary(annRun))?.status, 'Running', 'nothing was cancelled');
    } finally {
      await app.close();
    }
  });

  test('a decision without a flow does not list runs', async () => {
    const app = await appWith(() => ({ role: 'maker', flowsVisibleTo: ann.id }));
    try {
      const res = await app.inject({ method: 'GET', url: `${FLOWS}/${annFlow}/runs` });
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'RouteMisconfigured');
    } finally {
      await app.close();
    }
  });

  test('the routes list with the filters the decision carries, whatever the role', async () => {
    // An admin role with a filter still lists only what the filter allows: the route does not re-derive "admins see all".
    const filtered = await appWith(() => ({ role: 'admin', flow: { id: annFlow, level: 'admin' }, flowsVisibleTo: bob.id, runsStartedBy: bob.id }));
    try {
      const flows = (await filtered.inject({ method: 'GET', url: FLOWS })).json().value.map((flow: { id: string }) => flow.id);
      assert.deepEqual(flows.sort(), [annFlow, bobFlow].sort(), 'bob owns one flow and is a member of the other');
      const runs = (await filtered.inject({ method: 'GET', url: `${FLOWS}/${annFlow}/runs` })).json().value.map((run: { id: string }) => run.id);
      assert.deepEqual(runs, [bobRun]);
    } finally {
      await filtered.close();
    }
    const everything = await appWith(() => ({ role: 'maker', flow: { id: annFlow, level: 'edit' }, flowsVisibleTo: null, runsStartedBy: null }));
    try {
      assert.equal((await everything.inject({ method: 'GET', url: FLOWS })).json().value.length, 2);
      const runs = (await everything.inject({ method: 'GET', url: `${FLOWS}/${annFlow}/runs` })).json().value.map((run: { id: string }) => run.id);
      assert.deepEqual(runs.sort(), [annRun, bobRun].sort());
    } finally {
      await everything.close();
    }
  });

  test('the authorizer computes the filters: admins list every flow, run access only the runs one started', async () => {
    const authorizer = createAuthorizer(store, systemClock);
    const admin = await store.principals.create({ kind: 'user', name: 'root', role: 'admin' });
    const list = (principal: PrincipalRecord) => authorizer.authorize({ principal, permission: 'flows:read', params: { env: 'default' } });
    const runs = (principal: PrincipalRecord) => authorizer.authorize({ principal, permission: 'runs:read', resource: { kind: 'flow', param: 'id' }, params: { env: 'default', id: annFlow } });
    assert.equal((await list(admin)).flowsVisibleTo, null);
    assert.equal((await list(bob)).flowsVisibleTo, bob.id);
    assert.equal((await list(ann)).runsStartedBy, undefined, 'no flow, no run filter');
    assert.equal((await runs(bob)).runsStartedBy, bob.id, 'run-only access sees its own runs');
    assert.equal((await runs(ann)).runsStartedBy, null, 'the owner sees every run');
    assert.equal((await runs(admin)).runsStartedBy, null);
  });
});
