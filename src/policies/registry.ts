/** The 16 policy templates published connectors use, by lower-cased template id. */
import type { PolicyTemplate } from './policy-template.ts';
import { convertArrayToObjectTemplate } from './templates/convert-array-to-object.ts';
import { convertObjectToArrayTemplate } from './templates/convert-object-to-array.ts';
import { dynamicHostUrlTemplate } from './templates/dynamic-host-url.ts';
import { dynamicSubdomainTemplate } from './templates/dynamic-subdomain.ts';
import { encodePropertyValueTemplate } from './templates/encode-property-value.ts';
import { movePropertiesTemplate } from './templates/move-properties.ts';
import { pollingTriggerTemplate } from './templates/polling-trigger.ts';
import { routeRequestToEndpointTemplate } from './templates/route-request-to-endpoint.ts';
import { setConnectionStatusToUnauthenticatedTemplate } from './templates/set-connection-status-to-unauthenticated.ts';
import { setHeaderTemplate } from './templates/set-header.ts';
import { setPropertyTemplate } from './templates/set-property.ts';
import { setQueryParameterTemplate } from './templates/set-query-parameter.ts';
import { setValueFromUrlTemplate } from './templates/set-value-from-url.ts';
import { stringReplaceTemplate } from './templates/string-replace.ts';
import { stringToArrayTemplate } from './templates/string-to-array.ts';
import { updateNextLinkTemplate } from './templates/update-next-link.ts';

/** Every template this area runs. */
export const POLICY_TEMPLATE_IMPLEMENTATIONS: readonly PolicyTemplate[] = [
  convertArrayToObjectTemplate,
  convertObjectToArrayTemplate,
  dynamicHostUrlTemplate,
  dynamicSubdomainTemplate,
  encodePropertyValueTemplate,
  movePropertiesTemplate,
  pollingTriggerTemplate,
  routeRequestToEndpointTemplate,
  setConnectionStatusToUnauthenticatedTemplate,
  setHeaderTemplate,
  setPropertyTemplate,
  setQueryParameterTemplate,
  setValueFromUrlTemplate,
  stringReplaceTemplate,
  stringToArrayTemplate,
  updateNextLinkTemplate,
];

const byId: ReadonlyMap<string, PolicyTemplate> = new Map(POLICY_TEMPLATE_IMPLEMENTATIONS.map((template) => [template.id, template]));

/** The template for a (lower-cased) id, if Plugboard runs it. */
export function policyTemplate(id: string): PolicyTemplate | undefined {
  return byId.get(id);
}

/** Ids of the templates Plugboard runs (lower-cased). */
export const SUPPORTED_POLICY_TEMPLATES: readonly string[] = POLICY_TEMPLATE_IMPLEMENTATIONS.map((template) => template.id);
