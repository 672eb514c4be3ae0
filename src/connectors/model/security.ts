/** `securityDefinitions` entries and `security` requirements. */

/** Fields every security scheme has. */
interface SecuritySchemeBase {
  /** The key in `securityDefinitions`. */
  readonly name: string;
  readonly pointer: string;
  readonly description?: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** An API key sent in a header or in the query string. */
export interface ApiKeyScheme extends SecuritySchemeBase {
  readonly type: 'apiKey';
  readonly in: 'header' | 'query';
  /** The header or query parameter name. */
  readonly parameterName: string;
}

/** HTTP basic authentication. */
export interface BasicScheme extends SecuritySchemeBase {
  readonly type: 'basic';
}

/** OAuth 2.0 (`accessCode`, `implicit`, `password`, `application`). */
export interface OAuth2Scheme extends SecuritySchemeBase {
  readonly type: 'oauth2';
  readonly flow?: string;
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly scopes: Readonly<Record<string, string>>;
}

/** A scheme whose type or fields were not understood; kept verbatim. */
export interface UnknownScheme extends SecuritySchemeBase {
  readonly type: 'unknown';
  readonly raw: unknown;
}

/** One entry of `securityDefinitions`. */
export type SecurityScheme = ApiKeyScheme | BasicScheme | OAuth2Scheme | UnknownScheme;

/** One alternative of a `security` array: scheme name → required scopes. */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;
