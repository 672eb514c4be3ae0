/**
 * pollingtrigger: turns a list operation into a polling trigger. `triggerConfig` maps query
 * parameter names to templates over `triggerBody()` = the previous poll's response
 * (`{"$filter": "lastModifiedDateTime gt @{triggerBody().value[0].lastModifiedDateTime}"}`), so
 * each poll asks only for newer items; `triggerDataPath` (`@triggerBody().value`) selects the items.
 * The key `x-ms-triggerConfig-nextLink` names the next-link property (default `@odata.nextLink`);
 * an empty key (published once, `{"": "1"}`) cannot be a query parameter and is reported and ignored.
 */
import { interpolationText } from '../../expressions/index.ts';
import type { Template } from '../../expressions/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { PollQuery, PollingTriggerConfig } from '../model.ts';
import type { PolicyTemplate } from '../policy-template.ts';
import { PolicyRun } from '../run.ts';
import type { PolicyParameter } from '../run.ts';
import { policyLocation } from '../parameters.ts';

const NEXT_LINK_KEY = 'x-ms-triggerconfig-nextlink';

/** The pollingtrigger template. */
export const pollingTriggerTemplate: PolicyTemplate = {
  id: 'pollingtrigger',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, instance }) {
    const config = params.raw('triggerConfig');
    const dataPath = params.template('triggerDataPath', true);
    if (config === undefined || config === null) params.missing('triggerConfig');
    else if (!isRecord(config)) params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'triggerConfig', message: '`triggerConfig` must be an object of query parameter names to values' });
    if (dataPath === undefined || !isRecord(config) || !params.ok) return undefined;
    const entries: PolicyParameter[] = [];
    let nextLinkProperty = '@odata.nextLink';
    for (const [name, value] of Object.entries(config)) {
      const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
      if (text === undefined) {
        params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'triggerConfig', message: `\`triggerConfig\` entry ${JSON.stringify(name)} must be a string` });
        continue;
      }
      if (name.toLowerCase() === NEXT_LINK_KEY) {
        nextLinkProperty = text;
        continue;
      }
      if (name.trim() === '') {
        params.issue({ code: 'policy-trigger-config-key-empty', severity: 'warning', parameter: 'triggerConfig', message: `\`triggerConfig\` has an entry with an empty name (value ${JSON.stringify(text)}); a query parameter needs a name, so the entry is ignored — remove it or name the parameter` });
        continue;
      }
      const template = params.parse('triggerConfig', text);
      if (template !== undefined) entries.push({ name, text, template });
    }
    if (!params.ok) return undefined;
    const location = policyLocation(instance);
    const dataParameter = dataPath;
    return {
      trigger: (operationId): PollingTriggerConfig => ({
        operationId,
        pointer: instance.pointer,
        queryTemplates: entries.map((entry) => ({ name: entry.name, template: entry.template })),
        dataPath: dataParameter.template,
        nextLinkProperty,
        nextPollQuery(previousResponseBody: unknown): PollQuery {
          const run = new PolicyRun(undefined);
          run.location = location;
          const query: [string, string][] = [];
          const unresolved: string[] = [];
          for (const entry of entries) {
            if (entry.template.kind === 'literal') {
              query.push([entry.name, entry.template.value]);
              continue;
            }
            const found = previousResponseBody === undefined ? undefined : run.tryEvaluate(entry, { triggerBody: previousResponseBody });
            if (found === undefined || found.value === null || found.value === undefined || (isExpressionOnly(entry.template) && found.value === '')) unresolved.push(entry.name);
            else query.push([entry.name, interpolationText(found.value)]);
          }
          return { query, unresolved };
        },
        items(responseBody: unknown): unknown[] {
          const run = new PolicyRun(undefined);
          run.location = location;
          const found = run.tryEvaluate(dataParameter, { triggerBody: responseBody ?? null });
          if (found === undefined || found.value === undefined || found.value === null) return [];
          return Array.isArray(found.value) ? [...found.value] : [found.value];
        },
      }),
    };
  },
};

/** True for a template that is only an expression (`@expr` or a lone `@{expr}`). */
function isExpressionOnly(template: Template): boolean {
  return template.kind === 'expression' || (template.kind === 'interpolated' && template.parts.length === 1);
}
