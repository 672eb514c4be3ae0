/** Conformance tests of the trigger state and flow key stores, run on every driver. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../core/index.ts';
import type { Store } from './store.ts';

/** Registers the trigger state tests under `name` (see {@link defineStoreSuite} for `open`). */
export function defineTriggerStateSuite(name: string, open: () => Promise<Store>): void {
  describe(`${name}: trigger states and flow keys`, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });
    const newFlow = async () => {
      const env = await store.environments.create({ name: `trg-${newId().slice(-8)}` });
      return (await store.flows.create({ environmentId: env.id, name: 'f', definition: {} })).flow;
    };

    it('creates a state once, then changes it only by compare-and-set on its tick', async () => {
      const flow = await newFlow();
      const created = await store.triggerStates.put({ flowId: flow.id, triggerName: 'poll', environmentId: flow.environmentId, expectedTick: null, activeVersion: 1, nextAt: 1000 });
      assert.ok(created);
      assert.equal(created.tick, 1);
      assert.equal(created.activeVersion, 1);
      assert.equal(created.nextAt, 1000);
      assert.equal(created.cursor, null);
      assert.equal(await store.triggerStates.put({ flowId: flow.id, triggerName: 'poll', environmentId: flow.environmentId, expectedTick: null }), undefined, 'a second create must lose');

      const moved = await store.triggerStates.put({ flowId: flow.id, triggerName: 'poll', expectedTick: 1, cursor: { next: 'https://x/y?after=3' }, lastStatus: 'Succeeded', lastFiredAt: 5 });
      assert.equal(moved?.tick, 2);
      assert.deepEqual(moved?.cursor, { next: 'https://x/y?after=3' });
      assert.equal(moved?.activeVersion, 1, 'absent fields stay as they were');
      assert.equal(await store.triggerStates.put({ flowId: flow.id, triggerName: 'poll', expectedTick: 1, cursor: 'stale' }), undefined, 'a writer holding an old tick must lose');
      assert.deepEqual((await store.triggerStates.get(flow.id, 'poll'))?.cursor, { next: 'https://x/y?after=3' });
    });

    it('commits a state change with the transaction it is part of, and not when it rolls back', async () => {
      const flow = await newFlow();
      await store.triggerStates.put({ flowId: flow.id, triggerName: 't', environmentId: flow.environmentId, expectedTick: null });
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.triggerStates.put({ flowId: flow.id, triggerName: 't', expectedTick: 1, cursor: 'lost' });
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal((await store.triggerStates.get(flow.id, 't'))?.tick, 1);
      await store.transaction(async (tx) => {
        await tx.triggerStates.put({ flowId: flow.id, triggerName: 't', expectedTick: 1, cursor: 'kept', subscription: { location: 'https://svc/subs/1' }, lastError: { code: 'X', message: 'y' } });
      });
      const state = await store.triggerStates.get(flow.id, 't');
      assert.equal(state?.cursor, 'kept');
      assert.deepEqual(state?.subscription, { location: 'https://svc/subs/1' });
      assert.deepEqual(state?.lastError, { code: 'X', message: 'y' });
    });

    it('lists and deletes a flow’s states; they outlive the flow until deleted', async () => {
      const flow = await newFlow();
      for (const triggerName of ['b', 'a']) await store.triggerStates.put({ flowId: flow.id, triggerName, environmentId: flow.environmentId, expectedTick: null });
      assert.deepEqual((await store.triggerStates.listForFlow(flow.id)).map((s) => s.triggerName), ['a', 'b']);
      await store.flows.delete(flow.id);
      assert.equal((await store.triggerStates.listForFlow(flow.id)).length, 2, 'a deleted flow’s subscriptions must stay until unsubscribed');
      assert.ok((await store.triggerStates.listAll()).some((s) => s.flowId === flow.id));
      assert.equal(await store.triggerStates.delete(flow.id, 'a'), 1);
      assert.equal(await store.triggerStates.delete(flow.id), 1);
      assert.deepEqual(await store.triggerStates.listForFlow(flow.id), []);
    });

    it('keeps one sealed callback key per flow: insert once, replace, page for rotation', async () => {
      const flow = await newFlow();
      assert.equal(await store.flowKeys.get(flow.id), undefined);
      assert.equal((await store.flowKeys.insert(flow.id, 'sealed:k1'))?.sealedKey, 'sealed:k1');
      assert.equal(await store.flowKeys.insert(flow.id, 'sealed:k2'), undefined, 'the first key wins');
      assert.equal((await store.flowKeys.replace(flow.id, 'sealed:k3')).sealedKey, 'sealed:k3');
      assert.equal((await store.flowKeys.get(flow.id))?.sealedKey, 'sealed:k3');
      const page = await store.sealedValues.page('flow_keys.sealed_key', { afterRowId: null, limit: 100_000 });
      assert.ok(page.some((value) => value.rowId === flow.id && value.value === 'sealed:k3'));
      assert.equal(await store.sealedValues.replace({ column: 'flow_keys.sealed_key', rowId: flow.id, value: 'sealed:stale' }, 'x'), false);
      assert.equal(await store.sealedValues.replace({ column: 'flow_keys.sealed_key', rowId: flow.id, value: 'sealed:k3' }, 'sealed:k4'), true);
      assert.equal(await store.flowKeys.delete(flow.id), true);
      assert.equal(await store.flowKeys.get(flow.id), undefined);
    });
  });
}
