/** The shape of a validation rule and the context every rule reads. */
import type { Issue, Severity } from '../../core/index.ts';
import type { ConnectorDefinition } from '../model/definition.ts';
import type { Operation } from '../model/operation.ts';
import type { ExtensionSite } from './extension-sites.ts';

/** What rules read: the definition plus indexes built once per validation. */
export interface RuleContext {
  readonly definition: ConnectorDefinition;
  /** File the definition-side issues point into. */
  readonly definitionFile: string;
  /** File the apiProperties-side issues point into (`apiProperties.json` when there is none). */
  readonly propertiesFile: string;
  /** Operations by operationId (a list, because duplicates are an error to report, not to hide). */
  readonly operationsById: ReadonlyMap<string, readonly Operation[]>;
  /** Every `x-*` key in the definition, modelled or kept verbatim, with where it is. */
  readonly extensionSites: readonly ExtensionSite[];
}

/** One rule group: returns its findings. */
export type Rule = (context: RuleContext) => Issue[];

/** Builds an issue in the definition file. */
export function definitionIssue(context: RuleContext, code: string, severity: Severity, path: string, message: string): Issue {
  return { code, severity, path, message, file: context.definitionFile };
}

/** Builds an issue in apiProperties.json. */
export function propertiesIssue(context: RuleContext, code: string, severity: Severity, path: string, message: string): Issue {
  return { code, severity, path, message, file: context.propertiesFile };
}

/** How an operation is named in messages: its operationId, or method and path when it has none. */
export function operationLabel(operation: Operation): string {
  return operation.operationId === '' ? `${operation.method.toUpperCase()} ${operation.path}` : operation.operationId;
}
