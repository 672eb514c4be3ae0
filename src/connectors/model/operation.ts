/** Operations, parameters, responses and triggers of a normalized connector. */
import type { DynamicBindings, DynamicProperties, DynamicRaw, DynamicSchema } from './dynamic.ts';
import type { SecurityRequirement } from './security.ts';

/** The HTTP methods an OpenAPI 2.0 path item can hold, in document order of preference. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** `x-ms-visibility`, lower-cased; an empty string in the document becomes `none`. */
export type Visibility = 'important' | 'advanced' | 'internal' | 'none';

/** Where a parameter goes in the request; `unknown` keeps an unrecognised `in` (see `rawIn`). */
export type ParameterLocation = 'path' | 'query' | 'header' | 'body' | 'formData' | 'unknown';

/** `x-ms-enum-values` entry: the label shown for one enum value. */
export interface EnumValueName {
  readonly value: unknown;
  readonly displayName: string;
}

/** One operation parameter, after merging path-level and operation-level declarations and resolving `$ref`. */
export interface Parameter {
  readonly name: string;
  readonly in: ParameterLocation;
  /** The `in` value as written, when it was not one of the known locations. */
  readonly rawIn?: string;
  /** Where the operation (or path item) lists the parameter, e.g. `/paths/~1items/get/parameters/2`. */
  readonly pointer: string;
  /** Where the parameter's content is, when it came through `$ref` (e.g. `/parameters/top`). */
  readonly definedAt?: string;
  /** `path` when inherited from the path item, `operation` when declared on the operation. */
  readonly level: 'path' | 'operation';
  readonly type?: string;
  readonly format?: string;
  /** `items` of an array parameter, verbatim. */
  readonly items?: unknown;
  readonly collectionFormat?: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly enumNames?: readonly EnumValueName[];
  readonly visibility?: Visibility;
  /** `x-ms-summary`: the label shown in the designer. */
  readonly summary?: string;
  readonly description?: string;
  /** `x-ms-url-encoding`. */
  readonly urlEncoding?: 'single' | 'double';
  readonly dynamic?: DynamicBindings;
  /** Body parameter schema, verbatim with its local `$ref`s. */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** `x-ms-test-value`. */
  readonly testValue?: unknown;
  /** Validation keywords (`maximum`, `pattern`, `maxLength` …), verbatim. */
  readonly constraints?: Readonly<Record<string, unknown>>;
  /** `x-*` keys the model does not name (or whose value did not fit it), verbatim. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Other keys, verbatim. */
  readonly unmodelled?: Readonly<Record<string, unknown>>;
}

/** A parameter declared twice at the same level (in + name); the first declaration was kept. */
export interface DroppedParameter {
  readonly name: string;
  readonly in: string;
  readonly pointer: string;
  readonly keptPointer: string;
}

/** One declared response. */
export interface OperationResponse {
  /** Status code as written (`200`, `default` …). */
  readonly status: string;
  readonly pointer: string;
  readonly definedAt?: string;
  readonly description?: string;
  readonly schema?: Readonly<Record<string, unknown>>;
  /** Response headers, verbatim. */
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly summary?: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly unmodelled?: Readonly<Record<string, unknown>>;
}

/** `x-ms-notification-content` of a path item: what the service later POSTs to the callback URL. */
export interface NotificationContent {
  readonly pointer: string;
  readonly description?: string;
  readonly schema?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** The body property the platform fills with its callback URL (`x-ms-notification-url: true`). */
export interface CallbackUrlProperty {
  /** JSON pointer inside the request body value, e.g. `/notification/url`. */
  readonly bodyPath: string;
  /** Name of the body parameter that carries it. */
  readonly parameter: string;
  /** Where the marked property schema is in the document. */
  readonly pointer: string;
  readonly visibility?: Visibility;
}

/** `x-ms-trigger-metadata`, e.g. `{kind: "query", mode: "polling"}`. */
export interface TriggerMetadata {
  readonly kind?: string;
  readonly mode?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** What makes an operation a trigger. */
export interface TriggerInfo {
  /** `webhook` when a body property has `x-ms-notification-url` or the path item has notification content. */
  readonly kind: 'webhook' | 'polling';
  /** `x-ms-trigger`: one run per notification (`single`) or per array of items (`batch`). */
  readonly cardinality: 'single' | 'batch';
  readonly hint?: string;
  readonly metadata?: TriggerMetadata;
  readonly notification?: NotificationContent;
}

/** `x-ms-api-annotation`: `{family, revision, status}`. */
export interface ApiAnnotation {
  readonly family?: string;
  readonly revision?: number;
  readonly status?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One operation (path × method). */
export interface Operation {
  /** `''` only in a broken definition without one (validation reports it). */
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** e.g. `/paths/~1items~1{id}/get`. */
  readonly pointer: string;
  readonly summary?: string;
  readonly description?: string;
  readonly visibility?: Visibility;
  readonly deprecated: boolean;
  readonly tags: readonly string[];
  readonly kind: 'action' | 'trigger';
  readonly trigger?: TriggerInfo;
  /** Set on triggers and on "send and wait for a callback" actions. */
  readonly callbackUrl?: CallbackUrlProperty;
  /** Effective media types (operation-level, else the document defaults). */
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
  readonly parameters: readonly Parameter[];
  readonly droppedParameters?: readonly DroppedParameter[];
  /** Absent when the operation declares no `responses` object. */
  readonly responses?: readonly OperationResponse[];
  /** `x-ms-pageable`; `nextLinkName: null` means explicitly not pageable. */
  readonly pageable?: { readonly nextLinkName: string | null };
  /** `x-ms-no-generic-test`. */
  readonly noGenericTest?: boolean;
  readonly apiAnnotation?: ApiAnnotation;
  /** `x-ms-openai-data`, verbatim. */
  readonly openAiData?: Readonly<Record<string, unknown>>;
  /** `x-ms-long-running-operation` (+ `-options`). */
  readonly longRunning?: { readonly enabled: boolean; readonly options?: Readonly<Record<string, unknown>> };
  /** Operation-level `x-ms-dynamic-schema` / `x-ms-dynamic-properties` (rare). */
  readonly dynamicSchema?: DynamicSchema | DynamicRaw;
  readonly dynamicProperties?: DynamicProperties | DynamicRaw;
  /** Operation-level `security`, when it overrides the document's. */
  readonly security?: readonly SecurityRequirement[];
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly unmodelled?: Readonly<Record<string, unknown>>;
}

/** A path item: its notification content and extensions (operations are listed flat). */
export interface PathItem {
  readonly path: string;
  readonly pointer: string;
  readonly notificationContent?: NotificationContent;
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Non-method, non-extension keys (e.g. upper-case method names, `$ref`), verbatim. */
  readonly unmodelled?: Readonly<Record<string, unknown>>;
}
