/**
 * The message model the gateway and the policy chain share: the outgoing request as policies see
 * and change it, the backend's response, and what a call gives the chain (connection values, the
 * caller's original request, an auxiliary sender).
 */
import type { Template } from '../expressions/index.ts';

/** The request on its way to the backend; a working copy inside the chain (the caller's object is never changed). */
export interface PolicyRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** `scheme://host[:port][/basePath]`, without a trailing slash. */
  baseUrl: string;
  /** The operation path relative to `baseUrl`, path parameters substituted and encoded, starting with `/`. */
  path: string;
  /** Query parameters in order; a name may repeat. */
  query: [string, string][];
  /** Header values by lower-cased name. */
  headers: Record<string, string>;
  /** A parsed JSON value, a string, or undefined when there is no body. */
  body: unknown;
}

/** The backend's response (or the response of an auxiliary call). */
export interface PolicyResponse {
  status: number;
  /** Header values by lower-cased name. */
  headers: Record<string, string>;
  /** A parsed JSON value, a string, or undefined. */
  body: unknown;
}

/** A response after the response policies. */
export interface PolicyResponseResult extends PolicyResponse {
  /**
   * Set when a `setconnectionstatustounauthenticated` policy matched the status: the connection's
   * credentials no longer work and the user has to sign in again.
   */
  connectionUnauthenticated?: boolean;
}

/** What one call gives the chain. */
export interface PolicyContext {
  readonly operationId: string;
  /** The method the operation was called with, for `@Request.OriginalHTTPMethod`. */
  readonly originalMethod: string;
  /** Raw (unencoded) path parameter values, for `{name}` placeholders in routerequesttoendpoint and setvaluefromurl. */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Decrypted connection parameter values by name (including `token:X` names). Never logged or put in errors. */
  readonly connectionParameters: Readonly<Record<string, unknown>>;
  /** What the caller sent; `@headers(…)` / `@queryParameters(…)` fall back to it when the working request lacks the name. */
  readonly originalRequest: {
    readonly headers: Readonly<Record<string, string>>;
    readonly query: readonly (readonly [string, string])[];
    readonly body: unknown;
  };
  /** Sends an auxiliary request through the gateway (setvaluefromurl); credentials and egress checks are the gateway's. */
  send(request: PolicyRequest): Promise<PolicyResponse>;
  /** Turns a backend next-page URL into one that comes back through the gateway (updatenextlink). */
  rewriteNextLink(url: string): string;
}

/** The query a poll should send next, computed from the previous poll's response. */
export interface PollQuery {
  /** `[name, value]` pairs whose expressions could be evaluated. */
  readonly query: readonly [string, string][];
  /**
   * Names whose expression found nothing to read (first poll, or a response without items): the
   * scheduler keeps the value it sent last time for these, so the cursor does not move backwards.
   */
  readonly unresolved: readonly string[];
}

/** A `pollingtrigger` policy, parsed: how to turn a list operation into a polling trigger. */
export interface PollingTriggerConfig {
  readonly operationId: string;
  /** Pointer of the policy instance in apiProperties.json. */
  readonly pointer: string;
  /** `triggerConfig` entries: query parameter name → template over `triggerBody()` (the previous response). */
  readonly queryTemplates: readonly { readonly name: string; readonly template: Template }[];
  /** `triggerDataPath`, e.g. `@triggerBody().value`: where the new items are in a response. */
  readonly dataPath: Template;
  /** The response property holding the next page link (`x-ms-triggerConfig-nextLink`; default `@odata.nextLink`). */
  readonly nextLinkProperty: string;
  /** Evaluates `triggerConfig` against the previous poll's response body (undefined on the first poll). */
  nextPollQuery(previousResponseBody: unknown): PollQuery;
  /** The items `triggerDataPath` selects in a response body: an array, `[value]` for a single object, `[]` when absent. */
  items(responseBody: unknown): unknown[];
}

/** How the backend sees an operation once the request policies have run (for the mock backend). */
export interface BackendView {
  /** Upper-case method; routerequesttoendpoint may change it. */
  readonly method: string;
  /**
   * Path relative to the base URL. `{name}` marks a path parameter; `{@expr}` marks a value an
   * expression computes at call time (e.g. `{@connectionParameters('username')}`). Treat both as
   * one wildcard segment (or part of one).
   */
  readonly path: string;
  /** Lower-cased names of headers the request policies set. */
  readonly addedHeaders: readonly string[];
  /** Names of query parameters the request policies set. */
  readonly addedQuery: readonly string[];
  /** True when a request policy reshapes the body, so it no longer matches the operation's body schema. */
  readonly bodyTransformed: boolean;
  /** The last dynamichosturl / dynamicsubdomain template that applies, as written; undefined when the definition's host is used. */
  readonly baseUrlTemplate?: string;
}
