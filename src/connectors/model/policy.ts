/** Policy template instances (`apiProperties.json` → `policyTemplateInstances`). */

/** Where in the call a policy runs. */
export type PolicySection = 'request' | 'response' | 'failure';

/** One configured policy template. */
export interface PolicyTemplateInstance {
  /** Position in `policyTemplateInstances`. */
  readonly index: number;
  readonly pointer: string;
  /** Lower-cased template id (`setheader`), since published connectors mix casings. */
  readonly templateId: string;
  /** The id as written (`setHeader`). */
  readonly templateIdRaw: string;
  readonly title?: string;
  /** `PollingTrigger` on pollingtrigger instances. */
  readonly type?: string;
  /** `x-ms-apimTemplate-operationName`; undefined = every operation. */
  readonly operationNames?: readonly string[];
  /** `x-ms-apimTemplate-policySection`, lower-cased. */
  readonly policySection?: PolicySection;
  /** Template parameters keyed by the name after `x-ms-apimTemplateParameter.`. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The `parameters` object as written. */
  readonly rawParameters: Readonly<Record<string, unknown>>;
}

/** What the model knows about one policy template. */
export interface PolicyTemplateSpec {
  readonly id: string;
  /** Required template parameters (names after `x-ms-apimTemplateParameter.`). */
  readonly required: readonly string[];
  /** Allowed `policySection` values. */
  readonly sections: readonly PolicySection[];
  /** True when the requirements come from the repository's paconn schema; false when inferred from use. */
  readonly fromSchema: boolean;
}

/**
 * The 16 templates published connectors use. Required parameters are those of
 * `schemas/paconn-apiProperties.schema.json`; the three templates that schema lacks
 * (dynamicsubdomain, moveproperties, setconnectionstatustounauthenticated) carry what their uses show.
 */
export const POLICY_TEMPLATES: readonly PolicyTemplateSpec[] = [
  { id: 'convertarraytoobject', required: ['propertyParentPath', 'keyWithinCollectionPath', 'newPropertyPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'convertobjecttoarray', required: ['propertyParentPath', 'newPropertyPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'dynamichosturl', required: ['urlTemplate'], sections: ['request', 'response'], fromSchema: true },
  { id: 'dynamicsubdomain', required: ['urlTemplate'], sections: ['request', 'response'], fromSchema: false },
  { id: 'encodepropertyvalue', required: ['propertyParentPath', 'newPropertyPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'moveproperties', required: ['srcParentPath', 'dstParentPath'], sections: ['request', 'response'], fromSchema: false },
  { id: 'pollingtrigger', required: ['triggerConfig', 'triggerDataPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'routerequesttoendpoint', required: ['newPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'setconnectionstatustounauthenticated', required: ['statusCode'], sections: ['request', 'response'], fromSchema: false },
  { id: 'setheader', required: ['name', 'value'], sections: ['request', 'response', 'failure'], fromSchema: true },
  { id: 'setproperty', required: ['newPropertyParentPathTemplate', 'newPropertySubPathTemplate', 'propertyValuePathTemplate'], sections: ['request', 'response'], fromSchema: true },
  { id: 'setqueryparameter', required: ['name', 'value'], sections: ['request', 'response'], fromSchema: true },
  { id: 'setvaluefromurl', required: ['parameterTemplate', 'parameterValueUrl', 'parameterValuePathTemplate'], sections: ['request', 'response'], fromSchema: true },
  { id: 'stringreplace', required: ['propertyParentPath', 'sourceString', 'replacementString', 'newPropertyPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'stringtoarray', required: ['propertyParentPath', 'delimiterList', 'childPropertyName', 'newPropertyPath'], sections: ['request', 'response'], fromSchema: true },
  { id: 'updatenextlink', required: ['nextLinkPropertyName'], sections: ['request', 'response'], fromSchema: true },
];

/** The spec of a (lower-cased) template id, if the model knows it. */
export function policyTemplateSpec(templateId: string): PolicyTemplateSpec | undefined {
  return POLICY_TEMPLATES.find((spec) => spec.id === templateId);
}
