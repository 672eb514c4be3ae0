/**
 * Flow callback keys: 32 random bytes per flow, sealed by the secrets area (context: the flow's
 * environment, the flow id, purpose `flow-callback-key`) and stored in `flow_keys`. Created on first
 * use; regenerating replaces the key, so every URL signed with the old one stops working.
 */
import { randomBytes } from 'node:crypto';
import type { Secrets } from '../secrets/index.ts';
import type { Store } from '../storage/index.ts';
import type { CallbackKeys } from '../workflow/index.ts';

const PURPOSE = 'flow-callback-key';

/** Callback keys over the store and the secrets area. */
export function createCallbackKeys(store: Store, secrets: Secrets): CallbackKeys {
  const context = (flow: { readonly id: string; readonly environmentId: string }) => ({ environmentId: flow.environmentId, ownerId: flow.id, purpose: PURPOSE });
  return {
    async keyFor(flow) {
      let record = await store.flowKeys.get(flow.id);
      if (record === undefined) {
        const sealed = await secrets.seal(randomBytes(32).toString('base64'), context(flow));
        // Two processes may create one at once: the first insert wins and both use it.
        record = (await store.flowKeys.insert(flow.id, sealed)) ?? (await store.flowKeys.get(flow.id));
        if (record === undefined) throw new Error(`the callback key of flow ${flow.id} vanished while it was created`);
      }
      return Buffer.from(await secrets.open(record.sealedKey, context(flow)), 'base64');
    },
    async regenerate(flow) {
      await store.flowKeys.replace(flow.id, await secrets.seal(randomBytes(32).toString('base64'), context(flow)));
    },
  };
}
