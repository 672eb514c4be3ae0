/**
 * The signature every template module has (STYLE.md §5: one module per kind, found by a registry):
 * compile an instance's parameters once, then run the compiled policy on each call.
 */
import type { PolicySection, PolicyTemplateInstance } from '../connectors/index.ts';
import type { PollingTriggerConfig, PolicyRequest, PolicyResponseResult } from './model.ts';
import type { ParameterReader } from './parameters.ts';
import type { PolicyRun } from './run.ts';

/** What the compile step of a template gets. */
export interface CompileInput {
  readonly instance: PolicyTemplateInstance;
  /** The section the instance runs in (its `policySection`, or the template's default). */
  readonly section: PolicySection;
  /** Reads the parameters and records issues. */
  readonly params: ParameterReader;
}

/** How the backend sees an operation, built up by the request policies in order. */
export interface BackendViewBuilder {
  method: string;
  path: string;
  readonly addedHeaders: Set<string>;
  readonly addedQuery: Set<string>;
  bodyTransformed: boolean;
  baseUrlTemplate: string | undefined;
}

/** A compiled instance: what it does in its section. */
export interface CompiledPolicy {
  /** Request section: changes the working request. */
  readonly request?: (request: PolicyRequest, run: PolicyRun) => void | Promise<void>;
  /** Response and failure sections: changes the working response. */
  readonly response?: (response: PolicyResponseResult, run: PolicyRun) => void | Promise<void>;
  /** True when the policy may change the body (the chain then works on a copy of it). */
  readonly touchesBody?: boolean;
  /** Records what the request policy changes, for {@link BackendViewBuilder}. */
  readonly describe?: (view: BackendViewBuilder) => void;
  /** pollingtrigger only: the trigger configuration for one operation. */
  readonly trigger?: (operationId: string) => PollingTriggerConfig;
}

/** One policy template. */
export interface PolicyTemplate {
  /** Lower-cased template id, as `PolicyTemplateInstance.templateId`. */
  readonly id: string;
  /** Sections in which the template does something; an instance in another section is reported and skipped. */
  readonly sections: readonly PolicySection[];
  /** The section when the instance names none. */
  readonly defaultSection: PolicySection;
  /** Compiles an instance; undefined when its parameters are invalid (the reader holds the issues). */
  compile(input: CompileInput): CompiledPolicy | undefined;
}
