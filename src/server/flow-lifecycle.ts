/**
 * Flow changes reach the trigger service: after a flow is created, changed, enabled or disabled
 * its triggers are reconciled (schedules planned, webhooks subscribed or unsubscribed); before a
 * flow is deleted its webhooks are unsubscribed (a failure stops the delete, so no subscription
 * is left behind without the definition that made it). The view answered is read after
 * reconciling: a refused webhook subscribe disables the flow, and the answer must say so.
 */
import type { FlowService, TriggerService } from '../workflow/index.ts';

/** The flow service with trigger reconciliation after each change. */
export function withTriggerLifecycle(flows: FlowService, triggers: TriggerService): FlowService {
  return {
    ...flows,
    async create(...args: Parameters<FlowService['create']>) {
      const view = await flows.create(...args);
      await triggers.reconcile(view.id);
      return flows.get({ environment: args[0], flowId: view.id });
    },
    async update(...args: Parameters<FlowService['update']>) {
      const view = await flows.update(...args);
      await triggers.reconcile(view.id);
      return flows.get(args[0]);
    },
    async setState(...args: Parameters<FlowService['setState']>) {
      const view = await flows.setState(...args);
      await triggers.reconcile(view.id);
      return flows.get(args[0]);
    },
    async delete(...args: Parameters<FlowService['delete']>) {
      // Resolves the address first (environment, existence): only then may its triggers be touched.
      const view = await flows.get(args[0]);
      await triggers.beforeDelete(view.id);
      await flows.delete(...args);
    },
  };
}
